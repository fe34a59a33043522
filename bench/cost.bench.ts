/**
 * `npm run bench -- cost`:
 * - `cost.price_all_stacks_ms`: time to price every resource of every stack
 *   (derivation + expected + ceiling), Pulumi runtime excluded: the stacks are
 *   synthesized under mocks first, then priced. The median of several runs
 *   after one warm-up (the first run also loads the price catalogue);
 * - `cost.usd_per_million_transactions.<stack>`: the engine's expected monthly
 *   cost over the month's transactions at the workload's average rate;
 * - `cost.usd_per_million_transactions.prod_<f>x`: the same for prod synthesized
 *   and priced with f times its transaction traffic (0.1x, 1x, 10x; analysts'
 *   queries and dashboards unchanged), with `cost.peak_bound_use.prod_<f>x.<bound>`:
 *   the share of each traffic bound in prod's limits the peak uses (above 1
 *   it binds), from the same stack priced with the peak held all month;
 * - `cost.binds_at_traffic_multiple.prod.<bound>`: the multiple of prod's
 *   traffic at which that bound starts to bind, first-binding first.
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { boundsAtPeak, estimateStack, flatAtPeak, scaleTraffic, usdPerMillionTransactions } from "../cost";
import { Environment, listStackFiles, loadStackFile, readProjectName } from "../environments";
import { StackResource } from "../model/resources";
import { synthesizeStack } from "../platform/synth";
import type { Metric } from "./run";

const RUNS = 15;
const TRAFFIC_FACTORS = [0.1, 1, 10] as const;

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** The use of each traffic bound at the peak of `factor` times `env`'s traffic, by bound. */
async function boundUses(env: Environment, factor: number): Promise<Map<string, number>> {
  const workload = scaleTraffic(env.workload, factor);
  const { resources } = await synthesizeStack({ ...env, workload });
  const atPeak = estimateStack(resources, { region: env.awsRegion, workload: flatAtPeak(workload), limits: env.limits });
  return new Map(boundsAtPeak(atPeak, resources, env.limits, env.workload.averageRecordBytes).map((b) => [b.bound, b.use]));
}

/**
 * The traffic multiple (of `env`'s) at which each bound starts to bind (its
 * use at the peak reaches 1), by bisection on a log scale between 0.1x and
 * 100x; bounds that never bind in that range are left out.
 */
async function bindingMultiples(env: Environment): Promise<Metric[]> {
  const low = await boundUses(env, 0.1);
  const high = await boundUses(env, 100);
  const out: Metric[] = [];
  for (const [bound, useHigh] of high) {
    if (useHigh < 0.999 || (low.get(bound) ?? 0) >= 0.999) continue;
    let [a, b] = [Math.log(0.1), Math.log(100)];
    for (let i = 0; i < 10; i++) {
      const mid = (a + b) / 2;
      if (((await boundUses(env, Math.exp(mid))).get(bound) ?? 0) >= 0.999) b = mid;
      else a = mid;
    }
    out.push({ metric: `cost.binds_at_traffic_multiple.prod.${metricName(bound)}`, value: round(Math.exp(b), 2), unit: "x prod's traffic" });
  }
  return out.sort((x, y) => x.value - y.value);
}

const metricName = (bound: string) => bound.replace(/ of /, ".").replace(/^limits\./, "");

/** Cost per million transactions of `env` at `factor` times its traffic, and the use of its bounds at that peak. */
async function unitCost(env: Environment, factor: number, label: string): Promise<Metric[]> {
  const workload = scaleTraffic(env.workload, factor);
  const scaled: Environment = { ...env, workload };
  const { resources } = await synthesizeStack(scaled);
  const cost = estimateStack(resources, { region: env.awsRegion, workload, limits: env.limits });
  const atPeak = estimateStack(resources, { region: env.awsRegion, workload: flatAtPeak(workload), limits: env.limits });
  return [
    { metric: `cost.usd_per_million_transactions.${label}`, value: round(usdPerMillionTransactions(cost, workload), 3), unit: "USD/million transactions" },
    { metric: `cost.expected_monthly_usd.${label}`, value: round(cost.expectedMonthlyUsd, 2), unit: "USD/month" },
    ...boundsAtPeak(atPeak, resources, env.limits, env.workload.averageRecordBytes)
      .filter((b) => b.peak > 0)
      .map((b) => ({ metric: `cost.peak_bound_use.${label}.${metricName(b.bound)}`, value: round(b.use, 3), unit: `peak/limit (${b.unit})` })),
  ];
}

export async function run(): Promise<Metric[]> {
  const root = path.join(__dirname, "..");
  const project = readProjectName(root);
  const stacks: { resources: StackResource[]; env: Environment }[] = [];
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
  const perStack = stacks.map(({ env }) => ({
    metric: `cost.usd_per_million_transactions.${env.stack}`,
    value: round(usdPerMillionTransactions(estimateStack(stacks.find((s) => s.env === env)!.resources, { region: env.awsRegion, workload: env.workload, limits: env.limits }), env.workload), 3),
    unit: "USD/million transactions",
  }));
  const prod = stacks.find((s) => s.env.stack === "prod")?.env;
  const scaled: Metric[] = [];
  for (const f of prod ? TRAFFIC_FACTORS : []) scaled.push(...(await unitCost(prod!, f, `prod_${f}x`)));
  if (prod) scaled.push(...(await bindingMultiples(prod)));
  return [
    { metric: "cost.price_all_stacks_ms", value: Number(median.toFixed(3)), unit: "ms" },
    { metric: "cost.resources_priced", value: resources, unit: "resources" },
    ...perStack,
    ...scaled,
  ];
}
