/**
 * The stream processor's core against dynalite and s3rver through the real
 * SDK clients; EventBridge (no emulator) through aws-sdk-client-mock.
 */
import * as assert from "node:assert/strict";
import { GetItemCommand, ProvisionedThroughputExceededException, ScanCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, ListObjectsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { createAggregatesTable, createBucket, Emulators, startEmulators } from "../../../functions/local/emulators";
import { countQuarantined, readQuarantined, scanAggregates } from "../../../functions/local/state";
import { hashEmail, HASH_PREFIX } from "../../../functions/shared";
import { FoldState } from "../../../functions/stream-processor/fold";
import { sequenceKey } from "../../../functions/stream-processor/itemDesign";
import { fromLambdaRecord, processRecords, ProcessorDeps } from "../../../functions/stream-processor/processor";
import { RecentIds } from "../../../functions/stream-processor/RecentIds";
import { BaselineCache } from "../../../functions/stream-processor/spikes";
import { ChainTails } from "../../../functions/stream-processor/writer";
import { fixture, HASH_KEY, processorConfig, streamRecord } from "../helpers";

type Tx = Record<string, any>;

describe("stream-processor/processRecords on dynalite + s3rver", function () {
  this.timeout(30_000);
  let emu: Emulators;
  let table = 0;
  let events: AwsStub<any, any, any>;

  before(async () => {
    events = mockClient(EventBridgeClient);
    emu = await startEmulators({ dynamo: true, s3: true });
    await createBucket(emu.s3!, "quarantine");
  });
  after(async () => {
    events.restore();
    await emu.close();
  });

  /** A fresh table per test and fresh container state. */
  async function deps(overrides: Partial<ProcessorDeps> = {}): Promise<ProcessorDeps> {
    const name = `aggregates-${table++}`;
    await createAggregatesTable(emu.dynamo!, name);
    events.reset();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e1" }] });
    return {
      config: processorConfig({ table: name }),
      dynamo: emu.dynamo!,
      s3: emu.s3!,
      events: new EventBridgeClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } }),
      hashKey: async () => HASH_KEY,
      recent: new RecentIds(1000),
      baselines: new BaselineCache(),
      now: () => Date.parse("2026-11-28T18:01:00Z"),
      ...overrides,
    };
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const page = await emu.s3!.send(new ListObjectsCommand({ Bucket: "quarantine", Prefix: prefix }));
    return (page.Contents ?? []).map((o) => o.Key!);
  }

  const tx = (id: string, productId: string, quantity: number, extra: Tx = {}): Tx => ({
    ...fixture<Tx>("transaction.valid.json"),
    transactionId: id,
    items: [{ productId, category: "c", unitPrice: 2.5, quantity }],
    totalAmount: 2.5 * quantity,
    ...extra,
  });

  it("applies a batch, and a redelivered or overlapping batch never double counts", async () => {
    // prepare
    const d = await deps({ recent: new RecentIds(0) });
    const batch = [1, 2, 3, 4].map((i) => streamRecord(tx(`t${i}`, "P1", i), i));
    // act: the batch, the same batch again, then an overlapping one (3..6)
    await processRecords(batch, d);
    const again = await processRecords(batch, d);
    const overlap = [3, 4, 5, 6].map((i) => streamRecord(tx(`t${i}`, "P1", i), i));
    await processRecords(overlap, d);
    // assess
    const aggregates = await scanAggregates(emu.dynamo!, d.config.table);
    assert.deepEqual(aggregates, [{ minute: "2026-11-28T18:00", productId: "P1", region: "EMEA", units: 21, revenue: 52.5, orders: 6 }]);
    assert.equal(again.alreadyApplied, 1);
    assert.deepEqual(again.failedSequenceNumbers, []);
  });

  it("de-duplicates a transaction id within a batch and, through the recent-id set, across batches", async () => {
    // prepare
    const d = await deps();
    // act
    const first = await processRecords([streamRecord(tx("dup", "P1", 2), 1), streamRecord(tx("dup", "P1", 2), 2)], d);
    const second = await processRecords([streamRecord(tx("dup", "P1", 2), 3)], d);
    // assess
    assert.equal(first.duplicates, 1);
    assert.equal(second.duplicates, 1);
    const aggregates = await scanAggregates(emu.dynamo!, d.config.table);
    assert.equal(aggregates[0].units, 2);
  });

  it("reports exactly the records behind a throttled contribution and applies them once on retry", async () => {
    // prepare: a and c sell in EMEA, b in NA: two region-minutes; throttle the first write of NA's contribution
    const d = await deps({ recent: new RecentIds(0) });
    const batch = [streamRecord(tx("a", "P1", 1), 1), streamRecord(tx("b", "P9", 5, { region: "NA" }), 2), streamRecord(tx("c", "P1", 1), 3)];
    let throttled = false;
    const flaky = {
      send: ((cmd: unknown) => {
        if (!throttled && cmd instanceof UpdateItemCommand && cmd.input.Key?.pk?.S?.startsWith("NA#")) {
          throttled = true;
          return Promise.reject(new ProvisionedThroughputExceededException({ message: "slow down", $metadata: {} }));
        }
        return (emu.dynamo!.send as (c: unknown) => Promise<unknown>)(cmd);
      }) as ProcessorDeps["dynamo"]["send"],
    };
    // act: first delivery, then Lambda's retry from the lowest failure
    const first = await processRecords(batch, { ...d, dynamo: flaky });
    const retry = await processRecords(batch.slice(1), { ...d, dynamo: flaky });
    // assess: c (EMEA, applied in the first attempt) is not counted again
    assert.deepEqual(first.failedSequenceNumbers, [batch[1].sequenceNumber]);
    assert.deepEqual(retry.failedSequenceNumbers, []);
    assert.equal(retry.alreadyApplied, 1);
    const byProduct = Object.fromEntries((await scanAggregates(emu.dynamo!, d.config.table)).map((a) => [a.productId, a.units]));
    assert.deepEqual(byProduct, { P1: 2, P9: 5 });
  });

  it("a new container (no tails known) finds the chain's end in DynamoDB and appends after it", async () => {
    // prepare
    const d = await deps({ recent: new RecentIds(0) });
    await processRecords([1, 2].map((i) => streamRecord(tx(`n${i}`, "P1", 1), i)), { ...d, tails: new ChainTails() });
    // act: a redelivery overlapping the first batch, in another container
    const out = await processRecords([2, 3].map((i) => streamRecord(tx(`n${i}`, "P1", 1), i)), { ...d, tails: new ChainTails() });
    // assess
    assert.equal(out.alreadyApplied, 1);
    assert.equal((await scanAggregates(emu.dynamo!, d.config.table))[0].units, 3);
    const chain = await emu.dynamo!.send(new ScanCommand({ TableName: d.config.table }));
    assert.deepEqual(chain.Items!.map((i) => i.sk.S).sort(), [`c#0#`, `c#0#${sequenceKey(streamRecord(tx("n2", "P1", 1), 2).sequenceNumber)}`]);
  });

  it("a container whose known tail is stale steps along the chain to its end, never writing over another's contribution", async () => {
    // prepare: container A writes, then B (a new container for the same shard) appends after it
    const d = await deps({ recent: new RecentIds(0) });
    const a = { ...d, tails: new ChainTails() };
    const b = { ...d, tails: new ChainTails() };
    await processRecords([streamRecord(tx("s1", "P1", 1), 1)], a);
    await processRecords([streamRecord(tx("s2", "P1", 2), 2)], b);
    // act: A again, with its tail still at record 1
    const out = await processRecords([streamRecord(tx("s3", "P1", 4), 3)], a);
    // assess
    assert.deepEqual(out.failedSequenceNumbers, []);
    assert.equal((await scanAggregates(emu.dynamo!, d.config.table))[0].units, 7);
    const keys = (await emu.dynamo!.send(new ScanCommand({ TableName: d.config.table }))).Items!.map((i) => i.sk.S).sort();
    assert.equal(keys.length, 3);
  });

  it("chains a region-minute's contributions when one batch brings more products than a contribution holds, and a redelivery skips them all", async () => {
    // prepare: 5 products in one region-minute, at most 2 per contribution
    const d = await deps({ recent: new RecentIds(0), maxProductsPerUpdate: 2 });
    const batch = [1, 2, 3, 4, 5].map((i) => streamRecord(tx(`m${i}`, `P${i}`, i), i));
    // act: the batch, then the whole batch again
    const first = await processRecords(batch, d);
    const again = await processRecords(batch, d);
    // assess: three contributions, each keyed by the previous one's end
    assert.deepEqual(first.failedSequenceNumbers, []);
    assert.equal(again.alreadyApplied, 3);
    const keys = (await emu.dynamo!.send(new ScanCommand({ TableName: d.config.table }))).Items!.map((i) => i.sk.S).sort();
    const seq = (i: number) => sequenceKey(batch[i].sequenceNumber);
    assert.deepEqual(keys, ["c#0#", `c#0#${seq(1)}`, `c#0#${seq(3)}`]);
    assert.deepEqual((await scanAggregates(emu.dynamo!, d.config.table)).map((a) => a.units), [1, 2, 3, 4, 5]);
  });

  it("quarantines a batch's rejected records as one NDJSON object at a deterministic key, with rule, position and hashed e-mail", async () => {
    // prepare
    const d = await deps();
    const shard = "shardId-000000000002";
    const bad = streamRecord(tx("bad", "P1", 1, { region: "MARS" }), 7, shard);
    const worse = streamRecord("not json at all, mail jane.doe@example.com", 9, shard);
    const batch = [bad, streamRecord(tx("ok", "P1", 1), 8, shard), worse];
    // act: the batch, then the same batch again (an identical redelivery)
    const out = await processRecords(batch, d);
    await processRecords(batch, d);
    // assess
    assert.deepEqual(out.rejected, { "unknown-region": 1, "not-json": 1 });
    assert.equal(out.valid, 1);
    const prefix = `quarantine/dt=2026-11-28/${shard}/`;
    assert.deepEqual(await keysUnder(prefix), [`${prefix}${bad.sequenceNumber}-${worse.sequenceNumber}.ndjson`]);
    const body = await (await emu.s3!.send(new GetObjectCommand({ Bucket: "quarantine", Key: `${prefix}${bad.sequenceNumber}-${worse.sequenceNumber}.ndjson` }))).Body!.transformToString();
    const lines = body.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.rule), ["unknown-region", "not-json"]);
    assert.deepEqual(lines[0].source, { shardId: shard, sequenceNumber: bad.sequenceNumber, partitionKey: "pk", arrivalTime: "2026-11-28T18:00:30.000Z" });
    const payload = Buffer.from(lines[0].payloadBase64, "base64").toString("utf8");
    assert.ok(!payload.includes("Example.com"));
    assert.ok(payload.includes(`${HASH_PREFIX}${hashEmail(HASH_KEY, "jane.doe@example.com")}`));
    const raw = Buffer.from(lines[1].payloadBase64, "base64").toString("utf8");
    assert.equal(raw, `not json at all, mail ${HASH_PREFIX}${hashEmail(HASH_KEY, "jane.doe@example.com")}`);
    assert.ok(!lines[1].message.includes("@example.com"), lines[1].message);
    assert.deepEqual(await countQuarantined(emu.s3!, "quarantine", prefix), { "unknown-region": 1, "not-json": 1 });
  });

  it("a bisected redelivery writes an overlapping object, and readers count each record once", async () => {
    // prepare
    const d = await deps();
    const shard = "shardId-000000000004";
    const batch = [1, 2, 3, 4].map((i) => streamRecord(tx(`x${i}`, "P1", 1, { currency: "XTS" }), i, shard));
    // act: the whole batch, then its second half alone
    await processRecords(batch, d);
    await processRecords(batch.slice(2), d);
    // assess
    const prefix = `quarantine/dt=2026-11-28/${shard}/`;
    const seq = (i: number) => batch[i].sequenceNumber;
    assert.deepEqual(await keysUnder(prefix), [`${prefix}${seq(0)}-${seq(3)}.ndjson`, `${prefix}${seq(2)}-${seq(3)}.ndjson`]);
    const docs = await readQuarantined(emu.s3!, "quarantine", prefix);
    assert.deepEqual(docs.map((doc) => doc.source.sequenceNumber), [0, 1, 2, 3].map(seq));
    assert.deepEqual(await countQuarantined(emu.s3!, "quarantine", prefix), { "unknown-currency": 4 });
  });

  it("reports the rejected records of a failed quarantine PUT as batch item failures, and the retry sets them aside", async () => {
    // prepare: the first PUT fails
    const d = await deps({ recent: new RecentIds(0) });
    const shard = "shardId-000000000005";
    const batch = [streamRecord(tx("v1", "P1", 1), 1, shard), streamRecord(tx("r1", "P1", 1, { region: "MARS" }), 2, shard), streamRecord(tx("v2", "P1", 1), 3, shard), streamRecord(tx("r2", "P1", 1, { region: "MARS" }), 4, shard)];
    let failOnce = true;
    const flakyS3 = {
      send: ((cmd: unknown) => {
        if (failOnce && cmd instanceof PutObjectCommand) {
          failOnce = false;
          return Promise.reject(Object.assign(new Error("service unavailable"), { name: "ServiceUnavailable" }));
        }
        return (emu.s3!.send as (c: unknown) => Promise<unknown>)(cmd);
      }) as ProcessorDeps["s3"]["send"],
    };
    // act: the delivery, then Lambda's retry from the lowest failure
    const first = await processRecords(batch, { ...d, s3: flakyS3 });
    const retry = await processRecords(batch.slice(1), { ...d, s3: flakyS3 });
    // assess
    assert.deepEqual(first.failedSequenceNumbers, [batch[1].sequenceNumber, batch[3].sequenceNumber]);
    assert.deepEqual(retry.failedSequenceNumbers, []);
    const prefix = `quarantine/dt=2026-11-28/${shard}/`;
    assert.deepEqual(await countQuarantined(emu.s3!, "quarantine", prefix), { "unknown-region": 2 });
    assert.equal((await scanAggregates(emu.dynamo!, d.config.table))[0].units, 2);
  });

  it("splits a large batch's quarantine into deterministic parts", async () => {
    // prepare: 20 rejected records of ~2 KB, parts of at most 8 KB
    const d = await deps({ maxQuarantineObjectBytes: 8 * 1024 });
    const shard = "shardId-000000000006";
    const batch = Array.from({ length: 20 }, (_, i) => streamRecord(tx(`big${i}`, "P1", 1, { region: "MARS", note: "x".repeat(1500) }), 100 + i, shard));
    // act: twice, as a redelivery would
    await processRecords(batch, d);
    const keysOnce = await keysUnder(`quarantine/dt=2026-11-28/${shard}/`);
    await processRecords(batch, d);
    // assess
    const keys = await keysUnder(`quarantine/dt=2026-11-28/${shard}/`);
    assert.deepEqual(keys, keysOnce);
    assert.ok(keys.length >= 4, keys.join(" "));
    const stem = `quarantine/dt=2026-11-28/${shard}/${batch[0].sequenceNumber}-${batch[19].sequenceNumber}`;
    assert.deepEqual([...keys].sort(), keys.map((_, i) => `${stem}-part${i + 1}.ndjson`).sort());
    assert.deepEqual(await countQuarantined(emu.s3!, "quarantine", `quarantine/dt=2026-11-28/${shard}/`), { "unknown-region": 20 });
  });

  /** A record of product T past 18:01:10, and past 18:02:10 with `minute` 2: the shard's stream moves past a minute and folds it. */
  const tick = (id: string, seq: number, shard?: string, minute = 1) =>
    streamRecord(tx(id, "T", 1, { occurredAt: `2026-11-28T18:0${minute}:15.000Z` }), seq, shard);

  it("emits one spike event per minute, product and region, above ratio x baseline, once the shard folds the minute", async () => {
    // prepare: a quiet baseline of 1 unit/minute for 15 minutes, then 40 units in one minute
    const d = await deps();
    const quiet = Array.from({ length: 15 }, (_, i) => streamRecord(tx(`q${i}`, "P7", 1, { occurredAt: new Date(Date.parse("2026-11-28T17:45:00Z") + i * 60_000).toISOString() }), i + 1));
    await processRecords(quiet, d);
    // act: the spike minute, delivered in two batches; the stream moves on; then a late record of the minute
    const first = await processRecords([streamRecord(tx("s1", "P7", 25), 100)], d);
    await processRecords([streamRecord(tx("s2", "P7", 15), 101)], d);
    const folded = await processRecords([tick("t1", 102)], d);
    const late = await processRecords([streamRecord(tx("s3", "P7", 1), 103), tick("t2", 104)], d);
    // assess: no verdict while the minute is open, one when it is folded, none again for the late record
    assert.equal(first.spikes.length, 0);
    assert.equal(folded.spikes.length, 1);
    assert.deepEqual(folded.spikes[0], { productId: "P7", region: "EMEA", minute: "2026-11-28T18:00", units: 40, baseline: 1, ratio: 40, threshold: 3, baselineMinutes: 15 });
    assert.equal(late.spikes.length, 0);
    const calls = events.commandCalls(PutEventsCommand);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].args[0].input.Entries![0].DetailType, "RetailSalesSpike");
    assert.equal(calls[0].args[0].input.Entries![0].Source, "retail.platform");
    const p7 = (await scanAggregates(emu.dynamo!, d.config.table)).filter((a) => a.productId === "P7" && a.minute === "2026-11-28T18:00");
    assert.equal(p7[0].units, 41);
  });

  it("releases the spike marker when the event cannot be sent, so a later batch alerts", async () => {
    // prepare: a quiet baseline, and EventBridge failing once
    const d = await deps();
    const quiet = Array.from({ length: 15 }, (_, i) => streamRecord(tx(`q${i}`, "P8", 1, { occurredAt: new Date(Date.parse("2026-11-28T17:45:00Z") + i * 60_000).toISOString() }), i + 1));
    await processRecords(quiet, d);
    await processRecords([streamRecord(tx("s1", "P8", 25), 100)], d);
    events.on(PutEventsCommand).rejectsOnce(new Error("bus unavailable")).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e2" }] });
    // act: the fold's alert fails; the next batch (nothing new for the minute) judges the minute again
    const failed = await processRecords([tick("t1", 101)], d);
    const retried = await processRecords([tick("t2", 102)], d);
    // assess
    assert.deepEqual(failed.spikes, []);
    assert.deepEqual(failed.failedSequenceNumbers, []);
    assert.equal(retried.spikes.length, 1);
    assert.equal(retried.spikes[0].units, 25);
  });

  it("caps spike alerts per minute for the stack: exactly the cap is sent, the rest counted as SpikeAlertsSuppressed, a new minute counts anew", async () => {
    // prepare: a cap of 3; a quiet baseline for products Q0..Q5, then 5 of them spike in one minute, from two "containers"
    const clock = { now: Date.parse("2026-11-28T18:01:00Z") };
    const metrics: Record<string, number> = {};
    const base = await deps({ now: () => clock.now, metrics: { count: (name, value) => (metrics[name] = (metrics[name] ?? 0) + value) } });
    const d = { ...base, config: { ...base.config, spikes: { ...base.config.spikes, maxAlertsPerMinute: 3 } }, tails: new ChainTails(), folds: new FoldState() };
    const other = { ...d, recent: new RecentIds(1000), baselines: new BaselineCache(), tails: new ChainTails(), folds: new FoldState() };
    const products = ["Q0", "Q1", "Q2", "Q3", "Q4", "Q5"];
    const quiet = products.flatMap((p, j) => Array.from({ length: 15 }, (_, i) => streamRecord(tx(`q${p}${i}`, p, 1, { occurredAt: new Date(Date.parse("2026-11-28T17:45:00Z") + i * 60_000).toISOString() }), 1 + j * 100 + i)));
    await processRecords(quiet, d);
    // act: each shard's batch brings its spikes and the record that moves its stream past the minute
    const a = await processRecords([...["Q0", "Q1", "Q2"].map((p, i) => streamRecord(tx(`s${p}`, p, 25), 1000 + i)), tick("ta", 1003)], d);
    const b = await processRecords(["Q3", "Q4"].flatMap((p, i) => [streamRecord(tx(`s${p}`, p, 25), 1, `shardId-00000000000${i + 7}`), tick(`tb${i}`, 2, `shardId-00000000000${i + 7}`)]), other);
    clock.now += 60_000;
    const c = await processRecords([streamRecord(tx("sQ5", "Q5", 25, { occurredAt: "2026-11-28T18:01:30.000Z" }), 1010), tick("tc", 1011, undefined, 2)], d);
    // assess
    assert.equal(a.spikes.length + b.spikes.length, 3);
    assert.equal(a.suppressedSpikes + b.suppressedSpikes, 2);
    assert.equal(metrics["SpikeAlertsSuppressed"], 2);
    assert.deepEqual(c.spikes.map((s) => s.productId), ["Q5"]);
    assert.equal(events.commandCalls(PutEventsCommand).length, 4);
    const counter = async (minute: string) => (await emu.dynamo!.send(new GetItemCommand({ TableName: d.config.table, Key: { pk: { S: `SPIKES#${minute}` }, sk: { S: "count" } } }))).Item;
    assert.equal((await counter("2026-11-28T18:01"))?.n?.N, "3");
    assert.equal((await counter("2026-11-28T18:02"))?.n?.N, "1");
    assert.ok(Number((await counter("2026-11-28T18:01"))?.expiresAt?.N) > Date.parse("2026-11-28T18:02:00Z") / 1000);
    // the counter item is not an aggregate
    assert.ok((await scanAggregates(emu.dynamo!, d.config.table)).every((x) => x.productId.startsWith("Q") || x.productId === "T"));
  });

  it("accepts an empty batch, and decodes the Lambda Kinesis event fixture", async () => {
    // prepare
    const d = await deps();
    const event = fixture<{ Records: any[] }>("kinesis-event.json");
    event.Records[0].kinesis.data = Buffer.from(JSON.stringify(tx("fx", "P3", 3))).toString("base64");
    // act
    const empty = await processRecords([], d);
    const out = await processRecords(event.Records.map(fromLambdaRecord), d);
    // assess
    assert.deepEqual(empty.failedSequenceNumbers, []);
    assert.equal(out.valid, 1);
    const item = await emu.dynamo!.send(new GetItemCommand({ TableName: d.config.table, Key: { pk: { S: "EMEA#2026-11-28T18:00" }, sk: { S: "c#3#" } } }));
    assert.deepEqual(JSON.parse(item.Item!.p.S!), [["P3", 3, 750, 1]]);
    assert.ok(item.Item?.l?.S?.endsWith(event.Records[0].kinesis.sequenceNumber));
  });
});
