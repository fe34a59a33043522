/**
 * Large valid inputs complete in bounded memory: a 10,000-resource
 * `pulumi preview --json` (the benchmark's repeated dev stack, 12.5 MB) is
 * checked in process. Memory is the resident set sampled while it runs (and the
 * process's peak), against a fixed bound far below what a quadratic structure
 * would take. The 100 MB transaction file streamed through `platform local`'s
 * producer is in test/functions/local/inputLines.test.ts.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { namePrefixesOf, repeatedStackPreview } from "../../bench/previews";
import { PROJECT, synthesized } from "../helpers/stacks";
import { run } from "./helpers";

const MiB = 1 << 20;
/** Measured on our 2-core machine: about 112 MiB above the start (2026-12-02); the bound leaves room, not a quadratic. */
const BOUND_BYTES = 768 * MiB;

describe("large valid input: a 10,000-resource preview", function () {
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "large-input-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is checked, every resource priced or flagged, in bounded memory", async () => {
    // prepare
    const { resources } = await synthesized("dev");
    const file = path.join(dir, "preview-10000.json");
    fs.writeFileSync(file, JSON.stringify(repeatedStackPreview(resources, 10_000, namePrefixesOf(resources, PROJECT))));
    const startRss = process.memoryUsage().rss;
    const startPeak = process.resourceUsage().maxRSS * 1024;
    let peakRss = startRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    // act
    const r = await run(["check", "--preview", file, "--format", "json"], dir).finally(() => clearInterval(sampler));
    // assess
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const [stack] = JSON.parse(r.stdout).stacks;
    assert.equal(stack.resources.length, 10_000);
    const grew = Math.max(peakRss - startRss, process.resourceUsage().maxRSS * 1024 - startPeak);
    assert.ok(grew < BOUND_BYTES, `resident set grew ${(grew / MiB).toFixed(0)} MiB for a ${(fs.statSync(file).size / MiB).toFixed(1)} MiB preview`);
  });
});
