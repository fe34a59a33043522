/**
 * Usage derivation from the workload and the resource graph, and the stack
 * figures built on it: expected, ceiling, unbounded, unpriced, cannotPrice.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ASSUMPTIONS, DAYS_PER_MONTH_FOR_TESTS, GB, MB, SECONDS, estimateStack } from "./stackApi";
import { UNKNOWN } from "../../model/resources";
import { REGION, arn, limits, res, workload } from "./helpers";

const T = {
  stream: "aws:kinesis/stream:Stream",
  fn: "aws:lambda/function:Function",
  esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
  hose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  logs: "aws:cloudwatch/logGroup:LogGroup",
  bucket: "aws:s3/bucket:Bucket",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  table: "aws:dynamodb/table:Table",
  wg: "aws:athena/workgroup:Workgroup",
} as const;

/** A stream, its consumer function (via an event source mapping) and the function's log group. */
function pipeline(opts: { window?: number; reserved?: number | undefined; retention?: number | undefined; onDemand?: boolean } = {}) {
  return [
    res(T.stream, "tx", opts.onDemand ? { streamModeDetails: { streamMode: "ON_DEMAND" } } : { shardCount: 2, streamModeDetails: { streamMode: "PROVISIONED" } }),
    res(T.fn, "proc", { memorySize: 1024, timeout: 60, ...(opts.reserved === undefined ? {} : { reservedConcurrentExecutions: opts.reserved }), loggingConfig: { logGroup: "/platform/proc" } }),
    res(T.esm, "proc-source", { eventSourceArn: arn("kinesis", "stream", "tx-1a2b3c4d"), functionName: `arn:aws:lambda:${REGION}:123456789012:function:proc-9f8e7d6c`, batchSize: 100, maximumBatchingWindowInSeconds: opts.window ?? 0 }),
    res(T.logs, "proc-logs", { name: "/platform/proc", ...(opts.retention === undefined ? {} : { retentionInDays: opts.retention }) }),
  ];
}

const item = (c: ReturnType<typeof estimateStack>, name: string) => {
  const i = c.items.find((x) => x.name === name);
  assert.ok(i, `no item ${name}`);
  return i;
};

describe("cost usage derivation", () => {
  describe("Lambda behind a Kinesis event source mapping", () => {
    it("gets invocations from transactions/s, shards and batch size (window 0: one poll a second per shard)", () => {
      const c = estimateStack(pipeline({ reserved: 5, retention: 7 }), { region: REGION, workload: workload({ averageTps: 100 }), limits: limits() });
      const fn = item(c, "proc");
      // 2 shards x 50 records/s: each poll finds 50 < batch 100, so 1 invocation/s per shard.
      assert.equal(fn.usage.monthly_requests, 2 * SECONDS);
      assert.equal(fn.usage.request_duration_ms, ASSUMPTIONS.batchBaseMs + 50 * ASSUMPTIONS.batchMsPerRecord);
    });

    it("a batching window makes fewer, larger invocations", () => {
      const c = estimateStack(pipeline({ reserved: 5, retention: 7, window: 5 }), { region: REGION, workload: workload({ averageTps: 100 }), limits: limits() });
      // per shard 50 records/s: the batch fills (100) every 2 s, before the 5 s window.
      assert.equal(item(c, "proc").usage.monthly_requests, 2 * 0.5 * SECONDS);
    });

    it("its ceiling is reserved concurrency running all month; without it the ceiling is unbounded", () => {
      const bounded = estimateStack(pipeline({ reserved: 5, retention: 7 }), { region: REGION, workload: workload(), limits: limits() });
      const fn = item(bounded, "proc");
      const gbSeconds = fn.ceiling.find((l) => l.component.startsWith("Duration"))!.quantity;
      assert.ok(Math.abs(gbSeconds - 5 * SECONDS * 1) < 1e-3, `GB-s at the ceiling: ${gbSeconds}`);
      const unbounded = estimateStack(pipeline({ retention: 7 }), { region: REGION, workload: workload(), limits: limits() });
      assert.equal(item(unbounded, "proc").ceilingMonthlyUsd, null);
      assert.match(item(unbounded, "proc").unboundedReason!, /reservedConcurrentExecutions/);
      assert.equal(unbounded.ceilingUnbounded, true);
      assert.equal(unbounded.ceilingMonthlyUsd, null);
    });

    it("a longer duration from a usage file never lifts the ceiling above reserved concurrency x the month", () => {
      const usage = { byType: {}, byName: { proc: { request_duration_ms: 5000 } } };
      const c = estimateStack(pipeline({ reserved: 5, retention: 7 }), { region: REGION, workload: workload(), limits: limits(), usage });
      const gbSeconds = item(c, "proc").ceiling.find((l) => l.component.startsWith("Duration"))!.quantity;
      assert.ok(Math.abs(gbSeconds - 5 * SECONDS) < 1e-3, `GB-s at the ceiling: ${gbSeconds}`);
    });

    it("its log group ingests per invocation and stores retentionInDays of it; no retention is unbounded", () => {
      const c = estimateStack(pipeline({ reserved: 5, retention: 7 }), { region: REGION, workload: workload(), limits: limits() });
      const logs = item(c, "proc-logs");
      const ingest = (2 * SECONDS * ASSUMPTIONS.logBytesPerInvocation) / GB;
      assert.ok(Math.abs(logs.usage.monthly_data_ingested_gb - ingest) < 1e-9);
      assert.ok(Math.abs(logs.usage.storage_gb - (ingest * 7) / DAYS_PER_MONTH_FOR_TESTS) < 1e-9);
      const forever = estimateStack(pipeline({ reserved: 5 }), { region: REGION, workload: workload(), limits: limits() });
      assert.match(item(forever, "proc-logs").unboundedReason!, /never expire/);
    });
  });

  describe("Kinesis", () => {
    it("provisioned: PUT payload units from records x started 25 KB; ceiling at limits.kinesis.maxShards", () => {
      const c = estimateStack(pipeline({ reserved: 5, retention: 7 }), { region: REGION, workload: workload({ averageTps: 10, averageRecordBytes: 30 * 1024 }), limits: limits() });
      const s = item(c, "tx");
      assert.equal(s.usage.monthly_provisioned_put_units, 10 * 2 * SECONDS);
      assert.equal(s.ceiling.find((l) => l.component === "Shard hours")!.quantity, 4 * 730);
    });

    it("on-demand: bounded by limits.kinesis.maxWriteMBps, unbounded without it", () => {
      const on = { region: REGION, workload: workload({ averageRecordBytes: 1024 }) };
      const bounded = estimateStack(pipeline({ reserved: 5, retention: 7, onDemand: true }), { ...on, limits: limits({ kinesis: { mode: "on-demand", maxWriteMBps: 2 } }) });
      const dataIn = item(bounded, "tx").ceiling.find((l) => l.component.startsWith("Data in"))!.quantity;
      assert.ok(Math.abs(dataIn - (2 * MB * SECONDS) / GB) < 1e-6, `data in at the ceiling: ${dataIn}`);
      const unbounded = estimateStack(pipeline({ reserved: 5, retention: 7, onDemand: true }), on);
      assert.match(item(unbounded, "tx").unboundedReason!, /maxWriteMBps/);
    });
  });

  describe("Firehose and S3", () => {
    const resources = (expireDays?: number) => [
      ...pipeline({ reserved: 5, retention: 7 }),
      res(T.bucket, "history", {}),
      res(T.lifecycle, "history-lifecycle", { bucket: "history-0badf00d", rules: [{ id: "r", status: "Enabled", filter: { prefix: "history/" }, ...(expireDays ? { expiration: { days: expireDays } } : {}) }] }),
      res(T.hose, "delivery", {
        destination: "extended_s3",
        kinesisSourceConfiguration: { kinesisStreamArn: arn("kinesis", "stream", "tx-1a2b3c4d") },
        extendedS3Configuration: { bucketArn: "arn:aws:s3:::history-0badf00d", prefix: "history/dt=!{timestamp:yyyy-MM-dd}/", bufferingSize: 64, bufferingInterval: 300, compressionFormat: "UNCOMPRESSED" },
      }),
    ];

    it("Firehose reading the stream ingests its records rounded up to 5 KB", () => {
      const c = estimateStack(resources(30), { region: REGION, workload: workload({ averageTps: 100, averageRecordBytes: 900 }), limits: limits() });
      assert.ok(Math.abs(item(c, "delivery").usage.monthly_data_ingested_gb - (100 * SECONDS * 5120) / GB) < 1e-6);
    });

    it("the bucket stores expiration-days of the delivered bytes; its ceiling uses the stream's maximum", () => {
      const c = estimateStack(resources(30), { region: REGION, workload: workload({ averageTps: 100, averageRecordBytes: 900 }), limits: limits() });
      const b = item(c, "history");
      const daily = (100 * 900 * 86400) / GB;
      assert.ok(Math.abs(b.usage["standard.storage_gb"] - daily * 30) < 1e-6, `storage ${b.usage["standard.storage_gb"]}`);
      assert.notEqual(b.ceilingMonthlyUsd, null);
      assert.ok(b.ceilingMonthlyUsd! > b.expectedMonthlyUsd);
    });

    it("without an expiration rule the bucket's ceiling is unbounded", () => {
      const c = estimateStack(resources(undefined), { region: REGION, workload: workload(), limits: limits() });
      assert.match(item(c, "history").unboundedReason!, /never expire/);
    });
  });

  describe("landing zones", () => {
    // S3's documented request rate per prefix and single-PUT maximum (docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html, upload-objects.html).
    const S3_PUTS_PER_SECOND_PER_PREFIX = 3500;
    const FIVE_GB = 5 * 1024 ** 3;
    const landing = () => [
      res(T.bucket, "landing", {}),
      res(T.lifecycle, "landing-lifecycle", { bucket: "landing-0badf00d", rules: [{ id: "r", status: "Enabled", filter: { prefix: "incoming/" }, expiration: { days: 30 } }] }),
    ];
    const gate = (vars: Record<string, string> = {}) =>
      res(T.fn, "gate", { memorySize: 256, timeout: 10, reservedConcurrentExecutions: 2, environment: { variables: { LANDING_BUCKET: "landing-0badf00d", LANDING_PREFIX: "incoming/", SLOTS_TABLE: "slots-1", MAX_FILES_PER_DAY: "10", MAX_FILE_BYTES: String(FIVE_GB), URL_EXPIRY_SECONDS: "60", ...vars } } });

    it("a bucket written from outside the stack without a gate stays unbounded, saying why", () => {
      const notified = [...landing(), res("aws:s3/bucketNotification:BucketNotification", "landing-events", { bucket: "landing-0badf00d", lambdaFunctions: [] })];
      const c = estimateStack(notified, { region: REGION, workload: workload(), limits: limits() });
      assert.match(item(c, "landing").unboundedReason!, /without an upload gate receives files from outside the stack/);
    });

    it("behind a gate: at most maxFilesPerDay objects a day of at most the signed size, plus a live URL's refused retries", () => {
      const c = estimateStack([...landing(), gate()], { region: REGION, workload: workload({ batchFilesPerDay: 4, batchFileMb: 1 }), limits: limits() });
      const b = item(c, "landing");
      assert.equal(b.ceilingMonthlyUsd === null, false, b.unboundedReason);
      const days = DAYS_PER_MONTH_FOR_TESTS;
      const puts = b.ceiling.find((l) => l.component.startsWith("PUT"))!;
      // 10 objects a day, and each URL retried at S3's per-prefix rate for its 60 s (S3 bills 4XX responses).
      assert.ok(Math.abs(puts.quantity * 1000 - 10 * days * (1 + 60 * S3_PUTS_PER_SECOND_PER_PREFIX)) < 1e-3, `${puts.quantity}k PUTs`);
      // 30 days of 10 files of 5 GB each, at most.
      const storedGb = b.ceiling.filter((l) => l.component.includes("storage")).reduce((sum, l) => sum + l.quantity, 0);
      assert.ok(storedGb <= (10 * 30 * FIVE_GB) / GB + 1e-6, `${storedGb} GB`);
      assert.ok(storedGb > 0);
      // The gate itself: its expected invocations are the workload's files.
      assert.ok(Math.abs(item(c, "gate").usage.monthly_requests - 4 * days) < 1e-9);
    });

    it("a gate whose limits are not plain numbers bounds nothing", () => {
      const c = estimateStack([...landing(), gate({ MAX_FILES_PER_DAY: "many" })], { region: REGION, workload: workload(), limits: limits() });
      assert.equal(item(c, "landing").usage["standard.monthly_tier_1_requests"] ?? 0, 0, "not a landing zone: no gate, no notification, no crawler");
    });

    it("an API's calls are bounded by its stage throttle; without one they are unbounded", () => {
      const api = res("aws:apigateway/restApi:RestApi", "api", { name: "api-x" });
      const throttle = res("aws:apigateway/methodSettings:MethodSettings", "api-throttle", { restApi: "api-x", stageName: "v1", methodPath: "*/*", settings: { throttlingRateLimit: 2 } });
      const bounded = estimateStack([api, throttle], { region: REGION, workload: workload() });
      assert.ok(Math.abs(item(bounded, "api").ceiling.reduce((sum, l) => sum + l.quantity, 0) - (2 * SECONDS) / 1e6) < 1e-9);
      assert.match(item(estimateStack([api], { region: REGION, workload: workload() }), "api").unboundedReason!, /no stage-wide throttle/);
    });
  });

  describe("Athena", () => {
    it("queries/day x scanned GB; the ceiling uses bytesScannedCutoffPerQuery; no cutoff is unbounded", () => {
      const w = workload({ queriesPerDay: 10, scannedGbPerQuery: 0.001 });
      const withCutoff = estimateStack([res(T.wg, "wg", { configuration: { bytesScannedCutoffPerQuery: 10 * GB } })], { region: REGION, workload: w });
      const i = item(withCutoff, "wg");
      assert.equal(i.usage.monthly_queries, 10 * DAYS_PER_MONTH_FOR_TESTS);
      assert.ok(Math.abs(i.ceilingMonthlyUsd! - ((10 * DAYS_PER_MONTH_FOR_TESTS * 10) / 1024) * 5) < 1e-9);
      // 0.001 GB < 10 MB: the minimum applies.
      assert.ok(Math.abs(i.expectedMonthlyUsd - ((10 * DAYS_PER_MONTH_FOR_TESTS * 10) / 1024 / 1024) * 5) < 1e-9);
      const none = estimateStack([res(T.wg, "wg", {})], { region: REGION, workload: w });
      assert.match(item(none, "wg").unboundedReason!, /bytesScannedCutoffPerQuery/);
    });
  });

  describe("DynamoDB", () => {
    it("on-demand ceiling at onDemandThroughput maxima; unbounded without them", () => {
      const table = (props: Record<string, unknown>) => [res(T.table, "agg", { billingMode: "PAY_PER_REQUEST", ttl: { enabled: true, attributeName: "expiresAt" }, ...props })];
      const bounded = estimateStack(table({ onDemandThroughput: { maxWriteRequestUnits: 100, maxReadRequestUnits: 50 } }), { region: REGION, workload: workload() });
      const w = item(bounded, "agg").ceiling.find((l) => l.component.startsWith("Write"))!;
      assert.equal(w.quantity, (100 * SECONDS) / 1e6);
      const unbounded = estimateStack(table({}), { region: REGION, workload: workload() });
      assert.match(item(unbounded, "agg").unboundedReason!, /onDemandThroughput/);
    });

    it("provisioned ceiling at the autoscaling target's maxCapacity (linked by resourceId table/<name>)", () => {
      const resources = [
        res(T.table, "agg", { name: "agg-table", billingMode: "PROVISIONED", writeCapacity: 5, readCapacity: 5, ttl: { enabled: true } }),
        res("aws:appautoscaling/target:Target", "w", { resourceId: "table/agg-table", scalableDimension: "dynamodb:table:WriteCapacityUnits", minCapacity: 5, maxCapacity: 200 }),
        res("aws:appautoscaling/target:Target", "r", { resourceId: "table/agg-table", scalableDimension: "dynamodb:table:ReadCapacityUnits", minCapacity: 5, maxCapacity: 40 }),
      ];
      const c = estimateStack(resources, { region: REGION, workload: workload() });
      const i = item(c, "agg");
      assert.equal(i.ceiling.find((l) => l.component.startsWith("Provisioned write"))!.quantity, 200 * 730);
      assert.equal(i.ceiling.find((l) => l.component.startsWith("Provisioned read"))!.quantity, 40 * 730);
      assert.equal(i.expected.find((l) => l.component.startsWith("Provisioned write"))!.quantity, 5 * 730);
    });
  });

  describe("Glue", () => {
    it("runs follow scheduled and conditional triggers, and state machine executions", () => {
      const resources = [
        res("aws:glue/crawler:Crawler", "crawl", { name: "crawl-x" }),
        res("aws:glue/job:Job", "etl", { name: "etl-x", numberOfWorkers: 4, workerType: "G.1X", timeout: 30 }),
        res("aws:glue/job:Job", "batch", { name: "batch-x", numberOfWorkers: 2, workerType: "G.2X", timeout: 60 }),
        res("aws:glue/trigger:Trigger", "start", { type: "SCHEDULED", schedule: "cron(0 2 * * ? *)", actions: [{ crawlerName: "crawl-x" }] }),
        res("aws:glue/trigger:Trigger", "then", { type: "CONDITIONAL", predicate: { conditions: [{ crawlerName: "crawl-x", crawlState: "SUCCEEDED" }] }, actions: [{ jobName: "etl-x" }] }),
        res("aws:sfn/stateMachine:StateMachine", "flow", { name: "flow-x", definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Task", Parameters: { JobName: "batch-x" }, Next: "B" }, B: { Type: "Succeed" } } }) }),
        res("aws:scheduler/schedule:Schedule", "nightly", { scheduleExpression: "cron(0 3 * * ? *)", target: { arn: arn("states", "stateMachine", "flow-x") } }),
      ];
      const c = estimateStack(resources, { region: REGION, workload: workload(), limits: limits() });
      const days = DAYS_PER_MONTH_FOR_TESTS;
      assert.ok(Math.abs(item(c, "etl").usage.monthly_runs - days) < 1e-9);
      assert.ok(Math.abs(item(c, "batch").usage.monthly_runs - days) < 1e-9);
      assert.ok(Math.abs(item(c, "flow").usage.monthly_transitions - days * 2) < 1e-9);
      // Ceiling: runs x timeout at limits.glue.maxWorkers (4 G.1X workers), so 4 DPU x 0.5 h x runs.
      assert.ok(Math.abs(item(c, "etl").ceiling[0].quantity - days * 0.5 * 4) < 1e-9);
      assert.match(item(c, "crawl").unboundedReason!, /no configurable time limit/);
    });
  });

  describe("Redshift Serverless", () => {
    it("maxCapacity all month, bounded by a deactivating monthly usage limit", () => {
      const wg = res("aws:redshiftserverless/workgroup:Workgroup", "rs", { workgroupName: "rs-wg", baseCapacity: 8, maxCapacity: 32 });
      const limit = (breachAction: string) => res("aws:redshiftserverless/usageLimit:UsageLimit", "rs-limit", { resourceArn: arn("redshift-serverless", "workgroup", "rs-wg"), usageType: "serverless-compute", amount: 400, period: "monthly", breachAction });
      const bounded = estimateStack([wg, limit("deactivate")], { region: REGION, workload: workload() });
      assert.equal(item(bounded, "rs").ceiling[0].quantity, 400);
      const logOnly = estimateStack([wg, limit("log")], { region: REGION, workload: workload() });
      assert.equal(item(logOnly, "rs").ceiling[0].quantity, 32 * 730);
    });
  });

  describe("stack figures", () => {
    it("components are never priced; billed types with no estimator are listed as unpriced", () => {
      const c = estimateStack(
        [
          { ...res("platform:pipelines:Realtime", "rt"), custom: false },
          res("aws:ec2/instance:Instance", "vm", { instanceType: "t3.micro" }),
          res("aws:iam/role:Role", "role"),
          res("aws:kms/key:Key", "key"),
        ],
        { region: REGION },
      );
      assert.deepEqual(c.unpriced, ["aws:ec2/instance:Instance"]);
      assert.deepEqual(c.items.map((i) => i.name), ["key"]);
      assert.equal(c.expectedMonthlyUsd, 1);
      assert.equal(c.ceilingMonthlyUsd, 1);
    });

    it("in a preview, unknown references still link through the resources' dependencies", () => {
      const [stream, fn, esm, logs] = pipeline({ reserved: 5, retention: 7 });
      const preview = [
        stream,
        { ...fn, inputs: { ...fn.inputs, loggingConfig: { logGroup: UNKNOWN } }, dependencies: [logs.urn] },
        { ...esm, inputs: { ...esm.inputs, eventSourceArn: UNKNOWN, functionName: UNKNOWN }, dependencies: [stream.urn, fn.urn] },
        logs,
      ];
      const c = estimateStack(preview, { region: REGION, workload: workload({ averageTps: 100 }), limits: limits() });
      assert.equal(item(c, "proc").usage.monthly_requests, 2 * SECONDS);
      assert.ok(item(c, "proc-logs").usage.monthly_data_ingested_gb > 0);
    });

    it("a price-relevant input unknown in a preview puts the resource in cannotPrice", () => {
      const c = estimateStack([res(T.fn, "proc", { memorySize: UNKNOWN, reservedConcurrentExecutions: 1 })], { region: REGION });
      assert.equal(c.items.length, 0);
      assert.equal(c.cannotPrice.length, 1);
      assert.match(c.cannotPrice[0].reason, /memorySize/);
    });

    it("usage-file overrides win over derived usage (by type, then by name)", () => {
      const usage = { byType: { [T.fn]: { request_duration_ms: 10 } }, byName: { proc: { monthly_requests: 1000 } } };
      const c = estimateStack(pipeline({ reserved: 5, retention: 7 }), { region: REGION, workload: workload(), limits: limits(), usage });
      assert.deepEqual(item(c, "proc").usage, { monthly_requests: 1000, request_duration_ms: 10 });
    });

    it("ceilingMonthlyUsd is null exactly when ceilingUnbounded", () => {
      for (const reserved of [5, undefined]) {
        const c = estimateStack(pipeline({ reserved, retention: 7 }), { region: REGION, workload: workload(), limits: limits() });
        assert.equal(c.ceilingMonthlyUsd === null, c.ceilingUnbounded);
        for (const i of c.items) assert.equal(i.ceilingMonthlyUsd === null, i.unboundedReason !== undefined);
      }
    });

    it("for any workload, every bounded ceiling is at least the expected cost", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 50, max: 100_000 }), fc.integer({ min: 0, max: 60 }), fc.boolean(), (tps, bytes, window, onDemand) => {
          const c = estimateStack(pipeline({ reserved: 5, retention: 7, window, onDemand }), {
            region: REGION,
            workload: workload({ averageTps: tps, peakTps: tps * 2, averageRecordBytes: bytes }),
            limits: limits({ kinesis: onDemand ? { mode: "on-demand", maxWriteMBps: 50 } : { mode: "provisioned", shards: 2, minShards: 1, maxShards: 4 } }),
          });
          return c.items.every((i) => i.ceilingMonthlyUsd === null || i.ceilingMonthlyUsd + 1e-9 >= i.expectedMonthlyUsd);
        }),
        { numRuns: 50 },
      );
    });

    it("a region missing from the catalogue is an error, never a fallback", () => {
      assert.throws(() => estimateStack([], { region: "ap-south-1" }), /region ap-south-1 is not in the price catalogue/);
    });
  });
});
