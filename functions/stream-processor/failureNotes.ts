/**
 * Failure notes: when some aggregate writes of an invocation fail, the
 * processor records, for every item the invocation touched, the item's
 * high-water mark for the shard as it last saw it. A batch Lambda later
 * gives up on (on-failure queue) was applied to an item exactly up to that
 * mark, so `platform failed-batches replay` applies the rest and nothing
 * twice (docs/functions.md, "Exactly once through replays").
 *
 * One small JSON object per failed invocation and shard, in the quarantine
 * bucket (S3 is independent of the DynamoDB failure being recorded):
 *
 *   failed-deliveries/<shardId>/<firstSeq>-<lastSeq>/<epoch ms>-<random>.json
 */
import { randomUUID } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";

export const FAILURE_NOTES_PREFIX = "failed-deliveries/";

export const FailureNoteSchema = z.strictObject({
  shardId: z.string().min(1),
  /** The invocation's first and last sequence numbers (decimal). */
  firstSequenceNumber: z.string().regex(/^\d+$/),
  lastSequenceNumber: z.string().regex(/^\d+$/),
  writtenAt: z.string(),
  /** Items the invocation touched: the mark (a sequence key) known after it, or null when never known. */
  items: z.array(z.strictObject({ pk: z.string(), sk: z.string(), appliedThrough: z.string().nullable() })),
});

export type FailureNote = z.infer<typeof FailureNoteSchema>;

export function failureNoteKey(note: Pick<FailureNote, "shardId" | "firstSequenceNumber" | "lastSequenceNumber">, nowMs: number): string {
  // Every attempt keeps its own note: a later attempt may know less about an item than an earlier one.
  return `${FAILURE_NOTES_PREFIX}${note.shardId}/${note.firstSequenceNumber}-${note.lastSequenceNumber}/${nowMs}-${randomUUID().slice(0, 8)}.json`;
}

/** Best effort: a note that cannot be written is logged by the caller; the records are retried either way. */
export async function putFailureNote(s3: Pick<S3Client, "send">, bucket: string, note: FailureNote, nowMs: number): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: failureNoteKey(note, nowMs), Body: JSON.stringify(note), ContentType: "application/json" }));
}
