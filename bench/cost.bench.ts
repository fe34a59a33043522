/**
 * `npm run bench -- cost`: time to price every resource of every stack
 * (derivation + expected + ceiling), Pulumi runtime excluded: the stacks are
 * synthesized under mocks first, then priced. Reports the median of several
 * runs after one warm-up (the first run also loads the price catalogue).
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { estimateStack } from "../cost";
import { listStackFiles, loadStackFile, readProjectName } from "../environments";
import { StackResource } from "../model/resources";
import { synthesizeStack } from "../platform/synth";
import type { Metric } from "./run";

const RUNS = 15;

export async function run(): Promise<Metric[]> {
  const root = path.join(__dirname, "..");
  const project = readProjectName(root);
  const stacks: { resources: StackResource[]; env: ReturnType<typeof loadStackFile> }[] = [];
  for (const { file } of listStackFiles(root)) {
    const env = loadStackFile(file, project);
    stacks.push({ env, resources: (await synthesizeStack(env)).resources });
  }
  const priceAll = () => {
    let resources = 0;
    for (const { env, resources: rs } of stacks) {
      estimateStack(rs, { region: env.awsRegion, workload: env.workload, limits: env.limits });
      resources += rs.length;
    }
    return resources;
  };
  const resources = priceAll(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    priceAll();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return [
    { metric: "cost.price_all_stacks_ms", value: Number(median.toFixed(3)), unit: "ms" },
    { metric: "cost.resources_priced", value: resources, unit: "resources" },
  ];
}
