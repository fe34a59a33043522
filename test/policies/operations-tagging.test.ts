import assert from "node:assert/strict";
import { kinesisIteratorAgeAlarm, lambdaErrorAlarm, logGroupRetention } from "../../policies/operations";
import { requiredTags, TAGGABLE_TYPES } from "../../policies/tagging";
import { awsProvider, messages, PROVIDER_REF, replace, res, run, UNKNOWN, withInputs, without } from "./helpers";

describe("operations policies", () => {
  const logs = res("aws:cloudwatch/logGroup:LogGroup", "processor-logs", { name: "/platform/retail/test/processor", retentionInDays: 7 });
  const fn = res("aws:lambda/function:Function", "processor", { runtime: "nodejs22.x", loggingConfig: { logFormat: "JSON", logGroup: "/platform/retail/test/processor" } }, { dependsOn: [logs] });
  const stream = res("aws:kinesis/stream:Stream", "transactions", { shardCount: 1 });
  const alarm = (name: string, namespace: string, metricName: string, dimensions: Record<string, string>, target: typeof fn, threshold = 0) =>
    res("aws:cloudwatch/metricAlarm:MetricAlarm", name, { namespace, metricName, dimensions, threshold, period: 60, alarmActions: ["arn:aws:sns:eu-west-3:1:alerts"] }, { dependsOn: [target] });
  const iteratorAge = alarm("iterator-age", "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", { StreamName: "transactions-1" }, stream, 60000);
  const errors = alarm("processor-errors", "AWS/Lambda", "Errors", { FunctionName: "processor-1" }, fn);

  describe("log-group-retention", () => {
    const cfg = { minRetentionDays: 1, maxRetentionDays: 30 };
    it("passes a log group with retention and a function logging to it", () => {
      assert.deepEqual(run(logGroupRetention, [logs, fn], cfg).violations, []);
    });
    it("reports a log group without retention", () => {
      assert.match(messages(run(logGroupRetention, [without(logs, "retentionInDays"), fn], cfg)).join(), /Log group processor-logs must set retentionInDays/);
    });
    it("reports a retention outside the limits", () => {
      assert.match(messages(run(logGroupRetention, [withInputs(logs, { retentionInDays: 365 }), fn], cfg)).join(), /retentionInDays must be from 1 to 30 \(got 365\)/);
    });
    it("reports a function logging to an unmanaged group", () => {
      assert.match(messages(run(logGroupRetention, [logs, without(fn, "loggingConfig")], cfg)).join(), /Lambda function processor must log to a log group this stack manages/);
    });
    it("accepts /aws/lambda/<name> when the stack manages that group", () => {
      const named = res(fn.type, "named", { name: "named-fn", runtime: "nodejs22.x" });
      const group = res(logs.type, "named-logs", { name: "/aws/lambda/named-fn", retentionInDays: 7 });
      assert.deepEqual(run(logGroupRetention, [named, group], cfg).violations, []);
    });
  });

  describe("kinesis-iterator-age-alarm", () => {
    it("passes a stream with an iterator-age alarm", () => {
      assert.deepEqual(run(kinesisIteratorAgeAlarm, [stream, iteratorAge], { maxThresholdMs: 60000 }).violations, []);
    });
    it("reports a stream without one", () => {
      assert.match(messages(run(kinesisIteratorAgeAlarm, [stream], { maxThresholdMs: 60000 })).join(), /must have a GetRecords.IteratorAgeMilliseconds alarm/);
    });
    it("reports an alarm without actions", () => {
      assert.match(messages(run(kinesisIteratorAgeAlarm, [stream, withInputs(iteratorAge, { alarmActions: [] })], { maxThresholdMs: 60000 })).join(), /with an alarm action/);
    });
    it("reports a threshold above the limit", () => {
      assert.match(messages(run(kinesisIteratorAgeAlarm, [stream, withInputs(iteratorAge, { threshold: 600000 })], { maxThresholdMs: 60000 })).join(), /threshold must be at most 60000 ms \(got 600000\)/);
    });
  });

  describe("lambda-error-alarm", () => {
    it("passes a function with an Errors alarm", () => {
      assert.deepEqual(run(lambdaErrorAlarm, [logs, fn, errors]).violations, []);
    });
    it("reports a function without one", () => {
      assert.match(messages(run(lambdaErrorAlarm, [logs, fn])).join(), /Lambda function processor must have an AWS\/Lambda Errors alarm/);
    });
    it("reports an alarm on another metric", () => {
      assert.match(messages(run(lambdaErrorAlarm, [logs, fn, withInputs(errors, { metricName: "Throttles" })])).join(), /must have an AWS\/Lambda Errors alarm/);
    });
  });
});

describe("tagging policies", () => {
  describe("required-tags", () => {
    const queue = res("aws:sqs/queue:Queue", "failed-batches", { kmsMasterKeyId: "k" });
    const stack = [awsProvider(), queue];
    it("passes when the provider's defaultTags carry every tag", () => {
      assert.deepEqual(run(requiredTags, stack).violations, []);
    });
    it("reports a missing tag", () => {
      const { owner: _o, ...tags } = { environment: "test", project: "p", owner: "o", "cost-center": "c" };
      void _o;
      assert.match(messages(run(requiredTags, replace(stack, awsProvider(tags)))).join(), /Queue failed-batches must carry tags owner/);
    });
    it("merges the resource's own tags over the provider's", () => {
      const partial = replace(stack, awsProvider({ environment: "test", project: "p" }));
      assert.deepEqual(run(requiredTags, replace(partial, withInputs(queue, { tags: { owner: "o", "cost-center": "c" } }))).violations, []);
    });
    it("reads defaultTags given as an object too", () => {
      const provider = withInputs(awsProvider(), { defaultTags: { tags: { environment: "e", project: "p", owner: "o", "cost-center": "c" } } });
      assert.deepEqual(run(requiredTags, replace(stack, provider)).violations, []);
    });
    it("reports every tag when the resource has no provider with defaults", () => {
      assert.match(messages(run(requiredTags, [{ ...queue, provider: undefined }])).join(), /must carry tags environment, project, owner, cost-center/);
    });
    it("reports an empty tag value", () => {
      assert.match(messages(run(requiredTags, replace(stack, withInputs(queue, { tags: { owner: "" } })))).join(), /must carry tags owner/);
    });
    it("skips types that cannot be tagged", () => {
      assert.equal(TAGGABLE_TYPES.has("aws:s3/bucketPolicy:BucketPolicy"), false);
      assert.deepEqual(run(requiredTags, [res("aws:s3/bucketPolicy:BucketPolicy", "p", { bucket: "b", policy: "{}" })]).violations, []);
    });
    it("cannot verify tags not known during preview", () => {
      const r = run(requiredTags, [withInputs(awsProvider({}), {}), withInputs(queue, { tags: UNKNOWN })]);
      assert.deepEqual(r.violations, []);
      assert.equal(r.cannotVerify.length, 1);
    });
    it("uses the provider named by the resource's provider reference", () => {
      const other = { ...awsProvider({}), urn: "urn:pulumi:test::retail-data-platform::pulumi:providers:aws::other" };
      const onOther = { ...queue, provider: `${other.urn}::id` };
      assert.match(messages(run(requiredTags, [awsProvider(), other, onOther])).join(), /must carry tags/);
      assert.deepEqual(run(requiredTags, [awsProvider(), other, { ...onOther, provider: PROVIDER_REF }]).violations, []);
    });
    it("keeps the taggable list generated from @pulumi/aws", () => {
      for (const t of ["aws:s3/bucket:Bucket", "aws:kinesis/stream:Stream", "aws:lambda/function:Function", "aws:dynamodb/table:Table"]) assert.ok(TAGGABLE_TYPES.has(t), t);
    });
  });
});
