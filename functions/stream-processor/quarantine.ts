/**
 * Rejected records go to S3, one object per record at a deterministic key
 * (a redelivery overwrites it): <prefix>dt=<arrival date>/<rule>/<shardId>/<sequenceNumber>.json
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { dateOf, RejectionRule, redactPayload } from "../shared";

export interface QuarantineEntry {
  readonly rule: RejectionRule;
  readonly message: string;
  readonly data: Uint8Array;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly arrivalMs: number;
}

/** The object written for a rejected record (also what a replay tool reads). */
export interface QuarantineDocument {
  readonly rule: RejectionRule;
  readonly message: string;
  /** The payload, base64; any e-mail address replaced by its keyed hash. */
  readonly payloadBase64: string;
  readonly source: { readonly shardId: string; readonly sequenceNumber: string; readonly partitionKey: string; readonly arrivalTime: string };
}

export function quarantineKey(prefix: string, e: Pick<QuarantineEntry, "rule" | "shardId" | "sequenceNumber" | "arrivalMs">): string {
  return `${prefix}dt=${dateOf(e.arrivalMs)}/${e.rule}/${e.shardId}/${e.sequenceNumber}.json`;
}

export function quarantineDocument(e: QuarantineEntry, hashKey: string): QuarantineDocument {
  return {
    rule: e.rule,
    message: e.message,
    payloadBase64: redactPayload(e.data, hashKey).toString("base64"),
    source: { shardId: e.shardId, sequenceNumber: e.sequenceNumber, partitionKey: e.partitionKey, arrivalTime: new Date(e.arrivalMs).toISOString() },
  };
}

export async function putQuarantine(s3: Pick<S3Client, "send">, bucket: string, prefix: string, e: QuarantineEntry, hashKey: string): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: quarantineKey(prefix, e),
      Body: JSON.stringify(quarantineDocument(e, hashKey)),
      ContentType: "application/json",
    }),
  );
}
