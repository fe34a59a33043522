/**
 * Spend brake (SNS: budget notifications and the fast Athena alarms): applies
 * the stack's staged actions, each idempotent, logged and reported on the
 * alert topic. `platform brake status|release` reads and reverses them.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { BudgetsClient } from "@aws-sdk/client-budgets";
import { GlueClient } from "@aws-sdk/client-glue";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { QuickSightClient } from "@aws-sdk/client-quicksight";
import { RedshiftServerlessClient } from "@aws-sdk/client-redshift-serverless";
import { S3Client } from "@aws-sdk/client-s3";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SNSClient } from "@aws-sdk/client-sns";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SNSEvent } from "aws-lambda";
import { z } from "zod";
import { readEnv, requiredString } from "../shared";
import { BrakeClients } from "./actions";
import { BrakeRun, runBrake, signalOf } from "./brake";
import { PlanSchema, TargetsSchema, parseJsonVariable } from "./plan";

const EnvSchema = z.object({
  SPEND_BRAKE_PLAN: requiredString(),
  SPEND_BRAKE_TARGETS: requiredString(),
  ALERT_TOPIC_ARN: requiredString(),
  BUDGET_NAME: requiredString(),
  ACCOUNT_ID: requiredString(),
});

const env = readEnv(EnvSchema, process.env);
const plan = parseJsonVariable("SPEND_BRAKE_PLAN", env.SPEND_BRAKE_PLAN, PlanSchema);
const targets = parseJsonVariable("SPEND_BRAKE_TARGETS", env.SPEND_BRAKE_TARGETS, TargetsSchema);
const logger = new Logger();

/** The brake's clients (the CLI builds the same set with the operator's credentials). */
export function brakeClients(): BrakeClients {
  return { athena: new AthenaClient({}), glue: new GlueClient({}), kinesis: new KinesisClient({}), lambda: new LambdaClient({}), quicksight: new QuickSightClient({}), redshift: new RedshiftServerlessClient({}), s3: new S3Client({}), scheduler: new SchedulerClient({}) };
}

const deps = {
  ctx: { clients: brakeClients(), targets, accountId: env.ACCOUNT_ID },
  plan,
  budgets: new BudgetsClient({ region: "us-east-1" }),
  sns: new SNSClient({}),
  budgetName: env.BUDGET_NAME,
  alertTopicArn: env.ALERT_TOPIC_ARN,
  log: (message: string, fields: Record<string, unknown>) => logger.info(message, fields),
};

export const handler = async (event: SNSEvent, context: Context): Promise<BrakeRun[]> => {
  logger.addContext(context);
  const runs: BrakeRun[] = [];
  for (const record of event.Records ?? []) runs.push(await runBrake(signalOf(record.Sns.Message), deps));
  return runs;
};
