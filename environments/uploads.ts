/**
 * `platform:uploads`: the bounds of the upload gate in front of each landing
 * zone (P1 raw, P3 RAW). The gate grants at most `maxFilesPerDay` presigned
 * URLs a UTC day, each for one object of at most `maxFileMb`, valid
 * `urlExpirySeconds`. Absent values derive from the workload: twice the
 * expected files a day and twice the average file size, so a normal day never
 * hits the bound and a runaway producer does. Pure.
 */
import { z } from "zod";
import { S3_MAX_SINGLE_PUT_BYTES, S3_PRESIGNED_URL_MAX_SECONDS } from "../model/awsLimits";

const MB = 1024 * 1024;
const MAX_FILE_MB = S3_MAX_SINGLE_PUT_BYTES / MB;

const intBetween = (min: number, max: number, why = "") =>
  z
    .number({ error: `must be an integer from ${min} to ${max}${why}` })
    .int({ error: `must be an integer from ${min} to ${max}${why}` })
    .min(min, { error: `must be an integer from ${min} to ${max}${why}` })
    .max(max, { error: `must be an integer from ${min} to ${max}${why}` });

export const UploadsSchema = z.strictObject({
  /** Presigned URLs the gate grants a UTC day (its DynamoDB counter refuses the next one). */
  maxFilesPerDay: intBetween(1, 1_000_000).optional(),
  /** Largest file a producer may declare, in MiB; at most S3's single-PUT maximum of 5 GB. */
  maxFileMb: intBetween(1, MAX_FILE_MB, " (S3's 5 GB single-PUT maximum)").optional(),
  /**
   * How long a granted URL stays valid, in seconds (default 60: S3 checks expiry when a request
   * starts, so a long upload that started in time completes). It is the largest term of a gated
   * zone's ceiling: S3 bills the 4XX responses to a granted URL retried until it expires.
   */
  urlExpirySeconds: intBetween(60, Math.min(3600, S3_PRESIGNED_URL_MAX_SECONDS)).optional(),
});

export interface UploadLimits {
  readonly maxFilesPerDay: number;
  readonly maxFileMb: number;
  readonly urlExpirySeconds: number;
}

/** The stack's upload limits: what the file says, else the workload's files and sizes with headroom. */
export function resolveUploadLimits(given: z.output<typeof UploadsSchema> | undefined, workload: { batchFilesPerDay: number; batchFileMb: number }): UploadLimits {
  return {
    maxFilesPerDay: given?.maxFilesPerDay ?? Math.max(1, Math.ceil(2 * workload.batchFilesPerDay)),
    maxFileMb: given?.maxFileMb ?? Math.min(MAX_FILE_MB, Math.max(1, Math.ceil(2 * workload.batchFileMb))),
    urlExpirySeconds: given?.urlExpirySeconds ?? 60,
  };
}
