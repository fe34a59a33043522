/**
 * `plan.all_stacks_seconds`: wall time of `platform plan --stack all` as a user
 * runs it (node + tsx transpilation, no type-checking): synthesis of every
 * stack under mocks, pricing, policies, output. Median of 3 runs. Target <= 10 s.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { Metric } from "./run";

const REPO = path.join(__dirname, "..");
const RUNS = 3;

/** Wall seconds of one CLI run; exit codes 0 and 1 (a guardrail verdict) are both a completed plan. */
export function timeCli(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const p = spawnSync(process.execPath, [path.join(REPO, "cli", "bin", "platform.js"), ...args], { cwd: REPO, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (p.status !== 0 && p.status !== 1) throw new Error(`platform ${args.join(" ")} exited ${p.status}: ${p.stderr.split("\n")[0]}`);
  return seconds;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<Metric[]> {
  const times = Array.from({ length: RUNS }, () => timeCli(["plan", "--stack", "all", "--format", "json"]));
  return [{ metric: "plan.all_stacks_seconds", value: Math.round(median(times) * 1000) / 1000, unit: "s" }];
}
