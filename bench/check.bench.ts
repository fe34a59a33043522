/**
 * `platform check --preview` wall times, as a user runs it (parse, price,
 * policies, output):
 * - `check.preview_500_resources_seconds`: the 500-resource fixture
 *   (test/fixtures/cli/preview-500.json), median of 3 runs. Target <= 2 s;
 * - `check.preview_1000_resources_seconds`, `check.preview_10000_resources_seconds`:
 *   previews made here by repeating dev's synthesized stack under its own names
 *   (bench/previews.ts), best of 2 interleaved runs each. Target <= 10 s;
 * - `check.scaling_ratio_10x`: the 10,000-resource time over the 1,000-resource
 *   time of this run. Linear checks give about 10 (less, as start-up is
 *   shared); the target is <= 12.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadStackFile, readProjectName } from "../environments";
import { synthesizeStack } from "../platform/synth";
import { median, timeCli } from "./plan.bench";
import { namePrefixesOf, repeatedStackPreview } from "./previews";
import type { Metric } from "./run";

const REPO = path.join(__dirname, "..");
const PREVIEW = path.join(REPO, "test", "fixtures", "cli", "preview-500.json");
const RUNS = 3;
const SIZES = [1_000, 10_000] as const;
const ROUNDS = 2;

/** Writes the repeated-stack previews of {@link SIZES} resources; returns their files. */
async function writePreviews(dir: string): Promise<Map<number, string>> {
  const env = loadStackFile(path.join(REPO, "Pulumi.dev.yaml"), readProjectName(REPO));
  const { resources } = await synthesizeStack(env);
  const prefixes = namePrefixesOf(resources, env.project);
  const files = new Map<number, string>();
  for (const size of SIZES) {
    const file = path.join(dir, `preview-${size}.json`);
    fs.writeFileSync(file, JSON.stringify(repeatedStackPreview(resources, size, prefixes)));
    files.set(size, file);
  }
  return files;
}

export async function run(): Promise<Metric[]> {
  const times = Array.from({ length: RUNS }, () => timeCli(["check", "--preview", PREVIEW, "--format", "json"]));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-bench-"));
  try {
    const files = await writePreviews(dir);
    const best = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [size, file] of files) {
        const t = timeCli(["check", "--preview", file, "--format", "json"]);
        best.set(size, Math.min(best.get(size) ?? Infinity, t));
      }
    }
    const [small, large] = SIZES.map((s) => best.get(s)!);
    const seconds = (v: number) => Math.round(v * 1000) / 1000;
    return [
      { metric: "check.preview_500_resources_seconds", value: seconds(median(times)), unit: "s" },
      { metric: "check.preview_1000_resources_seconds", value: seconds(small), unit: "s" },
      { metric: "check.preview_10000_resources_seconds", value: seconds(large), unit: "s" },
      { metric: "check.scaling_ratio_10x", value: Math.round((large / small) * 100) / 100, unit: "ratio" },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
