/**
 * The aggregates-table WRU formula (cost/usage/aggregates.ts) against the real
 * stream processor on dynalite, and the per-batch derivations built on the
 * stream's batches: aggregates, quarantine objects, spike alerts.
 */
import { strict as assert } from "node:assert";
import { aggregateWrites, AggregateWriteInputs } from "../../cost/usage/aggregates";
import { recordsPerBatch } from "../../cost/usage/derivers/lambda";
import { quarantineLineBytes } from "../../cost/usage/processor";
import { ASSUMPTIONS, SECONDS, estimateStack } from "./stackApi";
import { REGION, arn, limits, res, workload } from "./helpers";
import { MEASURE_REGIONS, measureAggregateWru } from "../../functions/local/aggregatesMeasure";
import { STANDARD_CATALOGUE } from "../../functions/local/generator";

/** The measurement's traffic (functions/local/generator.ts): 5 regions, 2,000 products Zipf(1.1), 7-digit sequence numbers. */
function model(tps: number, batch: number, linesPerTransaction: number, shards = 1, regions = MEASURE_REGIONS.length): AggregateWriteInputs {
  return {
    tps,
    recordsPerBatch: batch,
    shards,
    linesPerTransaction,
    regions,
    ...STANDARD_CATALOGUE,
    itemBaseBytes: ASSUMPTIONS.aggregateItemBaseBytes,
    bytesPerProduct: ASSUMPTIONS.aggregateBytesPerProduct,
    // A 3-digit length + 7 digits.
    markBytes: 3 + 7,
  };
}

/** The generator's lines per transaction: 1 + floor(4 u v), u, v uniform: 1 + sum over t of P(uv >= t/4). */
const GENERATOR_LINES = 1 + [0.25, 0.5, 0.75].reduce((s, t) => s + (1 - t + t * Math.log(t)), 0);

const within = (formula: number, measured: number, tolerance = 0.25) =>
  assert.ok(Math.abs(formula / measured - 1) <= tolerance, `formula ${formula.toFixed(2)} vs measured ${measured.toFixed(2)} WRU/1,000 tx (${((formula / measured - 1) * 100).toFixed(1)}%)`);

describe("aggregates WRU formula vs the real stream processor", () => {
  /**
   * Stored measurements (functions/local/aggregatesMeasure.ts, dynalite, 2026-12-02; docs/cost.md):
   * one shard unless said (several: records spread at random, the shards' batches in turn, a container
   * each), batches starting half a round after a minute boundary, spike detection off, every
   * region-minute folded once per shard.
   */
  const STORED: { batch: number; tps: number; batches: number; shards?: number; regions?: number; wruPer1000: number }[] = [
    { batch: 10_000, tps: 3_000, batches: 36, wruPer1000: 8.82 },
    { batch: 2_000, tps: 300, batches: 18, wruPer1000: 19.69 },
    { batch: 500, tps: 300, batches: 72, wruPer1000: 27.14 },
    { batch: 500, tps: 300, batches: 72, shards: 2, wruPer1000: 29.47 },
    { batch: 250, tps: 300, batches: 144, shards: 4, wruPer1000: 43.94 },
    { batch: 5_000, tps: 3_000, batches: 72, shards: 2, wruPer1000: 12.15 },
    // Prod at peak: 4 shards, 4 regions, 1,500-record batches (bench/freshness.bench.ts's processor.wru_per_1000_transactions.peak).
    { batch: 1_500, tps: 3_000, batches: 240, shards: 4, regions: 4, wruPer1000: 16.78 },
  ];
  for (const s of STORED) {
    it(`matches the stored measurement within 25%: ${s.batch}-record batches at ${s.tps} tx/s on ${s.shards ?? 1} shard(s) (${s.wruPer1000} WRU/1,000 tx)`, () => {
      within(aggregateWrites(model(s.tps, s.batch, GENERATOR_LINES, s.shards, s.regions)).wruPerTransaction * 1000, s.wruPer1000);
    });
  }

  it("matches a live measurement within 25% at 500- and 10,000-record batches", async function () {
    // Two live runs through dynalite: seconds on an idle machine, minutes on a loaded one (timings are not the point here).
    this.timeout(300_000);
    for (const o of [
      { batchSize: 10_000, tps: 1_000, batches: 12 },
      { batchSize: 500, tps: 300, batches: 36 },
    ]) {
      const m = await measureAggregateWru(o);
      const formula = aggregateWrites(model(o.tps, o.batchSize, m.lines / m.transactions)).wruPerTransaction * 1000;
      within(formula, m.wruPer1000);
    }
  });

  it("fewer, larger batches cost fewer WRU per transaction; more shards cost more", () => {
    const base = model(300, 150, 2.5);
    const small = aggregateWrites(base).wruPerTransaction;
    assert.ok(aggregateWrites({ ...base, recordsPerBatch: 1500 }).wruPerTransaction < small / 2);
    assert.ok(aggregateWrites({ ...base, shards: 8 }).wruPerTransaction > small);
    assert.equal(aggregateWrites({ ...base, tps: 0 }).wruPerSecond, 0);
  });

  it("records per batch: min(batch size, per-poller rate x window), at least one", () => {
    assert.equal(recordsPerBatch(75, 2000, 2), 150);
    assert.equal(recordsPerBatch(3000, 2000, 2), 2000);
    assert.equal(recordsPerBatch(0.1, 500, 5), 1);
    assert.equal(recordsPerBatch(0, 500, 5), 0);
  });
});

describe("per-batch derivations of a stream consumer", () => {
  const T = {
    stream: "aws:kinesis/stream:Stream",
    fn: "aws:lambda/function:Function",
    esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
    table: "aws:dynamodb/table:Table",
    bucket: "aws:s3/bucket:Bucket",
    bus: "aws:cloudwatch/eventBus:EventBus",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    topic: "aws:sns/topic:Topic",
    sub: "aws:sns/topicSubscription:TopicSubscription",
  } as const;

  function stack(opts: { batchSize?: number; window?: number; maxAlerts?: number } = {}) {
    return [
      res(T.stream, "tx", { name: "tx-s", shardCount: 2, streamModeDetails: { streamMode: "PROVISIONED" } }),
      res(T.fn, "proc", {
        name: "proc-f",
        memorySize: 1024,
        timeout: 60,
        reservedConcurrentExecutions: 4,
        environment: {
          variables: {
            AGGREGATES_TABLE: "agg-t",
            QUARANTINE_BUCKET: "quar-b",
            QUARANTINE_PREFIX: "quarantine/",
            SPIKE_BUS_NAME: "spikes-b",
            SALES_REGIONS: "EMEA,NA,LATAM,APAC",
            ...(opts.maxAlerts === undefined ? {} : { SPIKE_MAX_ALERTS_PER_MINUTE: String(opts.maxAlerts) }),
          },
        },
      }),
      res(T.esm, "proc-source", { eventSourceArn: arn("kinesis", "stream", "tx-s"), functionName: "proc-f", batchSize: opts.batchSize ?? 500, maximumBatchingWindowInSeconds: opts.window ?? 5 }),
      res(T.table, "agg", { name: "agg-t", billingMode: "PAY_PER_REQUEST", ttl: { enabled: true, attributeName: "expiresAt" }, onDemandThroughput: { maxWriteRequestUnits: 1000, maxReadRequestUnits: 1000 } }),
      res(T.bucket, "quar", { bucket: "quar-b" }),
      res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "quar-lc", { bucket: "quar-b", rules: [{ id: "x", status: "Enabled", filter: { prefix: "" }, expiration: { days: 14 } }] }),
      res(T.bus, "spikes", { name: "spikes-b" }),
      res(T.rule, "spike-rule", { name: "spike-rule-r", eventBusName: "spikes-b", eventPattern: JSON.stringify({ source: ["retail.platform"] }) }),
      res(T.topic, "alerts", { name: "alerts-t" }),
      res(T.target, "spike-target", { rule: "spike-rule-r", eventBusName: "spikes-b", arn: arn("sns", "topic", "alerts-t").replace("topic/", "") }),
      res(T.sub, "alerts-email", { topic: arn("sns", "topic", "alerts-t").replace("topic/", ""), protocol: "email", endpoint: "ops@example.com" }),
    ];
  }
  const w = workload({ averageTps: 100, peakTps: 1000, peakHoursPerDay: 2, itemsPerTransaction: 2.5 });
  const item = (c: ReturnType<typeof estimateStack>, name: string) => c.items.find((x) => x.name === name)!;

  it("quarantine: one object per invocation with a rejected record; ceiling one per invocation plus a part per 5 MB", () => {
    const c = estimateStack(stack(), { region: REGION, workload: w, limits: limits() });
    const proc = item(c, "proc");
    const invocations = proc.usage.monthly_requests;
    // 2 shards, 50 records/s each, 5 s window: 250 records per invocation.
    assert.ok(Math.abs(invocations - 2 * 0.2 * SECONDS) < 1);
    const perInvocation = (100 * SECONDS) / invocations;
    const q = item(c, "quar");
    const expectedPuts = invocations * (1 - Math.pow(1 - ASSUMPTIONS.rejectedShare, perInvocation));
    assert.ok(Math.abs(q.usage["standard.monthly_tier_1_requests"] - expectedPuts) < 1e-6 * expectedPuts);
    assert.ok(expectedPuts < 100 * SECONDS * ASSUMPTIONS.rejectedShare, "fewer objects than rejected records");
    // Ceiling: reserved concurrency's invocations (4 x S / duration) + every record's line / 5 MB.
    const ceilingInvocations = (4 * SECONDS * 1000) / proc.usage.request_duration_ms;
    // limits().kinesis.maxShards (4) x 1,000 records/s.
    const ceilingRecords = 4 * 1000 * SECONDS;
    const ceilingPuts = q.ceiling.find((l) => l.component.startsWith("PUT"))!.quantity * 1000;
    const bound = Math.min(ceilingRecords, ceilingInvocations + (ceilingRecords * quarantineLineBytes(900)) / ASSUMPTIONS.quarantinePartBytes);
    assert.ok(Math.abs(ceilingPuts - bound) < 1e-6 * bound, `${ceilingPuts} vs ${bound}`);
    assert.ok(ceilingPuts < ceilingRecords / 10);
  });

  it("spike alerts: the bus, the rule's topic and its e-mail subscription are bounded by SPIKE_MAX_ALERTS_PER_MINUTE x 43,800", () => {
    const c = estimateStack(stack({ maxAlerts: 20 }), { region: REGION, workload: w, limits: limits() });
    const cap = 20 * (SECONDS / 60);
    assert.ok(Math.abs(item(c, "spikes").ceiling[0].quantity * 1e6 - cap) < 1e-3);
    assert.ok(Math.abs(item(c, "alerts").ceiling[0].quantity * 1e6 - cap) < 1e-3);
    assert.ok(Math.abs(item(c, "alerts-email").ceiling[0].quantity * 1e5 - cap) < 1e-3);
    assert.ok(item(c, "alerts-email").usage.monthly_requests <= cap);
    // Without the variable, the old bound (one per minute x product x region) applies.
    const uncapped = estimateStack(stack(), { region: REGION, workload: w, limits: limits() });
    assert.ok(item(uncapped, "spikes").ceiling[0].quantity * 1e6 > 100 * cap);
  });

  it("aggregates: WRU from the event source mapping's batches (larger batches, fewer WRU), reads per shard-minute", () => {
    const small = item(estimateStack(stack({ batchSize: 500, window: 1 }), { region: REGION, workload: w, limits: limits() }), "agg").usage;
    const large = item(estimateStack(stack({ batchSize: 10_000, window: 10 }), { region: REGION, workload: w, limits: limits() }), "agg").usage;
    assert.ok(large.monthly_write_request_units < small.monthly_write_request_units / 2, `${large.monthly_write_request_units} vs ${small.monthly_write_request_units}`);
    // Reads: per shard (2) and region (4) a minute, at least the fold's chain Query and GetItem and two reads of the totals.
    assert.ok(small.monthly_read_request_units >= 2 * 4 * (SECONDS / 60) * 3);
  });
});
