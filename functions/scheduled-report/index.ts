/**
 * Scheduled report (EventBridge Scheduler): runs the Athena named queries,
 * writes the report to S3 and publishes a short summary to SNS.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { z } from "zod";
import { commaList, readEnv, requiredString } from "../shared";
import { runReport } from "./report";

const EnvSchema = z.object({
  ATHENA_WORKGROUP: requiredString(),
  GLUE_DATABASE: requiredString(),
  NAMED_QUERY_IDS: commaList(),
  REPORT_BUCKET: requiredString(),
  REPORT_PREFIX: z.string().default("reports/"),
  SUMMARY_TOPIC_ARN: requiredString(),
});

const env = readEnv(EnvSchema, process.env);
const logger = new Logger();
const io = { athena: new AthenaClient({}), s3: new S3Client({}), sns: new SNSClient({}) };

/** The scheduler's payload is free-form; a `time` field (ISO) names the report, else now. */
export const handler = async (event: { time?: string } | undefined, context: Context): Promise<{ key: string; queries: { name: string; state: string; rows: number }[] }> => {
  logger.addContext(context);
  const at = event?.time && !Number.isNaN(Date.parse(event.time)) ? new Date(event.time) : new Date();
  const { report, key } = await runReport(
    io,
    {
      workgroup: env.ATHENA_WORKGROUP,
      database: env.GLUE_DATABASE,
      namedQueryIds: env.NAMED_QUERY_IDS,
      bucket: env.REPORT_BUCKET,
      prefix: env.REPORT_PREFIX,
      topicArn: env.SUMMARY_TOPIC_ARN,
      timeoutMs: Math.max(10_000, context.getRemainingTimeInMillis() - 15_000),
    },
    at,
  );
  const queries = report.queries.map((q) => ({ name: q.name, state: q.state, rows: q.rows.length }));
  logger.info("report written", { key, queries });
  return { key, queries };
};
