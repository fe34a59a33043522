/**
 * Analyse: Athena on the history with enforced limits (engine v3, a
 * bytes-scanned cutoff per query, encrypted results), the saved report
 * queries, and the scheduled report that runs them, writes the report to S3
 * and publishes a summary.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { analyticsWorkgroup, namedQueries } from "../shared/athena";
import { assumeRolePolicy, policyDocument } from "../shared/iam";
import { PlatformFunction } from "../shared/PlatformFunction";
import { pipelineBucket, retentionLifecycle, SecureBucket } from "../shared/SecureBucket";
import { RealtimeContext } from "./context";
import { HistoryStage } from "./history";
import { REPORT_QUERIES, renderQuery } from "./queries";

export interface ReportsStage {
  readonly resultsBucket: SecureBucket;
  readonly workgroup: aws.athena.Workgroup;
  readonly namedQueries: aws.athena.NamedQuery[];
  readonly report: PlatformFunction;
}

export function buildReports(ctx: RealtimeContext, history: HistoryStage): ReportsStage {
  const { name, args, settings: s, opts } = ctx;
  // Query results expire; reports live here too: versioned like every bucket where protection asks for it.
  const resultsBucket = pipelineBucket(`${name}-athena-results`, args, [
    retentionLifecycle("athena-results", s.athenaResultsRetentionDays, "athena/"),
    retentionLifecycle("reports", s.reportRetentionDays, "reports/"),
  ], opts, { forceDestroy: true });
  const workgroup = analyticsWorkgroup(`${name}-analytics`, {
    description: "Retail reports; each query is cancelled past the bytes-scanned cutoff",
    forceDestroy: !args.protection.deletionProtection,
    bytesScannedCutoffPerQuery: s.bytesScannedCutoffPerQuery,
    outputLocation: pulumi.interpolate`s3://${resultsBucket.bucketName}/athena/`,
    kmsKeyArn: args.kmsKeyArn,
  }, opts);
  const queries = namedQueries(name, REPORT_QUERIES, { workgroup: workgroup.name, database: history.database.name, table: history.historyTable.name }, renderQuery, opts);
  const report = reportFunction(ctx, history, { resultsBucket, workgroup, namedQueries: queries });
  reportSchedule(ctx, report);
  return { resultsBucket, workgroup, namedQueries: queries, report };
}

function reportFunction({ name, args, settings: s, opts }: RealtimeContext, history: HistoryStage, athena: Omit<ReportsStage, "report">): PlatformFunction {
  const { catalog, database, table } = history.catalogArns;
  const { resultsBucket: results, workgroup } = athena;
  const historyBucket = history.historyBucket;
  const reportTopic = new aws.sns.Topic(`${name}-reports`, { kmsMasterKeyId: args.kmsKeyArn, displayName: "Retail sales reports" }, opts);
  return new PlatformFunction(`${name}-report`, {
    code: "scheduled-report",
    description: "Runs the Athena report queries, writes the report to S3 and publishes a summary",
    memoryMb: 256,
    timeoutSeconds: 600,
    reservedConcurrency: s.reportConcurrency,
    logRetentionDays: args.operations.logRetentionDays,
    kmsKeyArn: args.kmsKeyArn,
    environment: {
      ATHENA_WORKGROUP: workgroup.name,
      GLUE_DATABASE: history.database.name,
      NAMED_QUERY_IDS: pulumi.all(athena.namedQueries.map((q) => q.id)).apply((ids) => ids.join(",")),
      REPORT_BUCKET: results.bucketName,
      REPORT_PREFIX: "reports/",
      SUMMARY_TOPIC_ARN: reportTopic.arn,
      POWERTOOLS_SERVICE_NAME: `${name}-report`,
    },
    statements: [
      {
        sid: "RunReports",
        actions: ["athena:BatchGetNamedQuery", "athena:GetNamedQuery", "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
        resources: [workgroup.arn],
      },
      { sid: "ReadCatalog", actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"], resources: [catalog, database, table] },
      { sid: "ListBuckets", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [historyBucket.arn, results.arn] },
      { sid: "ReadHistory", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${historyBucket.arn}/history/*`] },
      { sid: "WriteResults", actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], resources: [pulumi.interpolate`${results.arn}/*`] },
      { sid: "PublishSummary", actions: ["sns:Publish"], resources: [reportTopic.arn] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
    ],
  }, opts);
}

/** EventBridge Scheduler runs the report on its schedule (UTC) with a role that may only invoke it. */
function reportSchedule({ name, settings: s, opts }: RealtimeContext, report: PlatformFunction): void {
  const schedulerRole = new aws.iam.Role(`${name}-report-scheduler-role`, {
    description: "EventBridge Scheduler: invoke the report function",
    assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com"),
  }, opts);
  new aws.iam.RolePolicy(`${name}-report-scheduler-policy`, {
    role: schedulerRole.id,
    policy: policyDocument([{ sid: "InvokeReport", actions: ["lambda:InvokeFunction"], resources: [report.arn] }]),
  }, opts);
  new aws.scheduler.Schedule(`${name}-report-schedule`, {
    description: "Daily retail sales report",
    scheduleExpression: s.reportSchedule,
    scheduleExpressionTimezone: "UTC",
    flexibleTimeWindow: { mode: "OFF" },
    target: { arn: report.arn, roleArn: schedulerRole.arn, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } },
  }, opts);
}
