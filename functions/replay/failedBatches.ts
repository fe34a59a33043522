/**
 * `platform failed-batches replay`: every batch the event source mapping gave
 * up on, read back by shard and sequence range, re-validated against the
 * current contract, and applied to the aggregates exactly once:
 * contributions the failed attempts had applied (an item's mark in the
 * failure notes) are skipped, the rest go through ledger-guarded updates.
 * The message is deleted last, so an interrupted run is simply run again.
 */
import { RejectionRule, validateRecord } from "../shared";
import { contributionPrefix, shortShardId } from "../stream-processor/itemDesign";
import { StreamRecord } from "../stream-processor/processor";
import { planQuarantineObjects, putQuarantineObject, QuarantineEntry } from "../stream-processor/quarantine";
import { ReplayDeps, validationContextOf } from "./context";
import { applyLedgerUpdates, contributionsByItem, ItemContributions, ReplayRecord } from "./ledger";
import { appliedThroughByItem, readFailureNotes } from "./notes";
import { FailedBatchQueue, QueuedMessage } from "./queue";
import { readStreamRange } from "./streamRange";
import { FailedBatchMessage, FailedBatchReplay, parseFailedBatchMessage } from "./types";

export interface ListedFailedBatch {
  readonly message: QueuedMessage;
  readonly batch: FailedBatchMessage;
}

/** Every message, parsed; a wrong shape throws before anything is written. */
export async function listFailedBatches(queue: FailedBatchQueue): Promise<ListedFailedBatch[]> {
  return (await queue.receiveAll()).map((message) => ({ message, batch: parseFailedBatchMessage(message.id, message.body) }));
}

export async function replayFailedBatches(deps: ReplayDeps, queue: FailedBatchQueue): Promise<FailedBatchReplay[]> {
  const listed = await listFailedBatches(queue);
  const out: FailedBatchReplay[] = [];
  for (const { message, batch } of listed) {
    out.push(await replayOne(deps, message.id, batch));
    await queue.delete(message);
  }
  return out;
}

async function replayOne(deps: ReplayDeps, messageId: string, message: FailedBatchMessage): Promise<FailedBatchReplay> {
  const info = message.KinesisBatchInfo;
  const from = info.startSequenceNumber;
  const to = info.endSequenceNumber;
  const records = await readStreamRange(deps.kinesis, deps.streamName, info.shardId, from, to);
  const { valid, rejected, duplicates } = revalidate(deps, records);
  await quarantineRejected(deps, rejected);
  const marks = appliedThroughByItem(await readFailureNotes(deps.s3, deps.config.quarantineBucket, info.shardId), from, to);
  const items = unappliedContributions(valid, marks, deps.config.productBuckets);
  const written = await applyLedgerUpdates(deps.dynamo, deps.config.table, items.values(), deps.config.hotRetentionDays);
  const rejectedByRule: Partial<Record<RejectionRule, number>> = {};
  for (const r of rejected) rejectedByRule[r.rule] = (rejectedByRule[r.rule] ?? 0) + 1;
  const missing = info.batchSize - records.length;
  return {
    messageId,
    shardId: info.shardId,
    startSequenceNumber: from,
    endSequenceNumber: to,
    recovered: records.length,
    applied: written.appliedRecords.size,
    itemUpdates: written.updates,
    alreadyReplayed: written.alreadyApplied,
    rejected: rejectedByRule,
    duplicates,
    ...(missing > 0
      ? {
          unrecoverable: {
            reason: `${missing} of ${info.batchSize} records are no longer in the stream (past its retention); the S3 history holds the valid ones (docs/operations.md)`,
            fromSequenceNumber: from,
            toSequenceNumber: records[0]?.sequenceNumber ?? to,
          },
        }
      : {}),
  };
}

/** Validation against the current contract; a repeated transactionId in the range counts once, as the processor does. */
function revalidate(deps: ReplayDeps, records: readonly StreamRecord[]) {
  const ctx = validationContextOf(deps);
  const valid: ReplayRecord[] = [];
  const rejected: QuarantineEntry[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const r of records) {
    const verdict = validateRecord(r.data, ctx);
    if (!verdict.ok) rejected.push({ ...r, rule: verdict.rule, message: verdict.message });
    else if (seen.has(verdict.transaction.transactionId)) duplicates++;
    else {
      seen.add(verdict.transaction.transactionId);
      valid.push({ shardId: r.shardId, sequenceNumber: r.sequenceNumber, transaction: verdict.transaction });
    }
  }
  return { valid, rejected, duplicates };
}

/** Same records, same object keys: a second run overwrites what the first wrote. */
async function quarantineRejected(deps: ReplayDeps, rejected: readonly QuarantineEntry[]): Promise<void> {
  if (rejected.length === 0) return;
  const objects = planQuarantineObjects(deps.config.quarantinePrefix, rejected, await deps.hashKey());
  for (const o of objects) await putQuarantineObject(deps.s3, deps.config.quarantineBucket, o);
}

/**
 * Pure: per item, the contributions of the records above the known mark (those at or below it were applied):
 * the mark of the records' region-minute contribution chain for their shard, or, in notes written before
 * the processor appended, the bucket item's own mark.
 */
export function unappliedContributions(valid: readonly ReplayRecord[], marks: ReadonlyMap<string, string>, buckets: number): Map<string, ItemContributions> {
  const items = contributionsByItem(valid, buckets);
  const chain = contributionPrefix(shortShardId(valid[0]?.shardId ?? "0"));
  for (const [key, item] of items) {
    const mark = maxMark(marks.get(`${item.pk}|${chain}`), marks.get(key));
    if (mark === undefined) continue;
    const rest = item.entries.filter((e) => e.seqKey > mark);
    if (rest.length === 0) items.delete(key);
    else items.set(key, { ...item, entries: rest });
  }
  return items;
}

function maxMark(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined ? b : b === undefined || a > b ? a : b;
}
