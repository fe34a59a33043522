/**
 * The spend brake's actions and runs. No emulator implements the APIs the brake
 * calls (s3rver answers bucket policies NotImplemented; kinesalite has no
 * resource policies; Athena, Glue, Scheduler, Redshift Serverless, QuickSight,
 * Lambda mappings and Budgets have none), so each client is an
 * aws-sdk-client-mock stub that keeps the state the real service would.
 */
import * as assert from "node:assert/strict";
import { AthenaClient, BatchGetQueryExecutionCommand, GetWorkGroupCommand, ListQueryExecutionsCommand, StopQueryExecutionCommand, UpdateWorkGroupCommand } from "@aws-sdk/client-athena";
import { BudgetsClient, DescribeBudgetCommand } from "@aws-sdk/client-budgets";
import { GetCrawlersCommand, GetTriggersCommand, GlueClient, StartTriggerCommand, StopCrawlerScheduleCommand, StopTriggerCommand } from "@aws-sdk/client-glue";
import { DeleteResourcePolicyCommand, DescribeStreamSummaryCommand, GetResourcePolicyCommand, KinesisClient, PutResourcePolicyCommand } from "@aws-sdk/client-kinesis";
import { LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { QuickSightClient } from "@aws-sdk/client-quicksight";
import { GetWorkgroupCommand, ListUsageLimitsCommand, RedshiftServerlessClient, UpdateUsageLimitCommand } from "@aws-sdk/client-redshift-serverless";
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { ListSchedulesCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { ActionContext, BRAKE_SID, runActions } from "../../../functions/spend-brake/actions";
import { runBrake, signalOf } from "../../../functions/spend-brake/brake";
import { Plan, TargetsSchema, actionsReached } from "../../../functions/spend-brake/plan";

const STREAM_ARN = "arn:aws:kinesis:eu-west-3:123456789012:stream/transactions";

/** Clients whose stubs behave like the services: state changes on writes and shows on reads. */
function fakeAws() {
  const state = {
    workgroup: "ENABLED" as string,
    stopped: [] as string[],
    bucketPolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::raw", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) as string | undefined,
    streamPolicy: undefined as string | undefined,
    mapping: "Enabled",
    trigger: "ACTIVATED",
    breachAction: "emit-metric",
    published: [] as string[],
  };
  const athena = mockClient(AthenaClient);
  athena.on(GetWorkGroupCommand).callsFake(() => ({ WorkGroup: { Name: "analytics", State: state.workgroup } }));
  athena.on(UpdateWorkGroupCommand).callsFake((i) => ((state.workgroup = i.State), {}));
  athena.on(ListQueryExecutionsCommand).resolves({ QueryExecutionIds: ["q1", "q2"] });
  athena.on(BatchGetQueryExecutionCommand).callsFake(() => ({ QueryExecutions: [{ QueryExecutionId: "q1", Status: { State: state.stopped.includes("q1") ? "CANCELLED" : "RUNNING" } }, { QueryExecutionId: "q2", Status: { State: "SUCCEEDED" } }] }));
  athena.on(StopQueryExecutionCommand).callsFake((i) => (state.stopped.push(i.QueryExecutionId), {}));
  const s3 = mockClient(S3Client);
  s3.on(GetBucketPolicyCommand).callsFake(() => {
    if (state.bucketPolicy === undefined) throw Object.assign(new Error("no policy"), { name: "NoSuchBucketPolicy" });
    return { Policy: state.bucketPolicy };
  });
  s3.on(PutBucketPolicyCommand).callsFake((i) => ((state.bucketPolicy = i.Policy), {}));
  s3.on(DeleteBucketPolicyCommand).callsFake(() => ((state.bucketPolicy = undefined), {}));
  const kinesis = mockClient(KinesisClient);
  kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: { StreamARN: STREAM_ARN } as never });
  kinesis.on(GetResourcePolicyCommand).callsFake(() => ({ Policy: state.streamPolicy ?? "{}" }));
  kinesis.on(PutResourcePolicyCommand).callsFake((i) => ((state.streamPolicy = i.Policy), {}));
  kinesis.on(DeleteResourcePolicyCommand).callsFake(() => ((state.streamPolicy = undefined), {}));
  const lambda = mockClient(LambdaClient);
  lambda.on(ListEventSourceMappingsCommand).callsFake(() => ({ EventSourceMappings: [{ UUID: "esm-1", State: state.mapping }] }));
  lambda.on(UpdateEventSourceMappingCommand).callsFake((i) => ((state.mapping = i.Enabled ? "Enabled" : "Disabled"), {}));
  const glue = mockClient(GlueClient);
  glue.on(GetTriggersCommand).callsFake(() => ({ Triggers: [{ Name: "nightly", Type: "SCHEDULED", State: state.trigger }, { Name: "manual", Type: "ON_DEMAND", State: "CREATED" }] }));
  glue.on(StopTriggerCommand).callsFake(() => ((state.trigger = "DEACTIVATED"), {}));
  glue.on(StartTriggerCommand).callsFake(() => ((state.trigger = "ACTIVATED"), {}));
  glue.on(GetCrawlersCommand).resolves({ Crawlers: [] });
  glue.on(StopCrawlerScheduleCommand).resolves({});
  const scheduler = mockClient(SchedulerClient);
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
  const redshift = mockClient(RedshiftServerlessClient);
  redshift.on(GetWorkgroupCommand).resolves({ workgroup: { workgroupArn: "arn:wg" } });
  redshift.on(ListUsageLimitsCommand).callsFake(() => ({ usageLimits: [{ usageLimitId: "ul-1", breachAction: state.breachAction, amount: 400 }] }));
  redshift.on(UpdateUsageLimitCommand).callsFake((i) => ((state.breachAction = i.breachAction), {}));
  const quicksight = mockClient(QuickSightClient);
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).callsFake((i) => (state.published.push(i.Message), {}));
  const budgets = mockClient(BudgetsClient);
  const clients = { athena: new AthenaClient({}), glue: new GlueClient({}), kinesis: new KinesisClient({}), lambda: new LambdaClient({}), quicksight: new QuickSightClient({}), redshift: new RedshiftServerlessClient({}), s3: new S3Client({}), scheduler: new SchedulerClient({}) };
  const targets = TargetsSchema.parse({ athenaWorkgroups: ["analytics"], streams: ["transactions"], landingBuckets: ["raw"], redshiftWorkgroups: ["warehouse"], redshiftBreachAction: "emit-metric" });
  const ctx: ActionContext = { clients, targets, accountId: "123456789012" };
  const stubs = [athena, s3, kinesis, lambda, glue, scheduler, redshift, quicksight, sns, budgets];
  return { state, ctx, budgets, sns, restore: () => stubs.forEach((s) => s.restore()) };
}

const PLAN: Plan = {
  stages: [
    { percent: 40, notification: "actual", actions: ["disable-athena-workgroups", "stop-ingestion"] },
    { percent: 80, notification: "forecasted", actions: ["pause-glue"] },
  ],
  athenaMaxScannedGbPer5Minutes: 1,
  allowStopIngestion: true,
};

describe("spend brake", () => {
  let aws: ReturnType<typeof fakeAws>;
  beforeEach(() => {
    aws = fakeAws();
  });
  afterEach(() => aws.restore());

  describe("actions", () => {
    it("disables the Athena workgroup and stops its running queries; applying again changes nothing", async () => {
      const first = await runActions(aws.ctx, ["disable-athena-workgroups"], "apply");
      assert.equal(aws.state.workgroup, "DISABLED");
      assert.deepEqual(aws.state.stopped, ["q1"]);
      assert.deepEqual(first.results.map((r) => [r.state, r.changed, r.detail]), [["braked", true, "1 running queries stopped"]]);
      const second = await runActions(aws.ctx, ["disable-athena-workgroups"], "apply");
      assert.deepEqual(second.results.map((r) => [r.state, r.changed]), [["braked", false]]);
      assert.deepEqual(aws.state.stopped, ["q1"]);
      await runActions(aws.ctx, ["disable-athena-workgroups"], "release");
      assert.equal(aws.state.workgroup, "ENABLED");
    });

    it("adds one deny statement to the landing zone's bucket policy, keeps the others, and release removes only it", async () => {
      await runActions(aws.ctx, ["deny-landing-uploads"], "apply");
      const again = await runActions(aws.ctx, ["deny-landing-uploads"], "apply");
      assert.equal(again.results[0].changed, false);
      const policy = JSON.parse(aws.state.bucketPolicy!);
      assert.deepEqual(policy.Statement.map((s: { Sid: string }) => s.Sid), ["DenyInsecureTransport", BRAKE_SID]);
      assert.deepEqual(policy.Statement[1], { Sid: BRAKE_SID, Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: "arn:aws:s3:::raw/*" });
      assert.equal((await runActions(aws.ctx, ["deny-landing-uploads"], "status")).results[0].state, "braked");
      await runActions(aws.ctx, ["deny-landing-uploads"], "release");
      assert.deepEqual(JSON.parse(aws.state.bucketPolicy!).Statement.map((s: { Sid: string }) => s.Sid), ["DenyInsecureTransport"]);
    });

    it("stops ingestion: denies PutRecord(s) on the stream and disables its event source mapping; release undoes both", async () => {
      const applied = await runActions(aws.ctx, ["stop-ingestion"], "apply");
      assert.deepEqual(JSON.parse(aws.state.streamPolicy!).Statement[0].Action, ["kinesis:PutRecord", "kinesis:PutRecords"]);
      assert.equal(aws.state.mapping, "Disabled");
      assert.deepEqual(applied.results.map((r) => [r.target, r.state, r.changed]), [["transactions", "braked", true], ["transactions event source mapping esm-1", "braked", true]]);
      const released = await runActions(aws.ctx, ["stop-ingestion"], "release");
      assert.equal(aws.state.streamPolicy, undefined);
      assert.equal(aws.state.mapping, "Enabled");
      assert.ok(released.results.every((r) => r.state === "released" && r.changed));
    });

    it("pauses scheduled Glue triggers but never starts an on-demand one", async () => {
      await runActions(aws.ctx, ["pause-glue"], "apply");
      assert.equal(aws.state.trigger, "DEACTIVATED");
      const status = await runActions(aws.ctx, ["pause-glue"], "status");
      assert.deepEqual(status.results.map((r) => [r.target, r.state]), [["trigger nightly", "braked"]]);
      await runActions(aws.ctx, ["pause-glue"], "release");
      assert.equal(aws.state.trigger, "ACTIVATED");
    });

    it("sets the Redshift usage limit to deactivate and restores the deployed breach action on release", async () => {
      await runActions(aws.ctx, ["redshift-deactivate"], "apply");
      assert.equal(aws.state.breachAction, "deactivate");
      await runActions(aws.ctx, ["redshift-deactivate"], "release");
      assert.equal(aws.state.breachAction, "emit-metric");
    });

    it("reports a failing action and still runs the others", async () => {
      aws.state.bucketPolicy = "not json";
      const r = await runActions(aws.ctx, ["deny-landing-uploads", "disable-athena-workgroups"], "apply");
      assert.equal(r.failures.length, 1);
      assert.equal(r.failures[0].action, "deny-landing-uploads");
      assert.equal(aws.state.workgroup, "DISABLED");
    });
  });

  describe("runs", () => {
    it("takes every stage the budget's actual or forecasted spend has passed", () => {
      assert.deepEqual(actionsReached(PLAN, { actualUsd: 59, forecastUsd: 100, budgetUsd: 150 }), []);
      assert.deepEqual(actionsReached(PLAN, { actualUsd: 61, forecastUsd: 100, budgetUsd: 150 }), ["disable-athena-workgroups", "stop-ingestion"]);
      assert.deepEqual(actionsReached(PLAN, { actualUsd: 61, forecastUsd: 121, budgetUsd: 150 }), ["disable-athena-workgroups", "stop-ingestion", "pause-glue"]);
    });

    it("reads the fast-brake alarms by their metric's namespace and ignores an alarm returning to OK", () => {
      assert.deepEqual(signalOf(JSON.stringify({ AlarmName: "brake-athena-0", NewStateValue: "ALARM", Trigger: { Namespace: "AWS/Athena" } })).action, "disable-athena-workgroups");
      assert.deepEqual(signalOf(JSON.stringify({ AlarmName: "brake-ingestion-0", NewStateValue: "ALARM", Trigger: { Namespace: "AWS/Kinesis" } })).action, "stop-ingestion");
      assert.equal(signalOf(JSON.stringify({ AlarmName: "brake-athena-0", NewStateValue: "OK", Trigger: { Namespace: "AWS/Athena" } })).kind, "ignore");
      assert.equal(signalOf("AWS Budget Notification\nAlert Threshold: > $60.00\nACTUAL Amount: $61.00").kind, "budget");
    });

    it("on a budget notification, applies the stages reached, logs each result and reports the changes on the alert topic", async () => {
      aws.budgets.on(DescribeBudgetCommand).resolves({ Budget: { BudgetName: "b", BudgetLimit: { Amount: "150", Unit: "USD" }, CalculatedSpend: { ActualSpend: { Amount: "61", Unit: "USD" }, ForecastedSpend: { Amount: "90", Unit: "USD" } }, TimeUnit: "MONTHLY", BudgetType: "COST" } });
      const logged: string[] = [];
      const deps = { ctx: aws.ctx, plan: PLAN, budgets: new BudgetsClient({}), sns: new SNSClient({}), budgetName: "b", alertTopicArn: "arn:topic", log: (m: string, f: Record<string, unknown>) => logged.push(`${m} ${String(f.action)} ${String(f.target)}`) };
      const run = await runBrake(signalOf("AWS Budget Notification"), deps);
      assert.deepEqual(run.actions, ["disable-athena-workgroups", "stop-ingestion"]);
      assert.ok(logged.includes("brake action stop-ingestion transactions"), logged.join("\n"));
      assert.equal(aws.state.published.length, 1);
      assert.match(aws.state.published[0], /^Spend brake \(budget notification\): 3 changes\./);
      assert.match(aws.state.published[0], /platform brake release --stack/);
      // The same notification again: nothing changes, nothing is published.
      await runBrake(signalOf("AWS Budget Notification"), deps);
      assert.equal(aws.state.published.length, 1);
    });
  });
});
