/**
 * One upload URL: a presigned S3 PUT for a fresh key, signing the declared
 * `Content-Length` and `If-None-Match: *`. S3 rejects a request whose signed
 * headers differ from what was signed (so the body must be exactly the declared
 * size), and with `If-None-Match: *` it refuses to overwrite an existing key
 * (412 Precondition Failed), so one URL makes at most one object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
import { randomUUID } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

export interface UploadUrl {
  readonly url: string;
  readonly key: string;
  readonly method: "PUT";
  /** Headers the producer must send exactly as given (they are signed). */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** A key no producer chose: the landing prefix, the UTC day, a random UUID and the file's safe name. Pure but for the UUID. */
export function landingKey(prefix: string, day: string, fileName: string, uuid: string = randomUUID()): string {
  const safe = fileName.replace(/[^A-Za-z0-9._-]/g, "_").slice(-100);
  return `${prefix}${day}-${uuid}-${safe}`;
}

export async function presignUpload(s3: S3Client, args: { bucket: string; key: string; sizeBytes: number; expiresInSeconds: number; nowMs: number }): Promise<UploadUrl> {
  const command = new PutObjectCommand({ Bucket: args.bucket, Key: args.key, ContentLength: args.sizeBytes, IfNoneMatch: "*" });
  const url = await getSignedUrl(s3, command, {
    expiresIn: args.expiresInSeconds,
    // Both must be signed headers, never hoisted to the query string or left out.
    signableHeaders: new Set(["content-length", "if-none-match", "host"]),
    unhoistableHeaders: new Set(["if-none-match"]),
  });
  return {
    url,
    key: args.key,
    method: "PUT",
    headers: { "Content-Length": String(args.sizeBytes), "If-None-Match": "*" },
    expiresAt: new Date(args.nowMs + args.expiresInSeconds * 1000).toISOString(),
  };
}
