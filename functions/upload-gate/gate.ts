/**
 * The gate's decision for one request, I/O passed in: refuse a bad or oversized
 * request before spending a slot, take the day's slot (the hard bound), then
 * sign one URL for a fresh key.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { landingKey, presignUpload, UploadUrl } from "./presign";
import { GateEnv, parseUploadRequest } from "./request";
import { dateOf } from "../shared";
import { takeDailySlot } from "./slot";

export interface GateResponse {
  readonly statusCode: number;
  readonly body: { readonly message: string } | (UploadUrl & { readonly slot: number; readonly maxFilesPerDay: number });
}

export async function answerUploadRequest(io: { ddb: DynamoDBClient; s3: S3Client; nowMs: number }, env: GateEnv, body: string | null | undefined): Promise<GateResponse> {
  const parsed = parseUploadRequest(body);
  if (!parsed.ok) return { statusCode: 400, body: { message: parsed.message } };
  const { fileName, sizeBytes } = parsed.request;
  if (sizeBytes > env.MAX_FILE_BYTES) return { statusCode: 413, body: { message: `sizeBytes ${sizeBytes} is above this stack's maximum file size of ${env.MAX_FILE_BYTES} bytes` } };
  const day = dateOf(io.nowMs);
  const slot = await takeDailySlot(io.ddb, env.SLOTS_TABLE, day, env.MAX_FILES_PER_DAY);
  if (slot === undefined) return { statusCode: 429, body: { message: `all ${env.MAX_FILES_PER_DAY} upload slots of ${day} (UTC) are taken; try again tomorrow` } };
  const url = await presignUpload(io.s3, { bucket: env.LANDING_BUCKET, key: landingKey(env.LANDING_PREFIX, day, fileName), sizeBytes, expiresInSeconds: env.URL_EXPIRY_SECONDS, nowMs: io.nowMs });
  return { statusCode: 200, body: { ...url, slot, maxFilesPerDay: env.MAX_FILES_PER_DAY } };
}
