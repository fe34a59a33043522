/**
 * Orchestrate: the state machine that runs the steps in order and loads the
 * warehouse, failure alerts from its executions, and the nightly schedule.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, policyDocument } from "../shared/iam";
import { BatchEtlContext, BatchZones } from "./context";
import { BatchJobs } from "./jobs";
import { loadStatements } from "./sql";
import { batchEtlDefinition } from "./stateMachine";
import { BatchStoreStage } from "./store";

export interface OrchestrationStage {
  readonly stateMachine: aws.sfn.StateMachine;
  readonly schedule: aws.scheduler.Schedule;
}

export function buildOrchestration(ctx: BatchEtlContext, zones: BatchZones, jobs: BatchJobs, store: BatchStoreStage): OrchestrationStage {
  const stateMachine = stateMachineOf(ctx, zones, jobs, store);
  return { stateMachine, schedule: nightlySchedule(ctx, stateMachine) };
}

function stateMachineOf({ name, args, settings: s, opts, accountId }: BatchEtlContext, zones: BatchZones, jobs: BatchJobs, store: BatchStoreStage): aws.sfn.StateMachine {
  const jobList = [jobs.transform, jobs.quality, jobs.enrich];
  // No CloudWatch Logs delivery for the state machine: its execution history (kept 90 days
  // by Step Functions, free) records every step, failures reach SNS, and log delivery would
  // need logs:*LogDelivery on "*", which the policy pack refuses for write actions.
  const sfnRole = new aws.iam.Role(`${name}-orchestration-role`, {
    description: "Step Functions: run the batch ETL jobs, load Redshift, notify failures",
    assumeRolePolicy: assumeRolePolicy("states.amazonaws.com", accountId),
  }, opts);
  const sfnPolicy = new aws.iam.RolePolicy(`${name}-orchestration-policy`, {
    role: sfnRole.id,
    policy: policyDocument([
      { sid: "ListRaw", actions: ["s3:ListBucket"], resources: [zones.raw.arn], condition: { StringLike: { "s3:prefix": ["incoming/*"] } } },
      { sid: "RunJobs", actions: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"], resources: jobList.map((j) => j.arn) },
      { sid: "LoadWarehouse", actions: ["redshift-data:BatchExecuteStatement", "redshift-data:ExecuteStatement"], resources: [store.warehouse.workgroupArn] },
      // The Data API scopes statement reads by owner, not by ARN. The owner is `<role id>:<session>`, and
      // Step Functions may poll from another session than the one that ran the statement: match the role.
      { sid: "FollowOwnStatements", actions: ["redshift-data:DescribeStatement"], resources: ["*"], condition: { StringLike: { "redshift-data:statement-owner-iam-userid": pulumi.interpolate`${sfnRole.uniqueId}:*` } } },
      { sid: "ReadWarehouseSecret", actions: ["secretsmanager:GetSecretValue"], resources: [store.warehouse.adminSecretArn] },
      { sid: "NotifyFailures", actions: ["sns:Publish"], resources: [args.alertTopicArn] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
    ]),
  }, opts);

  const definition = pulumi
    .all([
      zones.raw.bucketName,
      jobs.transform.name,
      jobs.quality.name,
      jobs.enrich.name,
      store.warehouse.workgroupName,
      store.warehouse.adminSecretArn,
      zones.enriched.bucketName,
      store.copyRole.arn,
      pulumi.output(args.alertTopicArn),
    ])
    .apply(([rawBucket, transformJob, qualityJob, enrichJob, workgroupName, secretArn, enrichedBucket, copyRoleArn, alertTopicArn]) =>
      JSON.stringify(
        batchEtlDefinition({
          rawBucket,
          rawPrefix: "incoming/",
          transformJob,
          qualityJob,
          enrichJob,
          jobTimeoutMinutes: s.glue.timeoutMinutes,
          workgroupName,
          database: "retail",
          secretArn,
          loadSqls: loadStatements(enrichedBucket, copyRoleArn),
          alertTopicArn,
        }),
      ),
    );

  const stateMachine = new aws.sfn.StateMachine(`${name}-orchestration`, {
    type: "STANDARD",
    roleArn: sfnRole.arn,
    definition,
    encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 },
  }, { ...opts, dependsOn: [sfnPolicy, store.tablesReady] });

  const failures = new aws.cloudwatch.EventRule(`${name}-orchestration-failures`, {
    description: "Batch ETL executions that failed, timed out or were aborted",
    eventPattern: stateMachine.arn.apply((arn) =>
      JSON.stringify({ source: ["aws.states"], "detail-type": ["Step Functions Execution Status Change"], detail: { status: ["FAILED", "TIMED_OUT", "ABORTED"], stateMachineArn: [arn] } }),
    ),
  }, opts);
  new aws.cloudwatch.EventTarget(`${name}-orchestration-failures-topic`, { rule: failures.name, arn: args.alertTopicArn }, opts);
  return stateMachine;
}

function nightlySchedule({ name, args, settings: s, opts, accountId }: BatchEtlContext, stateMachine: aws.sfn.StateMachine): aws.scheduler.Schedule {
  const schedulerRole = new aws.iam.Role(`${name}-schedule-role`, {
    description: "EventBridge Scheduler: start the nightly batch ETL",
    assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com", accountId),
  }, opts);
  new aws.iam.RolePolicy(`${name}-schedule-policy`, {
    role: schedulerRole.id,
    policy: policyDocument([
      { sid: "StartRun", actions: ["states:StartExecution"], resources: [stateMachine.arn] },
      // The schedule and the state machine are encrypted with the platform key.
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
    ]),
  }, opts);
  return new aws.scheduler.Schedule(`${name}-nightly`, {
    description: "Nightly batch ETL run",
    scheduleExpression: s.schedule,
    scheduleExpressionTimezone: "UTC",
    state: s.scheduleState,
    flexibleTimeWindow: { mode: "FLEXIBLE", maximumWindowInMinutes: 15 },
    kmsKeyArn: args.kmsKeyArn,
    target: { arn: stateMachine.arn, roleArn: schedulerRole.arn, retryPolicy: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 } },
  }, opts);
}
