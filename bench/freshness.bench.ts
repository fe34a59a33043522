/**
 * Freshness of the live view: how long after a transaction arrives in the
 * stream its aggregate is readable in DynamoDB, in the local pipeline
 * (kinesalite -> Lambda-like pollers -> the stream processor -> dynalite) under
 * prod's event source mapping (its batch size and batching window, read from
 * Pulumi.prod.yaml) and Lambda's polling of a shard about once per second.
 *
 * A record's freshness is the time its invocation returned (every UpdateItem
 * carrying its contribution acknowledged: DynamoDB reads are strongly
 * consistent on request, and dynalite's always are) minus its
 * ApproximateArrivalTimestamp as kinesalite stamped it. Traffic is generated in
 * real time (event time = wall time) at prod's peak and average rates
 * (workload.peakTps, workload.averageTps); records that arrive in the first
 * seconds of a run (the pollers' start) are not counted.
 *
 * - local.freshness_p50_seconds.peak, local.freshness_p99_seconds.peak, and .average;
 * - local.wru_per_1000_transactions.peak: the write units the same peak run consumed
 *   (dynalite's ConsumedCapacity), per 1,000 valid transactions.
 */
import * as path from "node:path";
import type { Metric } from "./run";
import { loadStackFile } from "../environments/load";
import type { Environment } from "../environments/schema";
import { runLocalPipeline } from "../functions/local/pipeline";

/** Lambda reads each shard about once per second (docs/functions.md, "Freshness"). */
export const LAMBDA_POLL_INTERVAL_MS = 1000;
const WARM_UP_MS = 3000;

export interface FreshnessRun {
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly maxSeconds: number;
  readonly records: number;
  readonly invocations: number;
  readonly meanBatch: number;
  readonly wruPer1000: number;
}

/** Runs the pipeline on `rate` generated transactions/s for `durationSeconds` and measures each record's freshness. */
export async function freshness(environment: Environment, rate: number, durationSeconds: number, batching?: { batchSize: number; batchingWindowSeconds: number }): Promise<FreshnessRun> {
  const ages: number[] = [];
  const applied = new Set<string>();
  let invocations = 0;
  let delivered = 0;
  let wcu = 0;
  let valid = 0;
  const started = Date.now();
  await runLocalPipeline({
    environment,
    input: { kind: "generate", rate, durationSeconds, speedup: 1 },
    poller: {
      pollIntervalMs: LAMBDA_POLL_INTERVAL_MS,
      ...(batching ? { batchSize: batching.batchSize, batchingWindowMs: batching.batchingWindowSeconds * 1000 } : {}),
    },
    onDelivered: (batch, statuses, outcome) => {
      const returnedAt = Date.now();
      invocations++;
      delivered += batch.length;
      wcu += outcome.consumedWcu;
      valid += outcome.valid;
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i];
        const key = `${r.shardId}/${r.sequenceNumber}`;
        if (statuses[i]?.status !== "valid" || applied.has(key)) continue;
        applied.add(key);
        if (r.arrivalMs - started >= WARM_UP_MS) ages.push(returnedAt - r.arrivalMs);
      }
    },
  });
  if (ages.length === 0) throw new Error(`no record measured at ${rate}/s`);
  ages.sort((a, b) => a - b);
  const at = (q: number) => ages[Math.min(ages.length - 1, Math.floor(q * ages.length))] / 1000;
  return {
    p50Seconds: round2(at(0.5)),
    p99Seconds: round2(at(0.99)),
    maxSeconds: round2(ages[ages.length - 1] / 1000),
    records: ages.length,
    invocations,
    meanBatch: Math.round(delivered / Math.max(1, invocations)),
    wruPer1000: round2((wcu / Math.max(1, valid)) * 1000),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function prodEnvironment(): Environment {
  return loadStackFile(path.join(__dirname, "..", "Pulumi.prod.yaml"), "retail-data-platform");
}

export async function run(): Promise<Metric[]> {
  const env = prodEnvironment();
  const peak = await freshness(env, env.workload.peakTps, 25);
  const average = await freshness(env, env.workload.averageTps, 35);
  process.stderr.write(`freshness: peak ${JSON.stringify(peak)}\nfreshness: average ${JSON.stringify(average)}\n`);
  return [
    { metric: "local.freshness_p50_seconds.peak", value: peak.p50Seconds, unit: "s" },
    { metric: "local.freshness_p99_seconds.peak", value: peak.p99Seconds, unit: "s" },
    { metric: "local.freshness_p50_seconds.average", value: average.p50Seconds, unit: "s" },
    { metric: "local.freshness_p99_seconds.average", value: average.p99Seconds, unit: "s" },
    { metric: "local.wru_per_1000_transactions.peak", value: peak.wruPer1000, unit: "WRU/1000 transactions" },
  ];
}
