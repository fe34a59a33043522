/**
 * The Pulumi program as a function of one environment: the AWS provider with
 * the platform's default tags (so tags are set once, never per resource), the
 * shared core, the budget guardrail, and the pipelines the stack selects.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../environments";
import { BrakeGuardrail } from "../components/BrakeGuardrail";
import { BudgetGuardrail } from "../components/BudgetGuardrail";
import { PlatformCore, PlatformCoreArgs } from "../components/PlatformCore";
import { PIPELINES } from "../components/registry";
import { breachActionFor } from "../components/shared/ServerlessWarehouse";
import { platformTags } from "../components/shared/tags";

export type PlatformOutputs = Record<string, pulumi.Output<unknown>>;

/** The shared core's settings from the stack file: who gets alarms, the key's deletion window, the access-log bucket. */
export function platformCoreArgs(env: Environment): PlatformCoreArgs {
  return {
    alarmEmails: env.operations.alarmEmails,
    keyDeletionWindowDays: env.protection.deletionProtection ? 30 : 7,
    accessLogs: { retentionDays: env.operations.logRetentionDays, versioning: env.protection.bucketVersioning, forceDestroy: env.protection.forceDestroyBuckets },
  };
}

export function deployPlatform(env: Environment): PlatformOutputs {
  const provider = new aws.Provider("aws", {
    region: env.awsRegion as aws.Region,
    defaultTags: { tags: platformTags(env) },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };

  const core = new PlatformCore("core", platformCoreArgs(env), opts);

  const budget = new BudgetGuardrail("budget", {
    monthlyUsd: env.budget.monthlyUsd,
    alertEmails: env.budget.alertEmails,
    alertTopicArn: core.alertTopicArn,
    alertTopicPolicy: core.alertTopicPolicy,
    costAllocationTag: { key: "environment", value: env.stack },
    anomalyThresholdUsd: env.budget.anomalyThresholdUsd,
  }, opts);

  const outputs: PlatformOutputs = { budgetName: budget.budgetName, alertTopicArn: core.alertTopicArn };
  for (const kind of env.pipelines) {
    const created = PIPELINES[kind].create(env, core, opts);
    for (const [key, value] of Object.entries(created)) outputs[`${kind}.${key}`] = value;
  }

  const brake = new BrakeGuardrail("brake", {
    monthlyUsd: env.budget.monthlyUsd,
    brake: env.brake,
    costAllocationTag: { key: "environment", value: env.stack },
    costAllocationTagActivation: budget.costAllocationTag,
    alertTopicArn: core.alertTopicArn,
    kmsKeyArn: core.keyArn,
    logRetentionDays: env.operations.logRetentionDays,
    targets: brakeTargets(env, outputs),
  }, opts);
  outputs.brakeFunction = brake.functionName;
  return outputs;
}

/** The pipelines' outputs each configured brake action acts on. */
function brakeTargets(env: Environment, outputs: PlatformOutputs) {
  const takes = (action: string) => env.brake.stages.some((s) => (s.actions as readonly string[]).includes(action));
  const pick = (action: string, suffix: string) => (takes(action) ? Object.entries(outputs).filter(([k]) => k.endsWith(`.${suffix}`)).map(([, v]) => v as pulumi.Output<string>) : []);
  return {
    athenaWorkgroups: pick("disable-athena-workgroups", "athenaWorkgroup"),
    streams: pick("stop-ingestion", "streamName"),
    landingBuckets: pick("deny-landing-uploads", "rawBucket"),
    redshiftWorkgroups: pick("redshift-deactivate", "redshiftWorkgroup"),
    stateMachineArns: pick("pause-glue", "stateMachineArn"),
    redshiftBreachAction: breachActionFor(env.protection),
  };
}
