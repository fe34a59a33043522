/**
 * Stream processor benchmarks:
 * - processor.records_per_second_per_core: decode (base64 Kinesis data), validate,
 *   de-duplicate and aggregate 10,000-record batches on one thread, median of 18
 *   batches, in a fresh Node process with the recommended NODE_OPTIONS
 *   (`.default_node_flags`: the same without them);
 * - processor.wru_per_1000_transactions: write request units DynamoDB (dynalite)
 *   reports through ReturnConsumedCapacity for the aggregate updates and spike
 *   markers, per 1,000 valid transactions, on the standard workload: 10,000-record
 *   batches, 2,000 products with Zipf(1.1) popularity, 5 regions, 3,000
 *   transactions/s of event time (prod's peak), 30 batches (100 s of traffic).
 */
import { execFileSync } from "node:child_process";
import type { Metric } from "./run";
import { createAggregatesTable, createBucket, startEmulators } from "../functions/local/emulators";
import { TrafficGenerator } from "../functions/local/generator";
import { DEFAULT_MAX_PRODUCTS_PER_UPDATE, ItemPlanner } from "../functions/stream-processor/aggregate";
import { ProcessorConfig } from "../functions/stream-processor/config";
import { classifyRecords, fromLambdaRecord, processRecords, StreamRecord } from "../functions/stream-processor/processor";
import { RecentIds } from "../functions/stream-processor/RecentIds";
import { BaselineCache } from "../functions/stream-processor/spikes";

const REGIONS = ["EMEA", "NA", "LATAM", "APAC", "MEA"];
const CURRENCIES = ["EUR", "USD", "GBP", "CAD", "CHF"];
const BATCH = 10_000;
const TPS = 3_000;

function config(buckets: number): ProcessorConfig {
  return {
    table: "aggregates",
    quarantineBucket: "quarantine",
    quarantinePrefix: "quarantine/",
    spikeBusName: "bench",
    regions: new Set(REGIONS),
    currencies: new Set(CURRENCIES),
    spikes: { ratio: 3, minUnits: 200, baselineMinutes: 30, maxAlertsPerMinute: 20 },
    hotRetentionDays: 7,
    maxRecordBytes: 102_400,
    productBuckets: buckets,
    dedupCacheSize: 100_000,
  };
}

/** Lambda Kinesis event records of `count` transactions starting at `startMs` (3,000/s). */
function lambdaRecords(gen: TrafficGenerator, count: number, startMs: number, firstSeq: number) {
  return Array.from({ length: count }, (_, i) => {
    const tx = gen.transaction(startMs + Math.floor((i * 1000) / TPS));
    const seq = String(firstSeq + i);
    return {
      eventID: `shardId-000000000000:${seq}`,
      kinesis: { data: Buffer.from(JSON.stringify(tx)).toString("base64"), sequenceNumber: seq, partitionKey: tx.transactionId, approximateArrivalTimestamp: startMs / 1000 },
    };
  });
}

export async function recordsPerSecond(): Promise<number> {
  const gen = new TrafficGenerator({ seed: 1, products: 2000, zipfExponent: 1.1, regions: REGIONS, currencies: CURRENCIES });
  const start = Date.now() - 3_600_000;
  const batches = Array.from({ length: 6 }, (_, b) => lambdaRecords(gen, BATCH, start + b * 3_400, 1_000_000 + b * BATCH));
  const cfg = config(16);
  const ctx = { regions: cfg.regions, currencies: cfg.currencies, maxRecordBytes: cfg.maxRecordBytes, nowMs: Date.now() };
  const run = (batch: (typeof batches)[number]) => {
    const records = batch.map(fromLambdaRecord);
    const planner = new ItemPlanner({ buckets: cfg.productBuckets, maxProductsPerUpdate: DEFAULT_MAX_PRODUCTS_PER_UPDATE });
    classifyRecords(records, ctx, new RecentIds(0), planner);
    return planner.plans.size;
  };
  for (const b of batches.slice(0, 2)) run(b); // warm-up
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const b of batches) {
      const t = process.hrtime.bigint();
      run(b);
      rates.push(BATCH / (Number(process.hrtime.bigint() - t) / 1e9));
    }
  }
  rates.sort((a, b) => a - b);
  return Math.round(rates[Math.floor(rates.length / 2)]);
}

/** WRU per 1,000 valid transactions, measured from dynalite's ConsumedCapacity. */
export async function wruPer1000(buckets: number, batches = 30): Promise<{ wru: number; valid: number }> {
  const emu = await startEmulators({ dynamo: true, s3: true, isolated: true });
  try {
    await createAggregatesTable(emu.dynamo!, "aggregates");
    await createBucket(emu.s3!, "quarantine");
    const gen = new TrafficGenerator({ seed: 2, products: 2000, zipfExponent: 1.1, regions: REGIONS, currencies: CURRENCIES });
    const deps = {
      config: config(buckets),
      dynamo: emu.dynamo!,
      s3: emu.s3!,
      events: { send: async () => ({ FailedEntryCount: 0 }) } as never,
      hashKey: async () => "bench-key-0123456789",
      recent: new RecentIds(100_000),
      baselines: new BaselineCache(),
      concurrency: 32,
    };
    const start = Date.parse("2026-11-28T17:00:00Z");
    let wru = 0;
    let valid = 0;
    for (let b = 0; b < batches; b++) {
      const records: StreamRecord[] = lambdaRecords(gen, BATCH, start + Math.floor((b * BATCH * 1000) / TPS), 1_000_000 + b * BATCH).map(fromLambdaRecord);
      const out = await processRecords(records, deps);
      if (out.failedSequenceNumbers.length > 0) throw new Error(`batch ${b} had failures`);
      wru += out.consumedWcu;
      valid += out.valid;
    }
    return { wru: Math.round((wru / valid) * 1000 * 100) / 100, valid };
  } finally {
    await emu.close();
  }
}

/**
 * The Node flag the stream processor should be deployed with (NODE_OPTIONS):
 * a 32 MB young generation halves the scavenges of a 10,000-record batch.
 */
export const RECOMMENDED_NODE_OPTIONS = "--max-semi-space-size=32";

/** Runs {@link recordsPerSecond} in a fresh Node process with `nodeFlags` (one core, nothing else in its heap). */
function recordsPerSecondIn(nodeFlags: string[]): number {
  const out = execFileSync(process.execPath, [...nodeFlags, "--require", require.resolve("tsx/cjs"), __filename, "--records-per-second"], {
    encoding: "utf8",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  return Number(/^rps=(\d+)$/m.exec(out)?.[1] ?? Number.NaN);
}

export async function run(): Promise<Metric[]> {
  const rps = recordsPerSecondIn([RECOMMENDED_NODE_OPTIONS]);
  const rpsDefault = recordsPerSecondIn([]);
  const { wru } = await wruPer1000(16);
  return [
    { metric: "processor.records_per_second_per_core", value: rps, unit: "records/s" },
    { metric: "processor.records_per_second_per_core.default_node_flags", value: rpsDefault, unit: "records/s" },
    { metric: "processor.wru_per_1000_transactions", value: wru, unit: "WRU/1000 transactions" },
  ];
}

if (require.main === module && process.argv.includes("--records-per-second")) {
  void recordsPerSecond().then((rps) => process.stdout.write(`rps=${rps}\n`));
}
