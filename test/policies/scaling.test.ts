import assert from "node:assert/strict";
import {
  athenaWorkgroupBounded,
  dynamodbThroughputBounded,
  glueJobBounded,
  kinesisStreamBounded,
  lambdaConcurrencyBounded,
  lambdaEventSourceBounded,
  redshiftServerlessBounded,
} from "../../policies/scaling";
import { awsProvider, messages, replace, res, run, UNKNOWN, withInputs, without } from "./helpers";

const MB = 1024 * 1024;

describe("scaling policies", () => {
  describe("kinesis-stream-bounded", () => {
    const stream = res("aws:kinesis/stream:Stream", "transactions", { shardCount: 1, streamModeDetails: { streamMode: "PROVISIONED" }, encryptionType: "KMS" });
    const onDemand = withInputs(without(stream, "shardCount"), { streamModeDetails: { streamMode: "ON_DEMAND" } });
    const ingestAlarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", "ingest-above-bound", {
      namespace: "AWS/Kinesis", metricName: "IncomingBytes", period: 300, threshold: 8 * MB * 300, dimensions: { StreamName: "transactions-1" },
    }, { dependsOn: [stream] });
    const cfg = { maxShards: 2, allowOnDemand: true, maxOnDemandWriteMBps: 8 };

    it("passes a provisioned stream within maxShards", () => {
      assert.deepEqual(run(kinesisStreamBounded, [awsProvider(), stream], cfg).violations, []);
    });
    it("passes an on-demand stream with an IncomingBytes alarm at the bound", () => {
      assert.deepEqual(run(kinesisStreamBounded, [awsProvider(), onDemand, ingestAlarm], cfg).violations, []);
    });
    it("reports a shard count above the limit", () => {
      assert.match(messages(run(kinesisStreamBounded, [withInputs(stream, { shardCount: 4 })], cfg)).join(), /shardCount must be at most 2 \(got 4\)/);
    });
    it("reports a provisioned stream without shardCount", () => {
      assert.match(messages(run(kinesisStreamBounded, [without(stream, "shardCount")], cfg)).join(), /must set shardCount/);
    });
    it("reports on-demand where it is not allowed", () => {
      assert.match(messages(run(kinesisStreamBounded, [onDemand, ingestAlarm], { ...cfg, allowOnDemand: false })).join(), /on-demand is not allowed/);
    });
    it("reports on-demand without a throughput alarm", () => {
      assert.match(messages(run(kinesisStreamBounded, [onDemand], cfg)).join(), /must have an IncomingBytes alarm/);
    });
    it("reports an on-demand alarm above the allowed throughput", () => {
      assert.match(messages(run(kinesisStreamBounded, [onDemand, ingestAlarm], { ...cfg, maxOnDemandWriteMBps: 4 })).join(), /at or below 4 MB\/s \(got 8.0 MB\/s\)/);
    });
    it("cannot verify an unknown shard count", () => {
      const r = run(kinesisStreamBounded, [withInputs(stream, { shardCount: UNKNOWN })], cfg);
      assert.deepEqual(r.violations, []);
      assert.equal(r.cannotVerify.length, 1);
      assert.match(r.cannotVerify[0].message, /shardCount/);
    });
  });

  describe("lambda-concurrency-bounded", () => {
    const fn = res("aws:lambda/function:Function", "processor", { runtime: "nodejs22.x", reservedConcurrentExecutions: 2 });
    it("passes a reserved concurrency within the limit", () => {
      assert.deepEqual(run(lambdaConcurrencyBounded, [fn], { maxReservedConcurrency: 5 }).violations, []);
    });
    it("reports a missing reserved concurrency", () => {
      assert.match(messages(run(lambdaConcurrencyBounded, [without(fn, "reservedConcurrentExecutions")], { maxReservedConcurrency: 5 })).join(), /must set reservedConcurrentExecutions/);
    });
    it("reports -1 (unreserved) as missing", () => {
      assert.match(messages(run(lambdaConcurrencyBounded, [withInputs(fn, { reservedConcurrentExecutions: -1 })], { maxReservedConcurrency: 5 })).join(), /must set reservedConcurrentExecutions/);
    });
    it("reports a reserved concurrency above the limit", () => {
      assert.match(messages(run(lambdaConcurrencyBounded, [withInputs(fn, { reservedConcurrentExecutions: 20 })], { maxReservedConcurrency: 5 })).join(), /at most 5 \(got 20\)/);
    });
    it("cannot verify an unknown concurrency", () => {
      const r = run(lambdaConcurrencyBounded, [withInputs(fn, { reservedConcurrentExecutions: UNKNOWN })]);
      assert.deepEqual([r.violations.length, r.cannotVerify.length], [0, 1]);
    });
  });

  describe("lambda-event-source-bounded", () => {
    const esm = res("aws:lambda/eventSourceMapping:EventSourceMapping", "processor-source", {
      eventSourceArn: "arn:aws:kinesis:eu-west-3:123456789012:stream/transactions", batchSize: 500, parallelizationFactor: 1, maximumRetryAttempts: 5,
    });
    const cfg = { maxBatchSize: 500, maxParallelizationFactor: 1, maxRetryAttempts: 5 };
    it("passes bounded settings", () => {
      assert.deepEqual(run(lambdaEventSourceBounded, [esm], cfg).violations, []);
    });
    it("reports a missing batch size", () => {
      assert.match(messages(run(lambdaEventSourceBounded, [without(esm, "batchSize")], cfg)).join(), /must set batchSize/);
    });
    it("reports a batch size above the limit", () => {
      assert.match(messages(run(lambdaEventSourceBounded, [withInputs(esm, { batchSize: 2000 })], cfg)).join(), /batchSize must be at most 500 \(got 2000\)/);
    });
    it("reports a parallelization factor above the limit", () => {
      assert.match(messages(run(lambdaEventSourceBounded, [withInputs(esm, { parallelizationFactor: 4 })], cfg)).join(), /parallelizationFactor must be at most 1 \(got 4\)/);
    });
    it("reports unbounded retries on a stream source", () => {
      assert.match(messages(run(lambdaEventSourceBounded, [without(esm, "maximumRetryAttempts")], cfg)).join(), /must set maximumRetryAttempts/);
    });
    it("does not require retries for a queue source", () => {
      const sqs = withInputs(without(esm, "maximumRetryAttempts"), { eventSourceArn: "arn:aws:sqs:eu-west-3:123456789012:q" });
      assert.deepEqual(run(lambdaEventSourceBounded, [sqs], cfg).violations, []);
    });
  });

  describe("dynamodb-throughput-bounded", () => {
    const table = res("aws:dynamodb/table:Table", "aggregates", { billingMode: "PAY_PER_REQUEST", onDemandThroughput: { maxReadRequestUnits: 100, maxWriteRequestUnits: 100 } });
    const cfg = { maxReadRequestUnits: 100, maxWriteRequestUnits: 100, maxProvisionedCapacity: 50 };
    const provisioned = res("aws:dynamodb/table:Table", "aggregates", { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
    const target = (dim: string, max: number) =>
      res("aws:appautoscaling/target:Target", `aggregates-${dim.toLowerCase()}-scaling`, {
        serviceNamespace: "dynamodb", resourceId: "table/aggregates-1", scalableDimension: `dynamodb:table:${dim}CapacityUnits`, minCapacity: 5, maxCapacity: max,
      }, { dependsOn: [provisioned] });

    it("passes on-demand with maximum request units", () => {
      assert.deepEqual(run(dynamodbThroughputBounded, [table], cfg).violations, []);
    });
    it("reports on-demand without onDemandThroughput", () => {
      assert.match(messages(run(dynamodbThroughputBounded, [without(table, "onDemandThroughput")], cfg)).join(), /must set onDemandThroughput.maxReadRequestUnits/);
    });
    it("reports request units above the limit", () => {
      const t = withInputs(table, { onDemandThroughput: { maxReadRequestUnits: 100, maxWriteRequestUnits: 4000 } });
      assert.match(messages(run(dynamodbThroughputBounded, [t], cfg)).join(), /maxWriteRequestUnits must be at most 100 \(got 4000\)/);
    });
    it("passes provisioned capacity with autoscaling maxCapacity within the limit", () => {
      assert.deepEqual(run(dynamodbThroughputBounded, [provisioned, target("Read", 50), target("Write", 50)], cfg).violations, []);
    });
    it("reports an autoscaling maxCapacity above the limit", () => {
      assert.match(messages(run(dynamodbThroughputBounded, [provisioned, target("Read", 50), target("Write", 400)], cfg)).join(), /write autoscaling maxCapacity .* must be at most 50 \(got 400\)/);
    });
    it("reports provisioned mode without capacity or autoscaling", () => {
      const bare = without(provisioned, "readCapacity", "writeCapacity");
      assert.match(messages(run(dynamodbThroughputBounded, [bare], cfg)).join(), /must set readCapacity or an autoscaling target/);
    });
  });

  describe("glue-job-bounded", () => {
    const job = res("aws:glue/job:Job", "curate", { workerType: "G.1X", numberOfWorkers: 2, timeout: 30, roleArn: "arn:aws:iam::1:role/x", command: { scriptLocation: "s3://x/y.py" } });
    const cfg = { maxWorkers: 2, maxDpus: 2, maxTimeoutMinutes: 30 };
    it("passes workers and timeout within limits", () => {
      assert.deepEqual(run(glueJobBounded, [job], cfg).violations, []);
    });
    it("reports too many workers", () => {
      assert.match(messages(run(glueJobBounded, [withInputs(job, { numberOfWorkers: 10 })], cfg)).join(), /numberOfWorkers must be at most 2 \(got 10\)/);
    });
    it("reports neither workers nor DPUs", () => {
      assert.match(messages(run(glueJobBounded, [without(job, "numberOfWorkers", "workerType")], cfg)).join(), /must set numberOfWorkers/);
    });
    it("reports DPUs above the limit", () => {
      assert.match(messages(run(glueJobBounded, [withInputs(without(job, "numberOfWorkers", "workerType"), { maxCapacity: 10 })], cfg)).join(), /maxCapacity must be at most 2 DPUs/);
    });
    it("reports a missing timeout", () => {
      assert.match(messages(run(glueJobBounded, [without(job, "timeout")], cfg)).join(), /must set timeout/);
    });
    it("reports a timeout above the limit", () => {
      assert.match(messages(run(glueJobBounded, [withInputs(job, { timeout: 2880 })], cfg)).join(), /timeout must be at most 30 minutes \(got 2880\)/);
    });
  });

  describe("redshift-serverless-bounded", () => {
    const wg = res("aws:redshiftserverless/workgroup:Workgroup", "warehouse", { baseCapacity: 8, maxCapacity: 8, namespaceName: "ns" });
    const limit = res("aws:redshiftserverless/usageLimit:UsageLimit", "warehouse-usage", { usageType: "serverless-compute", amount: 40, period: "monthly", breachAction: "deactivate" }, { dependsOn: [wg] });
    const cfg = { maxBaseRpu: 8, maxRpu: 8, maxMonthlyRpuHours: 40 };
    it("passes capacities and a usage limit within limits", () => {
      assert.deepEqual(run(redshiftServerlessBounded, [wg, limit], cfg).violations, []);
    });
    it("reports a missing maxCapacity", () => {
      assert.match(messages(run(redshiftServerlessBounded, [without(wg, "maxCapacity"), limit], cfg)).join(), /must set maxCapacity/);
    });
    it("reports a base capacity above the limit", () => {
      assert.match(messages(run(redshiftServerlessBounded, [withInputs(wg, { baseCapacity: 32 }), limit], cfg)).join(), /baseCapacity must be at most 8 RPUs \(got 32\)/);
    });
    it("reports a missing usage limit", () => {
      assert.match(messages(run(redshiftServerlessBounded, [wg], cfg)).join(), /must have a serverless-compute usage limit/);
    });
    it("reports a usage limit above the monthly allowance", () => {
      assert.match(messages(run(redshiftServerlessBounded, replace([wg, limit], withInputs(limit, { amount: 10, period: "daily" })), cfg)).join(), /at most 40 RPU-hours a month \(got 310\)/);
    });
  });

  describe("athena-workgroup-bounded", () => {
    const wg = res("aws:athena/workgroup:Workgroup", "analytics", { configuration: { enforceWorkgroupConfiguration: true, bytesScannedCutoffPerQuery: 1024 * MB } });
    const cfg = { maxBytesScannedPerQueryMb: 1024 };
    it("passes an enforced cutoff within the limit", () => {
      assert.deepEqual(run(athenaWorkgroupBounded, [wg], cfg).violations, []);
    });
    it("reports a missing cutoff", () => {
      assert.match(messages(run(athenaWorkgroupBounded, [withInputs(wg, { configuration: { enforceWorkgroupConfiguration: true } })], cfg)).join(), /must set configuration.bytesScannedCutoffPerQuery/);
    });
    it("reports a cutoff above the limit", () => {
      assert.match(messages(run(athenaWorkgroupBounded, [withInputs(wg, { configuration: { enforceWorkgroupConfiguration: true, bytesScannedCutoffPerQuery: 100 * 1024 * MB } })], cfg)).join(), /at most 1024 MB \(got 102400 MB\)/);
    });
    it("reports a configuration clients may override", () => {
      assert.match(messages(run(athenaWorkgroupBounded, [withInputs(wg, { configuration: { enforceWorkgroupConfiguration: false, bytesScannedCutoffPerQuery: MB * 10 } })], cfg)).join(), /enforceWorkgroupConfiguration to true/);
    });
  });
});
