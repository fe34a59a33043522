/**
 * The brake's actions, one per kind of target: each reads the current state
 * first, so applying twice changes nothing (idempotent), and each has a
 * release that restores normal operation and a status that only reads.
 */
import { AthenaClient, BatchGetQueryExecutionCommand, GetWorkGroupCommand, ListQueryExecutionsCommand, StopQueryExecutionCommand, UpdateWorkGroupCommand } from "@aws-sdk/client-athena";
import { GetCrawlersCommand, GetTriggersCommand, GlueClient, StartCrawlerScheduleCommand, StartTriggerCommand, StopCrawlerScheduleCommand, StopTriggerCommand } from "@aws-sdk/client-glue";
import { DeleteResourcePolicyCommand, DescribeStreamSummaryCommand, GetResourcePolicyCommand, KinesisClient, PutResourcePolicyCommand } from "@aws-sdk/client-kinesis";
import { LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { ListDataSetsCommand, ListRefreshSchedulesCommand, QuickSightClient, UpdateRefreshScheduleCommand } from "@aws-sdk/client-quicksight";
import { GetWorkgroupCommand, ListUsageLimitsCommand, RedshiftServerlessClient, UpdateUsageLimitCommand } from "@aws-sdk/client-redshift-serverless";
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient, UpdateScheduleCommand } from "@aws-sdk/client-scheduler";
import { ActionResult, BrakeActionName, Targets } from "./plan";
import { hasStatement, withStatement, withoutStatement } from "./statements";

export interface BrakeClients {
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
  readonly kinesis: KinesisClient;
  readonly lambda: LambdaClient;
  readonly quicksight: QuickSightClient;
  readonly redshift: RedshiftServerlessClient;
  readonly s3: S3Client;
  readonly scheduler: SchedulerClient;
}

export interface ActionContext {
  readonly clients: BrakeClients;
  readonly targets: Targets;
  readonly accountId: string;
}

export type Mode = "apply" | "release" | "status";

/** The Sid of the statement the brake adds to bucket and stream policies. */
export const BRAKE_SID = "SpendBrakeDenyWrites";
/** A paused QuickSight refresh starts after this date (its schedule is kept, only postponed). */
export const PAUSED_UNTIL = new Date("2099-01-01T00:00:00Z");

type Handler = (ctx: ActionContext, mode: Mode) => Promise<ActionResult[]>;

const result = (action: BrakeActionName, target: string, braked: boolean, changed: boolean, detail?: string): ActionResult => ({ action, target, state: braked ? "braked" : "released", changed, ...(detail ? { detail } : {}) });

const athena: Handler = async ({ clients, targets }, mode) => {
  const out: ActionResult[] = [];
  for (const name of targets.athenaWorkgroups) {
    const wg = await clients.athena.send(new GetWorkGroupCommand({ WorkGroup: name }));
    const disabled = wg.WorkGroup?.State === "DISABLED";
    if (mode === "status") out.push(result("disable-athena-workgroups", name, disabled, false));
    else if (mode === "apply") {
      if (!disabled) await clients.athena.send(new UpdateWorkGroupCommand({ WorkGroup: name, State: "DISABLED" }));
      const stopped = await stopRunningQueries(clients.athena, name);
      out.push(result("disable-athena-workgroups", name, true, !disabled || stopped > 0, stopped > 0 ? `${stopped} running queries stopped` : undefined));
    } else {
      if (disabled) await clients.athena.send(new UpdateWorkGroupCommand({ WorkGroup: name, State: "ENABLED" }));
      out.push(result("disable-athena-workgroups", name, false, disabled));
    }
  }
  return out;
};

async function stopRunningQueries(client: AthenaClient, workGroup: string): Promise<number> {
  const ids = (await client.send(new ListQueryExecutionsCommand({ WorkGroup: workGroup, MaxResults: 50 }))).QueryExecutionIds ?? [];
  if (ids.length === 0) return 0;
  const runs = (await client.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids }))).QueryExecutions ?? [];
  const active = runs.filter((q) => q.Status?.State === "RUNNING" || q.Status?.State === "QUEUED");
  for (const q of active) await client.send(new StopQueryExecutionCommand({ QueryExecutionId: q.QueryExecutionId }));
  return active.length;
}

const glue: Handler = async ({ clients, targets }, mode) => {
  const out: ActionResult[] = [];
  const triggers = (await clients.glue.send(new GetTriggersCommand({}))).Triggers ?? [];
  for (const t of triggers.filter((x) => x.Type === "SCHEDULED" || x.Type === "CONDITIONAL")) {
    const braked = t.State === "DEACTIVATED";
    if (mode === "apply" && !braked) await clients.glue.send(new StopTriggerCommand({ Name: t.Name }));
    if (mode === "release" && braked) await clients.glue.send(new StartTriggerCommand({ Name: t.Name }));
    out.push(result("pause-glue", `trigger ${t.Name}`, mode === "status" ? braked : mode === "apply", mode === "apply" ? !braked : mode === "release" ? braked : false));
  }
  const crawlers = (await clients.glue.send(new GetCrawlersCommand({}))).Crawlers ?? [];
  for (const c of crawlers.filter((x) => x.Schedule?.ScheduleExpression)) {
    const braked = c.Schedule?.State === "NOT_SCHEDULED";
    if (mode === "apply" && !braked) await clients.glue.send(new StopCrawlerScheduleCommand({ CrawlerName: c.Name }));
    if (mode === "release" && braked) await clients.glue.send(new StartCrawlerScheduleCommand({ CrawlerName: c.Name }));
    out.push(result("pause-glue", `crawler ${c.Name}`, mode === "status" ? braked : mode === "apply", mode === "apply" ? !braked : mode === "release" ? braked : false));
  }
  // EventBridge Scheduler schedules that start the stack's state machines (the nightly batch).
  const schedules = (await clients.scheduler.send(new ListSchedulesCommand({}))).Schedules ?? [];
  for (const s of schedules.filter((x) => x.Target?.Arn !== undefined && targets.stateMachineArns.includes(x.Target.Arn))) {
    const full = await clients.scheduler.send(new GetScheduleCommand({ Name: s.Name, GroupName: s.GroupName }));
    const braked = full.State === "DISABLED";
    const want = mode === "apply" ? "DISABLED" : mode === "release" ? "ENABLED" : undefined;
    if (want && (want === "DISABLED") !== braked) {
      await clients.scheduler.send(new UpdateScheduleCommand({ Name: full.Name, GroupName: full.GroupName, ScheduleExpression: full.ScheduleExpression, ScheduleExpressionTimezone: full.ScheduleExpressionTimezone, FlexibleTimeWindow: full.FlexibleTimeWindow, Target: full.Target, Description: full.Description, State: want }));
    }
    out.push(result("pause-glue", `schedule ${s.Name}`, want ? want === "DISABLED" : braked, want !== undefined && (want === "DISABLED") !== braked));
  }
  return out;
};

const redshift: Handler = async ({ clients, targets }, mode) => {
  const out: ActionResult[] = [];
  const original = targets.redshiftBreachAction;
  for (const name of targets.redshiftWorkgroups) {
    const wg = await clients.redshift.send(new GetWorkgroupCommand({ workgroupName: name }));
    const limits = (await clients.redshift.send(new ListUsageLimitsCommand({ resourceArn: wg.workgroup?.workgroupArn, usageType: "serverless-compute" }))).usageLimits ?? [];
    for (const l of limits) {
      // Braked: the workgroup deactivates at the limit's RPU-hours instead of only logging or emitting a metric.
      const braked = l.breachAction === "deactivate" && original !== "deactivate";
      const want = mode === "apply" ? "deactivate" : mode === "release" ? original : undefined;
      const change = want !== undefined && l.breachAction !== want;
      if (change) await clients.redshift.send(new UpdateUsageLimitCommand({ usageLimitId: l.usageLimitId, breachAction: want }));
      out.push(result("redshift-deactivate", `${name} usage limit ${l.usageLimitId}`, mode === "status" ? braked : mode === "apply", change));
    }
  }
  return out;
};

const quicksight: Handler = async ({ clients, targets, accountId }, mode) => {
  const out: ActionResult[] = [];
  if (!targets.quicksightDataSetPrefix) return out;
  const sets = ((await clients.quicksight.send(new ListDataSetsCommand({ AwsAccountId: accountId }))).DataSetSummaries ?? []).filter((d) => d.DataSetId?.startsWith(targets.quicksightDataSetPrefix));
  for (const d of sets) {
    const schedules = (await clients.quicksight.send(new ListRefreshSchedulesCommand({ AwsAccountId: accountId, DataSetId: d.DataSetId }))).RefreshSchedules ?? [];
    for (const s of schedules) {
      const braked = s.StartAfterDateTime !== undefined && s.StartAfterDateTime.getTime() >= PAUSED_UNTIL.getTime();
      const want = mode === "apply" ? PAUSED_UNTIL : mode === "release" ? new Date() : undefined;
      const change = want !== undefined && (mode === "apply") !== braked;
      if (change) await clients.quicksight.send(new UpdateRefreshScheduleCommand({ AwsAccountId: accountId, DataSetId: d.DataSetId, Schedule: { ...s, StartAfterDateTime: want } }));
      out.push(result("pause-quicksight-refresh", `${d.DataSetId} ${s.ScheduleId}`, mode === "status" ? braked : mode === "apply", change));
    }
  }
  return out;
};

const landing: Handler = async ({ clients, targets }, mode) => {
  const out: ActionResult[] = [];
  for (const bucket of targets.landingBuckets) {
    const current = await bucketPolicy(clients.s3, bucket);
    const statement = { Sid: BRAKE_SID, Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` };
    if (mode === "status") out.push(result("deny-landing-uploads", bucket, hasStatement(current, BRAKE_SID), false));
    else if (mode === "apply") {
      const { document, changed } = withStatement(current, statement);
      if (changed) await clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(document) }));
      out.push(result("deny-landing-uploads", bucket, true, changed));
    } else {
      const { document, changed } = withoutStatement(current, BRAKE_SID);
      if (changed && document) await clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(document) }));
      else if (changed) await clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      out.push(result("deny-landing-uploads", bucket, false, changed));
    }
  }
  return out;
};

async function bucketPolicy(s3: S3Client, bucket: string): Promise<string | undefined> {
  try {
    return (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
  } catch (err) {
    if ((err as { name?: string }).name === "NoSuchBucketPolicy") return undefined;
    throw err;
  }
}

const ingestion: Handler = async ({ clients, targets }, mode) => {
  const out: ActionResult[] = [];
  for (const stream of targets.streams) {
    const arn = (await clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary?.StreamARN;
    const current = await streamPolicy(clients.kinesis, arn!);
    const statement = { Sid: BRAKE_SID, Effect: "Deny", Principal: { AWS: "*" }, Action: ["kinesis:PutRecord", "kinesis:PutRecords"], Resource: arn };
    let changed = false;
    if (mode === "apply") {
      const r = withStatement(current, statement);
      if (r.changed) await clients.kinesis.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: JSON.stringify(r.document) }));
      changed = r.changed;
    } else if (mode === "release") {
      const r = withoutStatement(current, BRAKE_SID);
      if (r.changed && r.document) await clients.kinesis.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: JSON.stringify(r.document) }));
      else if (r.changed) await clients.kinesis.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }));
      changed = r.changed;
    }
    out.push(result("stop-ingestion", stream, mode === "status" ? hasStatement(current, BRAKE_SID) : mode === "apply", changed));
    // Consumers stop too, so nothing already in the stream keeps costing downstream.
    const mappings = (await clients.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: arn }))).EventSourceMappings ?? [];
    for (const m of mappings) {
      const braked = m.State === "Disabled" || m.State === "Disabling";
      const want = mode === "apply" ? false : mode === "release" ? true : undefined;
      const change = want !== undefined && want === braked;
      if (change) await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, Enabled: want }));
      out.push(result("stop-ingestion", `${stream} event source mapping ${m.UUID}`, mode === "status" ? braked : mode === "apply", change));
    }
  }
  return out;
};

async function streamPolicy(kinesis: KinesisClient, arn: string): Promise<string | undefined> {
  try {
    const p = (await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy;
    return p && p !== "{}" ? p : undefined;
  } catch (err) {
    if ((err as { name?: string }).name === "ResourceNotFoundException") return undefined;
    throw err;
  }
}

export const ACTIONS: Readonly<Record<BrakeActionName, Handler>> = {
  "disable-athena-workgroups": athena,
  "pause-glue": glue,
  "redshift-deactivate": redshift,
  "pause-quicksight-refresh": quicksight,
  "deny-landing-uploads": landing,
  "stop-ingestion": ingestion,
};

/** Runs the actions in `mode`; an action that fails is reported and the others still run. */
export async function runActions(ctx: ActionContext, actions: readonly BrakeActionName[], mode: Mode): Promise<{ results: ActionResult[]; failures: { action: BrakeActionName; error: string }[] }> {
  const results: ActionResult[] = [];
  const failures: { action: BrakeActionName; error: string }[] = [];
  for (const a of actions) {
    try {
      results.push(...(await ACTIONS[a](ctx, mode)));
    } catch (err) {
      failures.push({ action: a, error: `${(err as Error).name}: ${(err as Error).message}` });
    }
  }
  return { results, failures };
}
