/**
 * `check.preview_500_resources_seconds`: wall time of `platform check
 * --preview` on a 500-resource `pulumi preview --json` document
 * (test/fixtures/cli/preview-500.json, made by generate-preview-500.ts), as a
 * user runs it: parse, price, policies, output. Median of 3 runs. Target <= 2 s.
 */
import * as path from "node:path";
import { median, timeCli } from "./plan.bench";
import type { Metric } from "./run";

const PREVIEW = path.join(__dirname, "..", "test", "fixtures", "cli", "preview-500.json");
const RUNS = 3;

export async function run(): Promise<Metric[]> {
  const times = Array.from({ length: RUNS }, () => timeCli(["check", "--preview", PREVIEW, "--format", "json"]));
  return [{ metric: "check.preview_500_resources_seconds", value: Math.round(median(times) * 1000) / 1000, unit: "s" }];
}
