/**
 * File check for the batch ETL pipeline (P3), triggered by S3 events: checks
 * each new file and moves bad ones under the quarantine prefix with the reason.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, S3Event } from "aws-lambda";
import { z } from "zod";
import { numberFromText, readEnv } from "../shared";
import { checkFile, decodeS3Key, FileCheckSettings, quarantineFile } from "./check";

const EnvSchema = z.object({
  MAX_FILE_BYTES: numberFromText({ int: true, min: 1 }),
  QUARANTINE_PREFIX: z.string().min(1).default("quarantine/"),
  EXPECTED_HEADER: z.string().optional(),
});

const env = readEnv(EnvSchema, process.env);
const settings: FileCheckSettings = {
  maxFileBytes: env.MAX_FILE_BYTES,
  quarantinePrefix: env.QUARANTINE_PREFIX,
  expectedHeader: env.EXPECTED_HEADER ? env.EXPECTED_HEADER.split(",").map((c) => c.trim()) : undefined,
};
const logger = new Logger();
const s3 = new S3Client({});

export interface FileCheckResult {
  readonly key: string;
  readonly ok: boolean;
  readonly reason?: string;
  readonly quarantinedAs?: string;
}

export const handler = async (event: S3Event, context: Context): Promise<FileCheckResult[]> => {
  logger.addContext(context);
  const results: FileCheckResult[] = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeS3Key(record.s3.object.key);
    if (key.startsWith(settings.quarantinePrefix)) continue;
    const verdict = await checkFile(s3, bucket, key, settings);
    if (verdict.ok) {
      results.push({ key, ok: true });
      continue;
    }
    const target = await quarantineFile(s3, bucket, key, verdict, settings.quarantinePrefix);
    logger.warn("file quarantined", { bucket, key, reason: verdict.reason, message: verdict.message, target });
    results.push({ key, ok: false, reason: verdict.reason, quarantinedAs: target });
  }
  return results;
};
