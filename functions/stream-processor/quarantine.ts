/**
 * Rejected records go to S3 as ONE NDJSON object per invocation and shard
 * (one {@link QuarantineDocument} per line, in sequence order), at a key
 * determined only by the rejected records themselves, so an identical
 * redelivery overwrites the same object:
 *
 *   <prefix>dt=<arrival date of the first rejected record>/<shardId>/<firstSeq>-<lastSeq>.ndjson
 *
 * (first and last sequence numbers of the rejected records of the batch). A
 * body larger than {@link MAX_QUARANTINE_OBJECT_BYTES} is split, greedily in
 * sequence order, into `<firstSeq>-<lastSeq>-part<N>.ndjson` (N from 1).
 *
 * A bisected or partial redelivery covers a different set of records and so
 * writes an object that overlaps earlier ones: readers de-duplicate on
 * (shardId, sequenceNumber) with {@link readQuarantine} / {@link dedupeQuarantine}.
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

/** One line of a quarantine object (also what a replay tool reads). */
export interface QuarantineDocument {
  readonly rule: RejectionRule;
  readonly message: string;
  /** The payload, base64; any e-mail address replaced by its keyed hash. */
  readonly payloadBase64: string;
  readonly source: { readonly shardId: string; readonly sequenceNumber: string; readonly partitionKey: string; readonly arrivalTime: string };
}

/** Above this size a batch's quarantine body is split into parts (S3 allows far more; this keeps readers' memory small). */
export const MAX_QUARANTINE_OBJECT_BYTES = 5 * 1024 * 1024;

/** One object to PUT: its key, its NDJSON body, and the entries it holds (reported failed if the PUT fails). */
export interface QuarantineObject {
  readonly key: string;
  readonly body: string;
  readonly entries: readonly QuarantineEntry[];
}

export function quarantineDocument(e: QuarantineEntry, hashKey: string): QuarantineDocument {
  return {
    rule: e.rule,
    // JSON.parse's message quotes the start of the payload: hash any address in it too.
    message: e.message.includes("@") ? redactPayload(Buffer.from(e.message, "utf8"), hashKey).toString("utf8") : e.message,
    payloadBase64: redactPayload(e.data, hashKey).toString("base64"),
    source: { shardId: e.shardId, sequenceNumber: e.sequenceNumber, partitionKey: e.partitionKey, arrivalTime: new Date(e.arrivalMs).toISOString() },
  };
}

/**
 * Pure: the objects for the rejected records of one shard's batch, `entries`
 * in sequence order. The keys and the split into parts depend only on the
 * entries (and `maxBytes`), so the same records always give the same objects.
 */
export function planQuarantineObjects(prefix: string, entries: readonly QuarantineEntry[], hashKey: string, maxBytes = MAX_QUARANTINE_OBJECT_BYTES): QuarantineObject[] {
  if (entries.length === 0) return [];
  const first = entries[0];
  const last = entries[entries.length - 1];
  const stem = `${prefix}dt=${dateOf(first.arrivalMs)}/${first.shardId}/${first.sequenceNumber}-${last.sequenceNumber}`;
  const parts: { lines: string[]; bytes: number; entries: QuarantineEntry[] }[] = [];
  let current: (typeof parts)[number] | undefined;
  for (const e of entries) {
    const line = `${JSON.stringify(quarantineDocument(e, hashKey))}\n`;
    const bytes = Buffer.byteLength(line, "utf8");
    // A line larger than maxBytes on its own still gets a part (a record is never split).
    if (!current || (current.bytes + bytes > maxBytes && current.lines.length > 0)) {
      current = { lines: [], bytes: 0, entries: [] };
      parts.push(current);
    }
    current.lines.push(line);
    current.bytes += bytes;
    current.entries.push(e);
  }
  return parts.map((p, i) => ({ key: parts.length === 1 ? `${stem}.ndjson` : `${stem}-part${i + 1}.ndjson`, body: p.lines.join(""), entries: p.entries }));
}

export async function putQuarantineObject(s3: Pick<S3Client, "send">, bucket: string, object: QuarantineObject): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: "application/x-ndjson" }));
}

/** Pure: the documents of one quarantine object's body (blank lines ignored). */
export function parseQuarantineObject(body: string): QuarantineDocument[] {
  const out: QuarantineDocument[] = [];
  for (const line of body.split("\n")) if (line.trim().length > 0) out.push(JSON.parse(line) as QuarantineDocument);
  return out;
}

/**
 * Pure: one document per (shardId, sequenceNumber), the first met, sorted by
 * shard then sequence number. Overlapping objects (bisected or partial
 * redeliveries) hold the same record more than once; this is the rule every
 * reader applies before counting or replaying.
 */
export function dedupeQuarantine(docs: Iterable<QuarantineDocument>): QuarantineDocument[] {
  const byPosition = new Map<string, QuarantineDocument>();
  for (const d of docs) {
    const id = `${d.source.shardId}\u0000${d.source.sequenceNumber}`;
    if (!byPosition.has(id)) byPosition.set(id, d);
  }
  return [...byPosition.values()].sort(
    (a, b) => (a.source.shardId < b.source.shardId ? -1 : a.source.shardId > b.source.shardId ? 1 : compareSequence(a.source.sequenceNumber, b.source.sequenceNumber)),
  );
}

/** Pure: the de-duplicated documents of a set of quarantine object bodies (what a replay tool and the tests read). */
export function readQuarantine(bodies: Iterable<string>): QuarantineDocument[] {
  const all: QuarantineDocument[] = [];
  for (const body of bodies) for (const d of parseQuarantineObject(body)) all.push(d);
  return dedupeQuarantine(all);
}

/** Pure: documents per rule. */
export function countByRule(docs: Iterable<QuarantineDocument>): Partial<Record<RejectionRule, number>> {
  const counts: Partial<Record<RejectionRule, number>> = {};
  for (const d of docs) counts[d.rule] = (counts[d.rule] ?? 0) + 1;
  return counts;
}

function compareSequence(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
