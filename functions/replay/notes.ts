/** Reading the processor's failure notes back (see functions/stream-processor/failureNotes.ts). */
import { S3Client } from "@aws-sdk/client-s3";
import { compareSeq } from "../stream-processor/processor";
import { FAILURE_NOTES_PREFIX, FailureNote, FailureNoteSchema } from "../stream-processor/failureNotes";
import { readObjects } from "./objects";
import { ReplayInputError } from "./types";

export async function readFailureNotes(s3: Pick<S3Client, "send">, bucket: string, shardId: string): Promise<FailureNote[]> {
  return (await readObjects(s3, bucket, `${FAILURE_NOTES_PREFIX}${shardId}/`)).map(({ key, body }) => {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new ReplayInputError(`failure note ${key}: is not JSON`);
    }
    const parsed = FailureNoteSchema.safeParse(json);
    if (!parsed.success) throw new ReplayInputError(`failure note ${key}: ${parsed.error.issues[0].path.join(".")} ${parsed.error.issues[0].message}`);
    return parsed.data;
  });
}

/**
 * Pure: per item ("pk|sk"), the highest mark any attempt at the range [from, to]
 * saw. Only notes overlapping the range count: they were written before Lambda
 * gave up on it, while no later record of the shard had moved the marks.
 */
export function appliedThroughByItem(notes: readonly FailureNote[], from: string, to: string): Map<string, string> {
  const marks = new Map<string, string>();
  for (const n of notes) {
    if (compareSeq(n.lastSequenceNumber, from) < 0 || compareSeq(n.firstSequenceNumber, to) > 0) continue;
    for (const item of n.items) {
      if (item.appliedThrough === null) continue;
      const key = `${item.pk}|${item.sk}`;
      const known = marks.get(key);
      if (known === undefined || item.appliedThrough > known) marks.set(key, item.appliedThrough);
    }
  }
  return marks;
}
