/**
 * Measures the aggregates table's write request units by running the real
 * stream processor core (functions/stream-processor) against dynalite, which
 * reports ConsumedCapacity with DynamoDB's rules (1 WRU per started KB of the
 * larger of the old and new item). Used by test/cost/aggregates.test.ts to
 * check the cost engine's formula (cost/usage/aggregates.ts) and by the
 * freshness bench for the write units of each batching candidate.
 */
import { createAggregatesTable, createBucket, startEmulators } from "./emulators";
import { STANDARD_CATALOGUE, TrafficGenerator } from "./generator";
import { processorConfigFromVariables, processorVariables } from "../stream-processor/config";
import { fromLambdaRecord, processRecords, StreamRecord } from "../stream-processor/processor";
import { RecentIds } from "../stream-processor/RecentIds";
import { FoldState, foldOpenMinutes } from "../stream-processor/fold";
import { BaselineCache } from "../stream-processor/spikes";
import { ChainTails } from "../stream-processor/writer";

export const MEASURE_REGIONS = ["EMEA", "NA", "LATAM", "APAC", "MEA"];
const CURRENCIES = ["EUR", "USD", "GBP", "CAD", "CHF"];

export interface Measurement {
  readonly batchSize: number;
  readonly tps: number;
  readonly batches: number;
  readonly shards: number;
  readonly transactions: number;
  readonly lines: number;
  readonly wru: number;
  readonly wruPer1000: number;
  /** Digits of the sequence numbers used (the high-water marks' size). */
  readonly seqDigits: number;
}

/**
 * `batches` batches of `batchSize` transactions from `shards` shards (default 1; the
 * shards' batches in turn), event time at `tps` for the whole stream, starting
 * half a round of batches after a minute boundary (batches straddle
 * minutes as they do in production), each shard in its own container. Spike
 * detection is off (minUnits out of reach): only the contributions and the
 * minute totals are measured. `regions`: the stack's sales
 * regions (default {@link MEASURE_REGIONS}).
 */
export async function measureAggregateWru(opts: { batchSize: number; tps: number; batches: number; shards?: number; seed?: number; regions?: readonly string[] }): Promise<Measurement> {
  const emu = await startEmulators({ dynamo: true, s3: true, isolated: true });
  try {
    await createAggregatesTable(emu.dynamo!, "aggregates");
    await createBucket(emu.s3!, "quarantine");
    const regions = [...(opts.regions ?? MEASURE_REGIONS)];
    const gen = new TrafficGenerator({ seed: opts.seed ?? 2, ...STANDARD_CATALOGUE, regions, currencies: CURRENCIES });
    const config = processorConfigFromVariables(
      processorVariables(
        { table: "aggregates", quarantineBucket: "quarantine", spikeBusName: "bench", serviceName: "bench", metricsNamespace: "bench" },
        { salesRegions: regions, currencies: CURRENCIES, spikes: { ratio: 3, minUnits: 1e12, baselineMinutes: 30, maxAlertsPerMinute: 1000 }, hotRetentionDays: 7 },
      ),
    );
    const deps = {
      config,
      dynamo: emu.dynamo!,
      s3: emu.s3!,
      // Spike detection is off, so no event is sent and no rejected record needs the e-mail hash key.
      events: { send: () => Promise.resolve({ FailedEntryCount: 0 }) } as never,
      hashKey: () => Promise.resolve("bench-key-0123456789"),
      recent: new RecentIds(config.dedupCacheSize),
      baselines: new BaselineCache(),
      concurrency: 32,
      now: () => Date.parse("2026-11-28T18:00:00Z"),
    };
    const shards = opts.shards ?? 1;
    // One container per shard, as Lambda runs them.
    const containers = Array.from({ length: shards }, () => ({ ...deps, recent: new RecentIds(config.dedupCacheSize), tails: new ChainTails(), folds: new FoldState() }));
    const startMs = Date.parse("2026-11-28T17:00:00Z") + Math.floor((opts.batchSize * shards * 1000) / opts.tps / 2);
    const firstSeq = 1_000_000;
    let wru = 0;
    let transactions = 0;
    let lines = 0;
    let n = 0;
    // Transactions in event-time order, spread over the shards at random (as partition keys do); each
    // shard's batch is its next `batchSize` records, and the shards' batches are applied in turn.
    const pending: StreamRecord[][] = Array.from({ length: shards }, () => []);
    const seqs = Array.from({ length: shards }, () => firstSeq);
    let shardPick = 12345;
    for (let b = 0; b < opts.batches; b++) {
      const shard = b % shards;
      while (pending[shard].length < opts.batchSize) {
        const tx = gen.transaction(startMs + Math.floor((n++ * 1000) / opts.tps));
        shardPick = (Math.imul(shardPick, 1103515245) + 12345) >>> 0;
        const s = shards === 1 ? 0 : (shardPick >>> 16) % shards;
        lines += tx.items.length;
        const seq = String(seqs[s]++);
        pending[s].push(
          fromLambdaRecord({
            eventID: `shardId-00000000000${s}:${seq}`,
            kinesis: { data: Buffer.from(JSON.stringify(tx)).toString("base64"), sequenceNumber: seq, partitionKey: tx.transactionId, approximateArrivalTimestamp: startMs / 1000 },
          }),
        );
      }
      const records = pending[shard].splice(0, opts.batchSize);
      const out = await processRecords(records, containers[shard]);
      if (out.failedSequenceNumbers.length > 0) throw new Error(`batch ${b} had failures`);
      wru += out.consumedWcu;
      transactions += out.valid;
    }
    // The minutes still open at the end are folded as each shard will fold them when its stream moves on:
    // the measurement is of the steady state, every region-minute folded once per shard.
    for (let s = 0; s < shards; s++) {
      const io = { client: emu.dynamo!, table: "aggregates", shard: String(s), retentionDays: 7 };
      wru += await foldOpenMinutes(io, containers[s].folds.of(io.shard));
    }
    // Lines of transactions generated but not applied (still pending) do not count.
    for (const rest of pending) for (const r of rest) lines -= (JSON.parse(Buffer.from(r.data).toString("utf8")) as { items: unknown[] }).items.length;
    return { batchSize: opts.batchSize, tps: opts.tps, batches: opts.batches, shards, transactions, lines, wru, wruPer1000: (wru / transactions) * 1000, seqDigits: String(firstSeq).length };
  } finally {
    await emu.close();
  }
}
