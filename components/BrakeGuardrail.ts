/**
 * The spend brake every stack carries: an AWS Budget whose notifications (at
 * the stages the stack file sets, actual and forecasted) and the Athena
 * workgroups' ProcessedBytes alarms (the fast Athena brake) publish to a
 * signals topic; the brake function (functions/spend-brake) then applies the
 * environment's staged actions, logs them and reports them on the alert topic.
 * `platform brake status|release --stack <name>` reads and reverses them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BRAKE_PLAN_VARIABLE } from "../cost/enforcement/types";
import { BrakeConfig } from "../environments";
import { PlatformFunction } from "./shared/PlatformFunction";
import { Statement } from "./shared/iam";

/** What the brake acts on, by name (resolved when the function runs). */
export interface BrakeTargetsArgs {
  readonly athenaWorkgroups: readonly pulumi.Input<string>[];
  readonly streams: readonly pulumi.Input<string>[];
  readonly landingBuckets: readonly pulumi.Input<string>[];
  readonly redshiftWorkgroups: readonly pulumi.Input<string>[];
  /** State machines whose Scheduler schedules pause-glue disables. */
  readonly stateMachineArns: readonly pulumi.Input<string>[];
  /** The Redshift usage limits' breach action as deployed, which release restores. */
  readonly redshiftBreachAction: string;
}

export interface BrakeGuardrailArgs {
  readonly monthlyUsd: number;
  readonly brake: BrakeConfig;
  readonly costAllocationTag: { readonly key: string; readonly value: string };
  /** The tag's activation (BudgetGuardrail): a budget filtered on an inactive tag sees no spend. */
  readonly costAllocationTagActivation?: pulumi.Resource;
  readonly alertTopicArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly targets: BrakeTargetsArgs;
}

/** The brake function's name: `platform brake` finds it by this name. */
export function brakeFunctionName(project: string, stack: string): string {
  return `${project}-${stack}-spend-brake`.slice(0, 64);
}

/** Bytes a 5-minute ProcessedBytes sum may reach before the fast Athena brake fires. */
export function athenaAlarmThresholdBytes(brake: BrakeConfig): number {
  return Math.round(brake.athenaMaxScannedGbPer5Minutes * 1024 ** 3);
}

export function validateBrakeArgs(args: BrakeGuardrailArgs): void {
  if (!(args.monthlyUsd > 0)) throw new Error(`BrakeGuardrail: monthlyUsd must be a positive number (got ${args.monthlyUsd})`);
  if (args.brake.stages.length === 0) throw new Error("BrakeGuardrail: brake.stages must list at least one stage");
}

export class BrakeGuardrail extends pulumi.ComponentResource {
  public readonly signalsTopic: aws.sns.Topic;
  public readonly budget: aws.budgets.Budget;
  public readonly function: PlatformFunction;
  public readonly functionName: pulumi.Output<string>;

  public constructor(name: string, args: BrakeGuardrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:guardrails:BrakeGuardrail", name, {}, opts);
    validateBrakeArgs(args);
    const parent = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, parent);
    const region = aws.getRegionOutput({}, parent);

    this.signalsTopic = new aws.sns.Topic(`${name}-signals`, { kmsMasterKeyId: args.kmsKeyArn, displayName: `Spend brake ${pulumi.getStack()}` }, parent);
    const signalsPolicy = new aws.sns.TopicPolicy(`${name}-signals-policy`, {
      arn: this.signalsTopic.arn,
      policy: pulumi.all([this.signalsTopic.arn, identity.accountId]).apply(([arn, account]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "BudgetsAndAlarmsSignal", Effect: "Allow", Principal: { Service: ["budgets.amazonaws.com", "cloudwatch.amazonaws.com"] }, Action: "sns:Publish", Resource: arn, Condition: { StringEquals: { "aws:SourceAccount": account } } },
            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
          ],
        }),
      ),
    }, parent);

    this.budget = new aws.budgets.Budget(`${name}-budget`, {
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: args.monthlyUsd.toFixed(2),
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: [`user:${args.costAllocationTag.key}$${args.costAllocationTag.value}`] }],
      notifications: args.brake.stages.map((s) => ({
        comparisonOperator: "GREATER_THAN",
        notificationType: s.notification === "actual" ? "ACTUAL" : "FORECASTED",
        threshold: s.percent,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [this.signalsTopic.arn],
      })),
      // Budgets checks at creation that it may publish to the topic, and filters on an active tag.
    }, { parent: this, dependsOn: [signalsPolicy, ...(args.costAllocationTagActivation ? [args.costAllocationTagActivation] : [])] });

    const arn = (service: string, resource: pulumi.Input<string>) => pulumi.interpolate`arn:aws:${service}:${region.region}:${identity.accountId}:${resource}`;
    const t = args.targets;
    const statements = brakeStatements(args, arn, pulumi.interpolate`arn:aws:budgets::${identity.accountId}:budget/${this.budget.name}`, identity.accountId);
    const plan = {
      stages: args.brake.stages,
      athenaMaxScannedGbPer5Minutes: args.brake.athenaMaxScannedGbPer5Minutes,
      allowStopIngestion: args.brake.allowStopIngestion,
      ...(args.brake.ingestionMaxRecordsPerSecond !== undefined ? { ingestionMaxRecordsPerSecond: args.brake.ingestionMaxRecordsPerSecond } : {}),
    };
    const targets = pulumi.all([pulumi.all([...t.athenaWorkgroups]), pulumi.all([...t.streams]), pulumi.all([...t.landingBuckets]), pulumi.all([...t.redshiftWorkgroups]), pulumi.all([...t.stateMachineArns])]).apply(([athenaWorkgroups, streams, landingBuckets, redshiftWorkgroups, stateMachineArns]) =>
      JSON.stringify({ athenaWorkgroups, streams, landingBuckets, redshiftWorkgroups, stateMachineArns, redshiftBreachAction: t.redshiftBreachAction, quicksightDataSetPrefix: `${pulumi.getProject()}-${pulumi.getStack()}-` }),
    );

    this.function = new PlatformFunction(`${name}-function`, {
      code: "spend-brake",
      functionName: brakeFunctionName(pulumi.getProject(), pulumi.getStack()),
      description: "Spend brake: applies the stack's staged actions when its budget or the fast Athena alarm signals",
      memoryMb: 256,
      timeoutSeconds: 120,
      reservedConcurrency: 1,
      environment: { [BRAKE_PLAN_VARIABLE]: JSON.stringify(plan), SPEND_BRAKE_TARGETS: targets, ALERT_TOPIC_ARN: args.alertTopicArn, BUDGET_NAME: this.budget.name, ACCOUNT_ID: identity.accountId, POWERTOOLS_SERVICE_NAME: "spend-brake" },
      statements,
      logRetentionDays: args.logRetentionDays,
      kmsKeyArn: args.kmsKeyArn,
    }, parent);
    this.functionName = this.function.functionName;

    new aws.lambda.Permission(`${name}-signals-invoke`, { action: "lambda:InvokeFunction", function: this.function.functionName, principal: "sns.amazonaws.com", sourceArn: this.signalsTopic.arn }, parent);
    new aws.sns.TopicSubscription(`${name}-signals-to-function`, { topic: this.signalsTopic.arn, protocol: "lambda", endpoint: this.function.arn }, parent);

    brakeAlarms(name, args, this.function.functionName, this.signalsTopic.arn, parent);

    this.registerOutputs({ functionName: this.functionName, budgetName: this.budget.name });
  }
}

/** The brake function's least-privilege statements: only the actions its plan takes, on its targets. */
function brakeStatements(args: BrakeGuardrailArgs, arn: (service: string, resource: pulumi.Input<string>) => pulumi.Output<string>, budgetArn: pulumi.Input<string>, accountId: pulumi.Input<string>): Statement[] {
  const t = args.targets;
  return [
    { sid: "ReadBudget", actions: ["budgets:ViewBudget"], resources: [budgetArn] },
    { sid: "ReportOnAlertTopic", actions: ["sns:Publish"], resources: [args.alertTopicArn] },
    { sid: "EncryptAlerts", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [args.kmsKeyArn] },
    ...(t.athenaWorkgroups.length ? [{ sid: "BrakeAthena", actions: ["athena:GetWorkGroup", "athena:UpdateWorkGroup", "athena:ListQueryExecutions", "athena:BatchGetQueryExecution", "athena:StopQueryExecution"], resources: t.athenaWorkgroups.map((w) => arn("athena", pulumi.interpolate`workgroup/${w}`)) }] : []),
    ...(t.streams.length
      ? [
          { sid: "BrakeStreams", actions: ["kinesis:GetResourcePolicy", "kinesis:PutResourcePolicy", "kinesis:DeleteResourcePolicy"], resources: t.streams.map((s) => arn("kinesis", pulumi.interpolate`stream/${s}`)) },
          { sid: "BrakeStreamConsumers", actions: ["lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping"], resources: [arn("lambda", "event-source-mapping:*")] },
          // Wildcard-only in the Service Authorization Reference: it matches "*" and nothing narrower.
          { sid: "FindStreamConsumers", actions: ["lambda:ListEventSourceMappings"], resources: ["*"] },
        ]
      : []),
    ...(t.landingBuckets.length ? [{ sid: "BrakeLandingZones", actions: ["s3:GetBucketPolicy", "s3:PutBucketPolicy"], resources: t.landingBuckets.map((b) => pulumi.interpolate`arn:aws:s3:::${b}`) }] : []),
    ...(t.redshiftWorkgroups.length
      ? [
          { sid: "BrakeRedshift", actions: ["redshift-serverless:GetWorkgroup"], resources: [arn("redshift-serverless", "workgroup/*")] },
          // Usage limits have no resource type in the Service Authorization Reference: "*" alone.
          { sid: "BrakeRedshiftUsageLimits", actions: ["redshift-serverless:ListUsageLimits", "redshift-serverless:UpdateUsageLimit"], resources: ["*"] },
        ]
      : []),
    ...(args.brake.stages.some((s) => s.actions.includes("pause-glue"))
      ? [
          { sid: "BrakeGlue", actions: ["glue:GetTrigger", "glue:StopTrigger", "glue:StartTrigger"], resources: [arn("glue", "trigger/*")] },
          // Wildcard-only in the Service Authorization Reference (listing, and the crawler schedule calls): "*" alone.
          { sid: "BrakeGlueWildcardOnly", actions: ["glue:GetTriggers", "glue:GetCrawlers", "glue:StopCrawlerSchedule", "glue:StartCrawlerSchedule"], resources: ["*"] },
          { sid: "BrakeSchedules", actions: ["scheduler:GetSchedule", "scheduler:UpdateSchedule"], resources: [arn("scheduler", "schedule/*")] },
          { sid: "FindSchedules", actions: ["scheduler:ListSchedules"], resources: ["*"] },
          { sid: "PassScheduleRoles", actions: ["iam:PassRole"], resources: [pulumi.interpolate`arn:aws:iam::${accountId}:role/*`], condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } } },
        ]
      : []),
    ...(args.brake.stages.some((s) => s.actions.includes("pause-quicksight-refresh"))
      ? [
          { sid: "BrakeQuickSight", actions: ["quicksight:UpdateRefreshSchedule"], resources: [arn("quicksight", "dataset/*")] },
          // Wildcard-only in the Service Authorization Reference: "*" alone.
          { sid: "FindRefreshSchedules", actions: ["quicksight:ListDataSets", "quicksight:ListRefreshSchedules"], resources: ["*"] },
        ]
      : []),
  ];
}

/** The function's errors alarm, and the fast brakes' alarms (Athena ProcessedBytes, Kinesis IncomingRecords) on the signals topic. */
function brakeAlarms(name: string, args: BrakeGuardrailArgs, functionName: pulumi.Output<string>, signalsArn: pulumi.Output<string>, parent: pulumi.CustomResourceOptions): void {
  // A brake that fails must be heard of: its errors alarm on the alert topic.
  new aws.cloudwatch.MetricAlarm(`${name}-function-errors`, {
    alarmDescription: "Spend brake function errors: an action may not have been applied",
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: functionName },
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [args.alertTopicArn],
  }, parent);

  // The fast Athena brake: workgroups publish ProcessedBytes when a query ends.
  args.targets.athenaWorkgroups.forEach((wg, i) =>
    new aws.cloudwatch.MetricAlarm(`${name}-athena-${i}`, {
      alarmDescription: `Spend brake: Athena workgroup scanned more than ${args.brake.athenaMaxScannedGbPer5Minutes} GB in 5 minutes`,
      namespace: "AWS/Athena",
      metricName: "ProcessedBytes",
      dimensions: { WorkGroup: wg },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: athenaAlarmThresholdBytes(args.brake),
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [signalsArn],
    }, parent),
  );

  // The fast ingestion brake: producers writing past the stack file's records/s for 5 minutes stop ingestion.
  const maxRps = args.brake.ingestionMaxRecordsPerSecond;
  if (maxRps !== undefined) {
    args.targets.streams.forEach((stream, i) =>
      new aws.cloudwatch.MetricAlarm(`${name}-ingestion-${i}`, {
        alarmDescription: `Spend brake: producers wrote more than ${maxRps} records/s over 5 minutes`,
        namespace: "AWS/Kinesis",
        metricName: "IncomingRecords",
        dimensions: { StreamName: stream },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: maxRps * 300,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [signalsArn],
      }, parent),
    );
  }
}
