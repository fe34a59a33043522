/**
 * Freshness of the live view: how long after a transaction arrives in the
 * stream its aggregate is readable in DynamoDB, in the local pipeline
 * (kinesalite -> a Lambda-like poller -> the stream processor -> dynalite)
 * under an event source mapping's batch size and batching window and Lambda's
 * polling of a shard about once per second.
 *
 * Method (docs/functions.md, "Freshness"): Lambda polls every shard on its own
 * (parallelization factor 1: one poller and one invocation at a time per
 * shard), so a shard's freshness depends on its own rate, not on the number of
 * shards. The emulators on a 2-core machine cannot carry prod's 3,000 tx/s over
 * 4 shards, so the benchmark runs ONE shard at prod's per-shard rate
 * (workload.peakTps / shards = 750 tx/s; .average: averageTps / shards) with
 * prod's batch size and window: the same per-shard load. The aggregate items
 * are shared by all shards, so write units are measured apart, on dynalite
 * with all the shards' batches (functions/local/aggregatesMeasure.ts).
 *
 * A record's freshness is the time its invocation returned (every UpdateItem
 * carrying its contribution acknowledged: DynamoDB reads are strongly
 * consistent on request, and dynalite's always are) minus its
 * ApproximateArrivalTimestamp as kinesalite stamped it; it splits into the
 * wait before the invocation (polling, batching window, GetRecords) and the
 * invocation (the processor and its dynalite writes). Records that arrive in
 * the first seconds of a run (the poller's start) are not counted.
 *
 * Metrics: local.freshness_p50_seconds.peak / local.freshness_p99_seconds.peak
 * and .average under Pulumi.prod.yaml's settings; for each candidate window
 * (`.window_<W>s`, batch size 10,000 so the window closes every batch) the peak p50/p99 and
 * processor.wru_per_1000_transactions.window_<W>s (all prod's shards at peak);
 * processor.wru_per_1000_transactions.peak for prod's settings; the emulators'
 * share: local.freshness_invocation_p99_seconds.peak (processor + dynalite) and
 * local.kinesalite_get_records_ms.peak (mean GetRecords time).
 */
import * as path from "node:path";
import type { Metric } from "./run";
import { loadStackFile } from "../environments/load";
import type { Environment } from "../environments/schema";
import { runLocalPipeline } from "../functions/local/pipeline";
import { measureAggregateWru } from "../functions/local/aggregatesMeasure";

/** Lambda reads each shard about once per second (docs/functions.md, "Freshness"). */
export const LAMBDA_POLL_INTERVAL_MS = 1000;
const WARM_UP_MS = 3000;
/** Candidate batching windows (s): MaximumBatchingWindowInSeconds is a whole number of seconds. */
export const CANDIDATE_WINDOWS = [1, 2, 3, 5, 10];
/** The candidates' batch size: Kinesis's largest (10,000), so that at the peak rate the window alone closes the batch. */
const CANDIDATE_BATCH_SIZE = 10_000;
const PEAK_SECONDS = 25;
const AVERAGE_SECONDS = 35;
/** Event time the write-unit measurement covers: two whole minutes, as items grow through a minute. */
const WRU_EVENT_SECONDS = 120;

export interface Batching {
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
}

export interface FreshnessRun {
  readonly p50Seconds: number;
  readonly p99Seconds: number;
  readonly maxSeconds: number;
  /** p99 of the wait before the invocation (polling, window, GetRecords) and of the invocation itself. */
  readonly waitP99Seconds: number;
  readonly invocationP99Seconds: number;
  readonly records: number;
  readonly invocations: number;
  readonly meanBatch: number;
  /** Records the producer stored per second of the run, and the mean GetRecords time (the emulator's throughput). */
  readonly producedPerSecond: number;
  readonly getRecordsMs: number;
}

/** Runs the pipeline on `rate` generated transactions/s for `durationSeconds` and measures each record's freshness. */
export async function freshness(environment: Environment, rate: number, durationSeconds: number, batching?: Batching): Promise<FreshnessRun> {
  const ages: number[] = [];
  const waits: number[] = [];
  const invocationsMs: number[] = [];
  const applied = new Set<string>();
  let invocations = 0;
  let delivered = 0;
  let pollers: readonly { stats: { reads: number; readMs: number } }[] = [];
  const started = Date.now();
  const result = await runLocalPipeline({
    environment,
    input: { kind: "generate", rate, durationSeconds, speedup: 1 },
    poller: {
      pollIntervalMs: LAMBDA_POLL_INTERVAL_MS,
      ...(batching ? { batchSize: batching.batchSize, batchingWindowMs: batching.batchingWindowSeconds * 1000 } : {}),
    },
    onPollers: (p) => (pollers = p),
    onDelivered: (batch, statuses, _outcome, invokedAtMs) => {
      const returnedAt = Date.now();
      invocations++;
      delivered += batch.length;
      invocationsMs.push(returnedAt - invokedAtMs);
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i];
        const key = `${r.shardId}/${r.sequenceNumber}`;
        if (statuses[i]?.status !== "valid" || applied.has(key)) continue;
        applied.add(key);
        if (r.arrivalMs - started < WARM_UP_MS) continue;
        ages.push(returnedAt - r.arrivalMs);
        waits.push(invokedAtMs - r.arrivalMs);
      }
    },
  });
  if (ages.length === 0) throw new Error(`no record measured at ${rate}/s`);
  return {
    p50Seconds: quantileSeconds(ages, 0.5),
    p99Seconds: quantileSeconds(ages, 0.99),
    maxSeconds: quantileSeconds(ages, 1),
    waitP99Seconds: quantileSeconds(waits, 0.99),
    invocationP99Seconds: quantileSeconds(invocationsMs, 0.99),
    records: ages.length,
    invocations,
    meanBatch: Math.round(delivered / Math.max(1, invocations)),
    producedPerSecond: Math.round(result.processed / durationSeconds),
    getRecordsMs: round2(pollers.reduce((s, p) => s + p.stats.readMs, 0) / Math.max(1, pollers.reduce((s, p) => s + p.stats.reads, 0))),
  };
}

function quantileSeconds(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round2(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function prodEnvironment(): Environment {
  return loadStackFile(path.join(__dirname, "..", "Pulumi.prod.yaml"), "retail-data-platform");
}

/** The stack with one provisioned shard: the local stand-in for one of its shards. */
export function oneShard(env: Environment): Environment {
  return { ...env, limits: { ...env.limits, kinesis: { mode: "provisioned", shards: 1, minShards: 1, maxShards: 1 } } };
}

export function shardsOf(env: Environment): number {
  return env.limits.kinesis.mode === "provisioned" ? env.limits.kinesis.shards : 2;
}

/** Records per batch at `perShardTps`: the batch fills, or the window closes first. */
export function recordsPerBatch(perShardTps: number, b: Batching): number {
  return Math.min(b.batchSize, Math.max(1, Math.round(perShardTps * b.batchingWindowSeconds)));
}

/** WRU per 1,000 transactions with every shard of the stack at peak, batches as `b` makes them (dynalite). */
export async function peakWruPer1000(env: Environment, b: Batching): Promise<number> {
  const shards = shardsOf(env);
  const batchSize = recordsPerBatch(env.workload.peakTps / shards, b);
  const batches = Math.ceil((env.workload.peakTps * WRU_EVENT_SECONDS) / batchSize);
  const m = await measureAggregateWru({ batchSize, tps: env.workload.peakTps, batches, shards, regions: env.salesRegions });
  return round2(m.wruPer1000);
}

function log(label: string, value: unknown): void {
  process.stderr.write(`freshness: ${label} ${JSON.stringify(value)}\n`);
}

export async function run(): Promise<Metric[]> {
  const env = prodEnvironment();
  const shards = shardsOf(env);
  const prod: Batching = env.limits.lambda;
  const perShardPeak = env.workload.peakTps / shards;
  const out: Metric[] = [];
  let prodPeak: FreshnessRun | undefined;
  let prodWru: number | undefined;
  for (const w of CANDIDATE_WINDOWS) {
    const b: Batching = { batchSize: CANDIDATE_BATCH_SIZE, batchingWindowSeconds: w };
    const peak = await freshness(oneShard(env), perShardPeak, PEAK_SECONDS, b);
    const wru = await peakWruPer1000(env, b);
    log(`peak, window ${w} s, ${recordsPerBatch(perShardPeak, b)} records/batch`, { ...peak, wruPer1000: wru });
    if (b.batchSize === prod.batchSize && w === prod.batchingWindowSeconds) [prodPeak, prodWru] = [peak, wru];
    out.push(
      { metric: `local.freshness_p50_seconds.peak.window_${w}s`, value: peak.p50Seconds, unit: "s" },
      { metric: `local.freshness_p99_seconds.peak.window_${w}s`, value: peak.p99Seconds, unit: "s" },
      { metric: `processor.wru_per_1000_transactions.window_${w}s`, value: wru, unit: "WRU/1000 transactions" },
    );
  }
  prodPeak ??= await freshness(oneShard(env), perShardPeak, PEAK_SECONDS, prod);
  log(`peak, prod's settings (${prod.batchSize} records, ${prod.batchingWindowSeconds} s)`, prodPeak);
  const average = await freshness(oneShard(env), env.workload.averageTps / shards, AVERAGE_SECONDS, prod);
  prodWru ??= await peakWruPer1000(env, prod);
  log("average, prod's settings", average);
  return [
    { metric: "local.freshness_p50_seconds.peak", value: prodPeak.p50Seconds, unit: "s" },
    { metric: "local.freshness_p99_seconds.peak", value: prodPeak.p99Seconds, unit: "s" },
    { metric: "local.freshness_p50_seconds.average", value: average.p50Seconds, unit: "s" },
    { metric: "local.freshness_p99_seconds.average", value: average.p99Seconds, unit: "s" },
    { metric: "local.freshness_invocation_p99_seconds.peak", value: prodPeak.invocationP99Seconds, unit: "s" },
    { metric: "local.kinesalite_get_records_ms.peak", value: prodPeak.getRecordsMs, unit: "ms" },
    { metric: "local.produced_per_second.peak", value: prodPeak.producedPerSecond, unit: "records/s" },
    { metric: "processor.wru_per_1000_transactions.peak", value: prodWru, unit: "WRU/1000 transactions" },
    ...out,
  ];
}
