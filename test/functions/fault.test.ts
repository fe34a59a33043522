/**
 * The fault test: 50,000+ transactions (4% invalid of every kind, 1.5%
 * duplicate deliveries by producers) through the Lambda-like poller on two
 * shards, with DynamoDB throttling, crashes after committed writes and
 * redelivered batches injected. The aggregates must equal a ground truth
 * computed here independently, and the quarantine must hold exactly the
 * invalid records, by rule (one NDJSON object per invocation, read and
 * de-duplicated on (shardId, sequenceNumber)). It drives the processor core directly (records
 * in memory) against dynalite and s3rver: kinesalite is covered end to end by
 * the local pipeline test.
 */
import * as assert from "node:assert/strict";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { ListObjectsCommand } from "@aws-sdk/client-s3";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { createAggregatesTable, createBucket, Emulators, startEmulators } from "../../functions/local/emulators";
import { INVALID_KINDS, invalidRecord, seededRandom, TrafficGenerator, TransactionJson } from "../../functions/local/generator";
import { throttlingDynamo } from "../../functions/local/faults";
import { readQuarantined, scanAggregates } from "../../functions/local/state";
import { InvokeResult, ShardPoller } from "../../functions/local/poller";
import { DEFAULT_DEDUP_CACHE_SIZE, DEFAULT_MAX_RECORD_BYTES, InjectedCrashError } from "../../functions/shared";
import { processRecords, ProcessorDeps, StreamRecord } from "../../functions/stream-processor/processor";
import { countByRule } from "../../functions/stream-processor/quarantine";
import { RecentIds } from "../../functions/stream-processor/RecentIds";
import { BaselineCache } from "../../functions/stream-processor/spikes";
import { groundTruth, HASH_KEY, processorConfig } from "./helpers";

const TOTAL = 50_000;
const INVALID_SHARE = 0.04;
const DUPLICATE_SHARE = 0.015;
const SHARDS = 2;

interface Workload {
  records: StreamRecord[][];
  invalidByRule: Record<string, number>;
  uniqueValid: TransactionJson[];
  duplicates: number;
}

/** The input: unique records, invalid ones of every kind, producer duplicates a few records later on the same shard. */
function buildWorkload(nowMs: number): Workload {
  const gen = new TrafficGenerator({ seed: 2026, products: 250, zipfExponent: 1.1, regions: ["EMEA", "NA", "LATAM", "APAC"], currencies: ["EUR", "USD", "GBP", "CAD", "CHF"] });
  const random = seededRandom(99);
  const start = nowMs - 3_600_000;
  const perShard: Buffer[][] = Array.from({ length: SHARDS }, () => []);
  const pendingDuplicates: { at: number; shard: number; data: Buffer }[] = [];
  const invalidByRule: Record<string, number> = {};
  const uniqueValid: TransactionJson[] = [];
  let duplicates = 0;
  for (let i = 0; i < TOTAL; i++) {
    const tx = gen.transaction(start + Math.floor((i / TOTAL) * 6 * 60_000));
    const shard = i % SHARDS;
    if (random() < INVALID_SHARE) {
      const rule = INVALID_KINDS[i % INVALID_KINDS.length];
      invalidByRule[rule] = (invalidByRule[rule] ?? 0) + 1;
      perShard[shard].push(invalidRecord(rule, tx, nowMs, DEFAULT_MAX_RECORD_BYTES));
    } else {
      const data = Buffer.from(JSON.stringify(tx));
      uniqueValid.push(tx);
      perShard[shard].push(data);
      if (random() < DUPLICATE_SHARE) pendingDuplicates.push({ at: i + 1 + Math.floor(random() * 3000), shard, data });
    }
    for (let d = pendingDuplicates.length - 1; d >= 0; d--) {
      if (pendingDuplicates[d].at <= i) {
        perShard[pendingDuplicates[d].shard].push(pendingDuplicates[d].data);
        pendingDuplicates.splice(d, 1);
        duplicates++;
      }
    }
  }
  const records = perShard.map((list, shard) =>
    list.map((data, n) => ({ shardId: `shardId-00000000000${shard}`, sequenceNumber: `4959${String(n + 1).padStart(20, "0")}`, partitionKey: `p${n}`, arrivalMs: nowMs, data })),
  );
  return { records, invalidByRule, uniqueValid, duplicates };
}

describe("fault test: exactly-once aggregates under injected faults", function () {
  this.timeout(120_000);
  let emu: Emulators;
  let events: AwsStub<any, any, any>;

  before(async () => {
    events = mockClient(EventBridgeClient);
    emu = await startEmulators({ dynamo: true, s3: true, isolated: true });
    await createAggregatesTable(emu.dynamo!, "aggregates");
    await createBucket(emu.s3!, "quarantine");
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
  });
  after(async () => {
    events.restore();
    await emu.close();
  });

  it("counts every valid transaction exactly once and sets aside every invalid one, by rule", async () => {
    // prepare
    const nowMs = Date.now();
    const workload = buildWorkload(nowMs);
    const delivered = workload.records.reduce((s, r) => s + r.length, 0);
    const invalid = Object.values(workload.invalidByRule).reduce((s, n) => s + n, 0);
    assert.ok(delivered - workload.duplicates >= 50_000);
    assert.ok(invalid / delivered >= 0.03, `invalid share ${invalid / delivered}`);
    assert.ok(workload.duplicates / delivered >= 0.01, `duplicate share ${workload.duplicates / delivered}`);
    // Faults on a fixed schedule: every 200th aggregate update is throttled; per shard, invocations 2, 7, 12...
    // crash after their writes committed; invocations 4, 9, 14... that succeeded are delivered a second time.
    const faults = { throttles: 0, crashes: 0, redeliveries: 0 };
    const config = processorConfig({ dedupCacheSize: DEFAULT_DEDUP_CACHE_SIZE });
    let updates = 0;
    const throttleEvery200th = () => (++updates % 200 === 0 ? (faults.throttles++, 0) : 1);
    const pollers = workload.records.map((records) => {
      const deps: ProcessorDeps = {
        config,
        dynamo: throttlingDynamo(emu.dynamo!, 0.5, throttleEvery200th),
        s3: emu.s3!,
        events: new EventBridgeClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
        hashKey: async () => HASH_KEY,
        recent: new RecentIds(config.dedupCacheSize),
        baselines: new BaselineCache(),
        concurrency: 32,
      };
      let given = false;
      let invocations = 0;
      const source = { finished: false, read: async () => (given ? [] : ((given = true), records)) };
      const invoke = async (batch: readonly StreamRecord[]): Promise<InvokeResult> => {
        const n = ++invocations;
        const outcome = await processRecords(batch, deps);
        if (n % 5 === 2) {
          faults.crashes++;
          throw new InjectedCrashError();
        }
        if (outcome.failedSequenceNumbers.length === 0 && n % 5 === 4) {
          faults.redeliveries++;
          await processRecords(batch, deps);
        }
        return { kind: "response", failedSequenceNumbers: outcome.failedSequenceNumbers };
      };
      return new ShardPoller({ batchSize: 2500, batchingWindowMs: 0, maxRetries: -1, bisectOnError: true }, source, invoke);
    });

    // act
    while (pollers.some((p) => p.pending > 0 || p.stats.invocations === 0)) await Promise.all(pollers.map((p) => p.step()));

    // assess
    assert.ok(faults.throttles > 0 && faults.crashes > 0 && faults.redeliveries > 0, JSON.stringify(faults));
    assert.equal(pollers.reduce((s, p) => s + p.stats.discarded, 0), 0);
    const expected = groundTruth(workload.uniqueValid);
    const actual = await scanAggregates(emu.dynamo!, "aggregates");
    assert.equal(actual.length, expected.length);
    assert.deepEqual(actual, expected);
    // Quarantine: one NDJSON object per invocation (overlapping after bisects and partial retries), counted once per record.
    const quarantined = await readQuarantined(emu.s3!, "quarantine");
    assert.equal(quarantined.length, invalid);
    assert.deepEqual(countByRule(quarantined), workload.invalidByRule);
    const invocations = pollers.reduce((s, p) => s + p.stats.invocations, 0) + faults.redeliveries;
    const objects = (await emu.s3!.send(new ListObjectsCommand({ Bucket: "quarantine", Prefix: "quarantine/", MaxKeys: 1000 }))).Contents ?? [];
    assert.ok(objects.length > 0 && objects.length <= invocations, `${objects.length} objects for ${invocations} invocations`);
  });
});
