/**
 * The deriver registry (complete against the estimators, both ways) and the
 * derivers derive.test.ts does not reach: messaging, schedules, Step
 * Functions, QuickSight, networking, S3 lifecycle transitions, Glue logs.
 * Expectations come from AWS's billing rules (a 730-hour month, three SQS
 * requests per message, one transition per object...) on small fixtures.
 */
import { strict as assert } from "node:assert";
import { ESTIMATORS, ResourceGraph, deriveUsage } from "../../cost";
import { DERIVERS, NOT_DERIVED } from "../../cost/usage/derivers";
import type { Derived } from "../../cost/usage/derived";
import type { StackResource } from "../../model/resources";
import { REGION, arn, limits, res, workload } from "./helpers";

const MONTH_HOURS = 730;
const MONTH_DAYS = 730 / 24;

function derive(resources: StackResource[], opts = { workload: workload(), limits: limits() }): (name: string) => Derived {
  const derived = deriveUsage(new ResourceGraph(resources), opts);
  return (name) => {
    const r = resources.find((x) => x.name === name);
    const d = r && derived.get(r.urn);
    assert.ok(d, `nothing derived for ${name}`);
    return d;
  };
}

const ceilingOf = (d: Derived) => ("usage" in d.ceiling ? d.ceiling.usage : assert.fail(`unbounded: ${d.ceiling.unbounded}`));
const unboundedOf = (d: Derived) => ("unbounded" in d.ceiling ? d.ceiling.unbounded : assert.fail("bounded"));
const near = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6 * Math.max(1, expected), `${actual} vs ${expected}`);

describe("usage derivers", () => {
  describe("registry", () => {
    it("every type with an estimator has a deriver or a reason its usage is not derived, never both", () => {
      for (const type of Object.keys(ESTIMATORS)) {
        const n = Number(type in DERIVERS) + Number(type in NOT_DERIVED);
        assert.equal(n, 1, `${type}: ${n === 0 ? "neither a deriver nor a NOT_DERIVED reason" : "both a deriver and a NOT_DERIVED reason"}`);
      }
    });

    it("every deriver and every NOT_DERIVED entry is for a type with an estimator", () => {
      for (const type of [...Object.keys(DERIVERS), ...Object.keys(NOT_DERIVED)]) assert.ok(ESTIMATORS[type], `${type} has no estimator`);
      for (const [type, reason] of Object.entries(NOT_DERIVED)) assert.match(reason, /^[A-Z].+\.$/, type);
    });

    it("every deriver emits only usage keys its estimator accepts", () => {
      const resources = Object.keys(DERIVERS).map((type, i) => res(type, `r${i}`, type === "aws:ec2/vpcEndpoint:VpcEndpoint" ? { vpcEndpointType: "Interface" } : {}));
      const derived = deriveUsage(new ResourceGraph(resources), { workload: workload(), limits: limits() });
      for (const r of resources) {
        const d = derived.get(r.urn);
        assert.ok(d, `${r.type} derived nothing`);
        const accepted = Object.keys(ESTIMATORS[r.type].usageKeys);
        for (const key of [...Object.keys(d.expected), ...("usage" in d.ceiling ? Object.keys(d.ceiling.usage) : [])]) assert.ok(accepted.includes(key), `${r.type}: ${key}`);
      }
    });
  });

  describe("SQS", () => {
    it("a dead-letter queue receives at most what fails on its source queue, three requests per message", () => {
      const fn = res("aws:lambda/function:Function", "writer", { reservedConcurrentExecutions: 1, timeout: 1, environment: { variables: { QUEUE_URL: "jobs-1a2b3c4d" } } });
      const schedule = res("aws:scheduler/schedule:Schedule", "hourly", { scheduleExpression: "rate(1 hour)", target: { arn: arn("lambda", "function", "writer") } });
      const jobs = res("aws:sqs/queue:Queue", "jobs", { name: "jobs-1a2b3c4d", redrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("sqs", "queue", "jobs-dlq").replace("queue/", "") }) });
      const dlq = res("aws:sqs/queue:Queue", "jobs-dlq", { name: "jobs-dlq" });
      const d = derive([fn, schedule, jobs, dlq]);
      // The writer runs hourly: 730 messages, 3 requests each (send, receive, delete).
      near(d("jobs").expected.monthly_requests, 3 * MONTH_HOURS);
      // None expected in the DLQ; at most every message of the source queue.
      assert.equal(d("jobs-dlq").expected.monthly_requests, 0);
      near(ceilingOf(d("jobs-dlq")).monthly_requests, ceilingOf(d("jobs")).monthly_requests);
    });

    it("a queue nothing in the stack writes to is unbounded", () => {
      assert.match(unboundedOf(derive([res("aws:sqs/queue:Queue", "orphan")])("orphan")), /no producer in the stack/);
    });
  });

  describe("SNS", () => {
    it("an alarm notifies twice a month expected and at most once per evaluation window; a budget at most once per notification", () => {
      const topic = res("aws:sns/topic:Topic", "alerts", { name: "alerts-1a2b3c4d" });
      const topicArn = `arn:aws:sns:${REGION}:123456789012:alerts-1a2b3c4d`;
      const alarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", "errors", { period: 300, evaluationPeriods: 1, alarmActions: [topicArn], okActions: [topicArn] });
      const budget = res("aws:budgets/budget:Budget", "budget", { notifications: [{ subscriberSnsTopicArns: [topicArn] }, { subscriberSnsTopicArns: [topicArn] }] });
      const email = res("aws:sns/topicSubscription:TopicSubscription", "mail", { topic: topicArn, protocol: "email", endpoint: "ops@example.com" });
      const d = derive([topic, alarm, budget, email]);
      assert.equal(d("alerts").expected.monthly_requests, 2);
      // One window is 300 s: 2,628,000 s / 300 = 8,760 state changes at most, plus two budget notifications.
      near(ceilingOf(d("alerts")).monthly_requests, (MONTH_HOURS * 3600) / 300 + 2);
      assert.deepEqual(d("mail").expected, d("alerts").expected);
    });

    it("a subscription whose topic is not in the stack is unbounded", () => {
      assert.match(unboundedOf(derive([res("aws:sns/topicSubscription:TopicSubscription", "s", { topic: "arn:aws:sns:eu-west-3:1:elsewhere", protocol: "email" })])("s")), /topic is not in the stack/);
    });
  });

  describe("EventBridge Scheduler and Step Functions", () => {
    it("a schedule invokes per its expression; a Standard machine it starts bills one transition per state per execution", () => {
      const definition = JSON.stringify({ StartAt: "A", States: { A: { Type: "Parallel", Branches: [{ StartAt: "B", States: { B: { Type: "Pass", End: true } } }], Next: "C" }, C: { Type: "Succeed" } } });
      const sm = res("aws:sfn/stateMachine:StateMachine", "flow", { name: "flow-x", definition });
      const schedule = res("aws:scheduler/schedule:Schedule", "every-15", { scheduleExpression: "rate(15 minutes)", target: { arn: arn("states", "stateMachine", "flow-x") } });
      const d = derive([sm, schedule]);
      near(d("every-15").expected.monthly_invocations, MONTH_HOURS * 4);
      // A (Parallel), B (its branch) and C: three states.
      near(d("flow").expected.monthly_transitions, MONTH_HOURS * 4 * 3);
    });

    it("an Express machine bills requests; with no schedule its executions are unbounded", () => {
      const express = res("aws:sfn/stateMachine:StateMachine", "fast", { type: "EXPRESS", definition: "{}" });
      const d = derive([express]);
      assert.deepEqual(Object.keys(d("fast").expected), ["monthly_requests"]);
      assert.match(unboundedOf(d("fast")), /no schedule in the stack/);
    });
  });

  describe("EventBridge bus", () => {
    it("a function naming the bus publishes one event per invocation", () => {
      const bus = res("aws:cloudwatch/eventBus:EventBus", "events", { name: "events-1a2b3c4d" });
      const fn = res("aws:lambda/function:Function", "pub", { reservedConcurrentExecutions: 2, environment: { variables: { EVENT_BUS_NAME: "events-1a2b3c4d" } } });
      const schedule = res("aws:scheduler/schedule:Schedule", "daily", { scheduleExpression: "cron(0 6 * * ? *)", target: { arn: arn("lambda", "function", "pub") } });
      const d = derive([bus, fn, schedule]);
      near(d("events").expected.monthly_custom_events, MONTH_DAYS);
      near(d("events").expected.monthly_custom_events, d("pub").expected.monthly_requests);
    });
  });

  describe("QuickSight", () => {
    it("readers and authors are per account: only the stack's first data source carries them", () => {
      const d = derive([res("aws:quicksight/dataSource:DataSource", "first"), res("aws:quicksight/dataSource:DataSource", "second")]);
      assert.deepEqual(d("first").expected, { readers: 5, authors: 1 });
      assert.deepEqual(d("second").expected, { readers: 0, authors: 0 });
    });
  });

  describe("networking", () => {
    it("NAT gateways and interface endpoints process unbounded data; gateway endpoints derive nothing", () => {
      const nat = res("aws:ec2/natGateway:NatGateway", "nat");
      const iface = res("aws:ec2/vpcEndpoint:VpcEndpoint", "iface", { vpcEndpointType: "Interface" });
      const gateway = res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3-gw", { vpcEndpointType: "Gateway" });
      const derived = deriveUsage(new ResourceGraph([nat, iface, gateway]), {});
      assert.match(unboundedOf(derived.get(nat.urn)!), /NAT gateway/);
      assert.match(unboundedOf(derived.get(iface.urn)!), /interface endpoint/);
      assert.equal(derived.get(gateway.urn), undefined);
    });
  });

  describe("S3 lifecycle", () => {
    it("objects of 128 KB and more move to each class for the days the rule keeps them there, one transition each", () => {
      const bucket = res("aws:s3/bucket:Bucket", "reports", { bucket: "reports-1a2b3c4d" });
      const rule = { status: "Enabled", filter: { prefix: "" }, transitions: [{ days: 30, storageClass: "STANDARD_IA" }], expiration: { days: 90 } };
      const lifecycle = res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "reports-lc", { bucket: "reports-1a2b3c4d", rules: [rule] });
      // A daily report function writes one result object (1 MB, above the 128 KB minimum) per invocation.
      const fn = res("aws:lambda/function:Function", "report", { reservedConcurrentExecutions: 1, environment: { variables: { REPORTS_BUCKET: "reports-1a2b3c4d" } } });
      const schedule = res("aws:scheduler/schedule:Schedule", "daily", { scheduleExpression: "cron(0 6 * * ? *)", target: { arn: arn("lambda", "function", "report") } });
      const usage = derive([bucket, lifecycle, fn, schedule])("reports").expected;
      const gbPerDay = (MONTH_DAYS * 1) / 1024 / MONTH_DAYS;
      near(usage["standard.storage_gb"], gbPerDay * 30);
      near(usage["standard_infrequent_access.storage_gb"], gbPerDay * 60);
      near(usage["standard_infrequent_access.monthly_lifecycle_transition_requests"], MONTH_DAYS);
      near(usage["standard.monthly_tier_1_requests"], MONTH_DAYS);
    });
  });

  describe("CloudWatch Logs from Glue", () => {
    it("a Glue job's continuous logs: expected at its usual run length, the ceiling at its timeout", () => {
      const lg = res("aws:cloudwatch/logGroup:LogGroup", "glue-logs", { name: "/platform/glue", retentionInDays: 30 });
      const job = res("aws:glue/job:Job", "etl", { name: "etl-x", timeout: 60, numberOfWorkers: 2, workerType: "G.1X", defaultArguments: { "--continuous-log-logGroup": "/platform/glue" } });
      const trigger = res("aws:glue/trigger:Trigger", "nightly", { type: "SCHEDULED", schedule: "cron(0 2 * * ? *)", actions: [{ jobName: "etl-x" }] });
      const d = derive([lg, job, trigger])("glue-logs");
      const gbPerMinute = (100 * 1024) / 1024 ** 3;
      // One run a day: 10 minutes expected (glueRunMinutes), 60 at most (its timeout).
      near(d.expected.monthly_data_ingested_gb, MONTH_DAYS * 10 * gbPerMinute);
      near(ceilingOf(d).monthly_data_ingested_gb, MONTH_DAYS * 60 * gbPerMinute);
    });

    it("a Glue 5.0 job's /error and /output groups under its --custom-logGroup-prefix: the volume in /error, /output bounded alike", () => {
      const error = res("aws:cloudwatch/logGroup:LogGroup", "glue-error", { name: "/aws-glue/jobs/p/etl/error", retentionInDays: 30 });
      const output = res("aws:cloudwatch/logGroup:LogGroup", "glue-output", { name: "/aws-glue/jobs/p/etl/output", retentionInDays: 30 });
      const job = res("aws:glue/job:Job", "etl", { name: "etl-x", timeout: 60, numberOfWorkers: 2, workerType: "G.1X", defaultArguments: { "--custom-logGroup-prefix": "/aws-glue/jobs/p/etl" } });
      const trigger = res("aws:glue/trigger:Trigger", "nightly", { type: "SCHEDULED", schedule: "cron(0 2 * * ? *)", actions: [{ jobName: "etl-x" }] });
      const gbPerMinute = (100 * 1024) / 1024 ** 3;
      const e = derive([error, output, job, trigger])("glue-error");
      near(e.expected.monthly_data_ingested_gb, MONTH_DAYS * 10 * gbPerMinute);
      near(ceilingOf(e).monthly_data_ingested_gb, MONTH_DAYS * 60 * gbPerMinute);
      const o = derive([error, output, job, trigger])("glue-output");
      near(o.expected.monthly_data_ingested_gb, 0);
      near(ceilingOf(o).monthly_data_ingested_gb, MONTH_DAYS * 60 * gbPerMinute);
    });
  });
});
