/**
 * The processor's rate and its parse bound (processor.parse_bound_ratio), the
 * child the processor bench runs. Pure CPU work on generated batches, no I/O:
 * bench/processor.bench.ts bundles this file with the Lambda's own esbuild
 * options (components/shared/lambdaBundle.ts) and runs the bundle in a fresh
 * Node process, so what is timed is the code as shipped, not tsx's per-module
 * transform (whose imports are getter calls).
 */
import { STANDARD_CATALOGUE, TrafficGenerator } from "../functions/local/generator";
import { CONTRIBUTION_PLAN, ItemPlanner } from "../functions/stream-processor/aggregate";
import { ProcessorConfig, processorConfigFromVariables, processorVariables } from "../functions/stream-processor/config";
import { classifyRecords, fromLambdaRecord } from "../functions/stream-processor/processor";
import { ScannedTransaction, TransactionScanner } from "../functions/stream-processor/recordScan";
import { RecentIds } from "../functions/stream-processor/RecentIds";
import { screenRecord, ValidationContext } from "../functions/shared";

export const REGIONS = ["EMEA", "NA", "LATAM", "APAC", "MEA"];
export const CURRENCIES = ["EUR", "USD", "GBP", "CAD", "CHF"];
export const BATCH = 10_000;
export const TPS = 3_000;

export function config(buckets: number): ProcessorConfig {
  return processorConfigFromVariables(
    processorVariables(
      { table: "aggregates", quarantineBucket: "quarantine", spikeBusName: "bench", serviceName: "bench", metricsNamespace: "bench" },
      { salesRegions: REGIONS, currencies: CURRENCIES, spikes: { ratio: 3, minUnits: 200, baselineMinutes: 30, maxAlertsPerMinute: 20 }, hotRetentionDays: 7, productBuckets: buckets },
    ),
  );
}

export type LambdaRecord = Parameters<typeof fromLambdaRecord>[0];

/** Lambda Kinesis event records of `count` transactions starting at `startMs` (3,000/s). */
export function lambdaRecords(gen: TrafficGenerator, count: number, startMs: number, firstSeq: number): LambdaRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const tx = gen.transaction(startMs + Math.floor((i * 1000) / TPS));
    const seq = String(firstSeq + i);
    return {
      eventID: `shardId-000000000000:${seq}`,
      kinesis: { data: Buffer.from(JSON.stringify(tx)).toString("base64"), sequenceNumber: seq, partitionKey: tx.transactionId, approximateArrivalTimestamp: startMs / 1000 },
    };
  });
}

/** Rates of the processor and of its parse bound, from interleaved rounds on the same batches. */
export interface ProcessorRates {
  /** Decode, validate, de-duplicate and aggregate (median of the batches' rates). */
  readonly processor: number;
  /** Base64 decode, UTF-8 decode and JSON.parse of each record, nothing else: the bound. */
  readonly parseBound: number;
  /** Median over the batches of processor rate / parse-bound rate, each pair measured back to back. */
  readonly ratio: number;
  /**
   * The same for decode and validation alone, as the processor validates (the byte scanner, screenRecord for what
   * it leaves; no de-duplication or aggregation): how much of the ratio validation leaves to the rest.
   */
  readonly validationRatio: number;
  /** The processor over the parse bound on records the byte scanner leaves to JSON.parse and the schema ({@link withEscapedKey}). */
  readonly fallbackRatio: number;
}

const textDecoder = new TextDecoder();

/**
 * The parse bound: decode the event's records (as the handler does, all first), then decode each one's text and
 * JSON.parse it, nothing else. The least a processor that builds the parsed object must do; the processor's byte
 * scanner builds none, so its reading alone runs faster than this (processor.parse_bound_ratio.validation_only
 * above 1). The records are decoded in one pass before the parses, as the processor gets them: measured, that
 * order is 7-11% faster than decoding and parsing record by record, so a bound taken record by record would
 * flatter the processor by as much.
 */
function parseOnly(batch: readonly LambdaRecord[]): number {
  const records = batch.map(fromLambdaRecord);
  let fields = 0;
  for (const r of records) {
    const json = JSON.parse(textDecoder.decode(r.data)) as Record<string, unknown>;
    if (json["transactionId"] !== undefined) fields++;
  }
  return fields;
}

/**
 * Decode and validation alone, as the processor validates: the byte scanner, and screenRecord (JSON.parse and
 * the schema) for any record the scanner does not take. What the processor does before de-duplicating and
 * aggregating.
 */
function validateOnly(batch: readonly LambdaRecord[], ctx: ValidationContext): number {
  const records = batch.map(fromLambdaRecord);
  const scanner = new TransactionScanner(ctx);
  const fields = new ScannedTransaction();
  let valid = 0;
  for (const r of records) if (scanner.scan(r.data, fields) || screenRecord(r.data, ctx).ok) valid++;
  return valid;
}

/**
 * The same records with one key written with an escape ("\u0063urrency", which JSON.parse reads as "currency"):
 * a producer whose records the byte scanner does not take, so each one goes through screenRecord after the
 * scanner gave up half-way. The processor's rate when nothing takes the fast path.
 */
function withEscapedKey(batch: readonly LambdaRecord[]): LambdaRecord[] {
  return batch.map((r) => {
    const text = Buffer.from(r.kinesis.data, "base64").toString("utf8").replace('"currency":', '"\\u0063urrency":');
    return { ...r, kinesis: { ...r.kinesis, data: Buffer.from(text).toString("base64") } };
  });
}

export async function recordsPerSecond(): Promise<ProcessorRates> {
  const gen = new TrafficGenerator({ seed: 1, ...STANDARD_CATALOGUE, regions: REGIONS, currencies: CURRENCIES });
  const start = Date.now() - 3_600_000;
  const batches = Array.from({ length: 6 }, (_, b) => lambdaRecords(gen, BATCH, start + b * 3_400, 1_000_000 + b * BATCH));
  const escaped = batches.map(withEscapedKey);
  const cfg = config(16);
  const ctx = { regions: cfg.regions, currencies: cfg.currencies, maxRecordBytes: cfg.maxRecordBytes, nowMs: Date.now() };
  const process1 = (batch: readonly LambdaRecord[]) => {
    const records = batch.map(fromLambdaRecord);
    const planner = new ItemPlanner(CONTRIBUTION_PLAN);
    classifyRecords(records, ctx, new RecentIds(0), planner);
    return planner.plans.size;
  };
  const rate = (fn: () => unknown) => {
    const t = process.hrtime.bigint();
    fn();
    return BATCH / (Number(process.hrtime.bigint() - t) / 1e9);
  };
  const stepsOf = (i: number) => [
    () => parseOnly(batches[i]),
    () => process1(batches[i]),
    () => validateOnly(batches[i], ctx),
    () => parseOnly(escaped[i]),
    () => process1(escaped[i]),
  ];
  for (let i = 0; i < 2; i++) for (const step of stepsOf(i)) rate(step); // warm-up
  const rates: number[][] = [[], [], [], [], []];
  // Interleaved: each batch parsed, processed and validated back to back (the order rotating), so all steps see
  // the same machine load; each ratio is the median of the rounds' ratios, which a load spike moves less than
  // the rates. 10 rounds of the 6 batches: a pair's ratio moves by +-50% when another process takes the core
  // (2 cores, load 2-6), so 60 rounds rather than 30 keep the median's own spread at about +-0.03.
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < batches.length; i++) {
      const steps = stepsOf(i);
      for (let k = 0; k < steps.length; k++) {
        const step = (round + i + k) % steps.length;
        rates[step].push(rate(steps[step]));
      }
    }
  }
  const [bound, proc, validation, escapedBound, escapedProc] = rates;
  const ratioOf = (xs: number[], ys: number[]) => medianOf(xs.map((x, j) => x / ys[j]));
  return {
    processor: Math.round(medianOf(proc)),
    parseBound: Math.round(medianOf(bound)),
    ratio: ratioOf(proc, bound),
    validationRatio: ratioOf(validation, bound),
    fallbackRatio: ratioOf(escapedProc, escapedBound),
  };
}

const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (require.main === module && process.argv.includes("--records-per-second")) {
  void recordsPerSecond().then((rates) => process.stdout.write(`rates=${JSON.stringify(rates)}\n`));
}
