/**
 * Stream processor benchmarks:
 * - processor.parse_bound_ratio: the processor's records/s over the parse bound's
 *   (the event's records base64-decoded, then each one's UTF-8 decode and JSON.parse,
 *   nothing else) on the same 10,000-record batches, in the same process: each batch
 *   parsed and processed back to back (the order rotating), the median of the 60
 *   pairs' ratios, so the machine's load mostly cancels out. 1 would mean
 *   validation, de-duplication and aggregation cost nothing on top of parsing;
 *   .validation_only: the same for decode and validation alone, measured in the same
 *   rotation (what validation leaves to de-duplication and aggregation);
 * - processor.records_per_second_per_core and .parse_bound_records_per_second:
 *   the absolute rates behind it (decode, validate, de-duplicate and aggregate
 *   10,000-record batches on one thread, median of 30 batches), in a fresh Node
 *   process with the recommended NODE_OPTIONS (`.default_node_flags`: the same without them);
 * - processor.wru_per_1000_transactions: write request units DynamoDB (dynalite)
 *   reports through ReturnConsumedCapacity for the contributions, minute totals
 *   and spike markers, per 1,000 valid transactions, on the standard workload: 10,000-record
 *   batches, 2,000 products with Zipf(1.1) popularity, 5 regions, 3,000
 *   transactions/s of event time (prod's peak), 30 batches (100 s of traffic).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as esbuild from "esbuild";
import type { Metric } from "./run";
import { LAMBDA_BUILD_OPTIONS } from "../components/shared/lambdaBundle";
import { BATCH, config, CURRENCIES, lambdaRecords, ProcessorRates, REGIONS, TPS } from "./processorRates";
import { createAggregatesTable, createBucket, startEmulators } from "../functions/local/emulators";
import { STANDARD_CATALOGUE, TrafficGenerator } from "../functions/local/generator";
import { fromLambdaRecord, processRecords, StreamRecord } from "../functions/stream-processor/processor";
import { RecentIds } from "../functions/stream-processor/RecentIds";
import { FoldState, foldOpenMinutes } from "../functions/stream-processor/fold";
import { BaselineCache } from "../functions/stream-processor/spikes";
import { ChainTails } from "../functions/stream-processor/writer";

/** WRU per 1,000 valid transactions, measured from dynalite's ConsumedCapacity. */
export async function wruPer1000(batches = 30): Promise<{ wru: number; valid: number }> {
  const emu = await startEmulators({ dynamo: true, s3: true, isolated: true });
  try {
    await createAggregatesTable(emu.dynamo!, "aggregates");
    await createBucket(emu.s3!, "quarantine");
    const gen = new TrafficGenerator({ seed: 2, ...STANDARD_CATALOGUE, regions: REGIONS, currencies: CURRENCIES });
    const cfg = config(16);
    const deps = {
      config: cfg,
      dynamo: emu.dynamo!,
      s3: emu.s3!,
      events: { send: async () => ({ FailedEntryCount: 0 }) } as never,
      hashKey: async () => "bench-key-0123456789",
      recent: new RecentIds(cfg.dedupCacheSize),
      baselines: new BaselineCache(),
      tails: new ChainTails(),
      folds: new FoldState(),
      concurrency: 32,
    };
    const start = Date.parse("2026-11-28T17:00:00Z");
    let wru = 0;
    let valid = 0;
    for (let b = 0; b < batches; b++) {
      let records: StreamRecord[] = lambdaRecords(gen, BATCH, start + Math.floor((b * BATCH * 1000) / TPS), 1_000_000 + b * BATCH).map(fromLambdaRecord);
      // A write dynalite fails under load (the client makes one attempt) is redelivered from the lowest failed
      // record, as Lambda does; the conditional writes apply it once.
      for (let attempt = 0; records.length > 0; attempt++) {
        const out = await processRecords(records, deps);
        wru += out.consumedWcu;
        valid += out.valid;
        if (out.failedSequenceNumbers.length === 0) break;
        if (attempt === 10) throw new Error(`batch ${b} still had failures after 10 redeliveries`);
        records = records.slice(records.findIndex((r) => r.sequenceNumber === out.failedSequenceNumbers[0]));
      }
    }
    // The minute still open at the end is folded as the shard will when its stream moves on (the steady state).
    const io = { client: emu.dynamo!, table: "aggregates", shard: "0", retentionDays: cfg.hotRetentionDays };
    wru += await foldOpenMinutes(io, deps.folds.of(io.shard));
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

/**
 * bench/processorRates.ts bundled as the Lambda is (components/shared/lambdaBundle.ts's LAMBDA_BUILD_OPTIONS:
 * one minified CommonJS file for node22), written to a temporary file.
 */
function ratesBundle(): string {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "processor-rates-")), "rates.js");
  esbuild.buildSync({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [path.join(__dirname, "processorRates.ts")], outfile });
  return outfile;
}

/** Runs the rates bundle in a fresh Node process with `nodeFlags` (one core, nothing else in its heap). */
function recordsPerSecondIn(bundle: string, nodeFlags: string[]): ProcessorRates {
  const out = execFileSync(process.execPath, [...nodeFlags, bundle, "--records-per-second"], { encoding: "utf8" });
  const rates = /^rates=(\{.*\})$/m.exec(out)?.[1];
  if (!rates) throw new Error(`the records-per-second child printed no rates: ${out.slice(0, 200)}`);
  return JSON.parse(rates) as ProcessorRates;
}

export async function run(): Promise<Metric[]> {
  const bundle = ratesBundle();
  const rates = recordsPerSecondIn(bundle, [RECOMMENDED_NODE_OPTIONS]);
  const ratesDefault = recordsPerSecondIn(bundle, []);
  fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  const { wru } = await wruPer1000();
  return [
    { metric: "processor.parse_bound_ratio", value: Math.round(rates.ratio * 1000) / 1000, unit: "ratio" },
    { metric: "processor.records_per_second_per_core", value: rates.processor, unit: "records/s" },
    { metric: "processor.parse_bound_records_per_second", value: rates.parseBound, unit: "records/s" },
    { metric: "processor.parse_bound_ratio.validation_only", value: Math.round(rates.validationRatio * 1000) / 1000, unit: "ratio" },
    { metric: "processor.parse_bound_ratio.fallback", value: Math.round(rates.fallbackRatio * 1000) / 1000, unit: "ratio" },
    { metric: "processor.parse_bound_ratio.default_node_flags", value: Math.round(ratesDefault.ratio * 1000) / 1000, unit: "ratio" },
    { metric: "processor.records_per_second_per_core.default_node_flags", value: ratesDefault.processor, unit: "records/s" },
    { metric: "processor.wru_per_1000_transactions", value: wru, unit: "WRU/1000 transactions" },
  ];
}

