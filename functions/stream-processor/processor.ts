/**
 * The stream processor's core: one Kinesis batch in, the records to retry
 * out. I/O comes in through {@link ProcessorDeps}, so the Lambda handler, the
 * local pipeline and the tests run the same code.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { RejectionRule, screenRecord, ValidationContext } from "../shared";
import { AcceptedRecord, CONTRIBUTION_PLAN, ItemPlanner } from "./aggregate";
import { ProcessorConfig } from "./config";
import { FoldState, foldedUnits, foldMinute, MinuteRef, ShardFolds } from "./fold";
import { contributionPrefix, sequenceKey, shortShardId } from "./itemDesign";
import { FailureNote, putFailureNote } from "./failureNotes";
import { planQuarantineObjects, putQuarantineObject, QuarantineEntry } from "./quarantine";
import { RecentIds } from "./RecentIds";
import { BaselineCache, detectSpikes, SpikeCandidate, SpikeDetail } from "./spikes";
import { applyItem, ChainTails, ItemOutcome, mapWithConcurrency } from "./writer";

/** A Kinesis record, decoded from the Lambda event (or read by the local poller). */
export interface StreamRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** ApproximateArrivalTimestamp, epoch ms. */
  readonly arrivalMs: number;
  readonly data: Uint8Array;
}

/** Counters the core reports; the handler maps them to Powertools EMF metrics. */
export interface MetricsSink {
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
}

/** The subset of the Powertools Logger the core uses. */
export interface LoggerLike {
  info(message: string, extra: { [key: string]: unknown }): void;
  warn(message: string, extra: { [key: string]: unknown }): void;
  error(message: string, extra: { [key: string]: unknown }): void;
}

export interface ProcessorDeps {
  readonly config: ProcessorConfig;
  readonly dynamo: Pick<DynamoDBClient, "send">;
  readonly s3: Pick<S3Client, "send">;
  readonly events: Pick<EventBridgeClient, "send">;
  /** The e-mail hash key (cached by the caller). */
  readonly hashKey: () => Promise<string>;
  /** Per-container state: recently committed transaction ids, baseline minutes, the chains' tails and folds. */
  readonly recent: RecentIds;
  readonly baselines: BaselineCache;
  /** Default: a new one per call (each chain's tail is then read once per call). */
  readonly tails?: ChainTails;
  readonly folds?: FoldState;
  readonly metrics?: MetricsSink;
  readonly logger?: LoggerLike;
  /** Clock for the future-timestamp rule. */
  readonly now?: () => number;
  /** Concurrent DynamoDB and S3 requests. */
  readonly concurrency?: number;
  /** Products per contribution item (default MAX_PRODUCTS_PER_CONTRIBUTION). */
  readonly maxProductsPerUpdate?: number;
  /** Size above which a batch's quarantine object is split into parts (default 5 MB). */
  readonly maxQuarantineObjectBytes?: number;
}

export type RecordStatus = "valid" | "duplicate" | "rejected";

export interface RecordOutcome {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly status: RecordStatus;
  readonly rule?: RejectionRule;
  /** True when the record must be retried (its write or quarantine failed). */
  failed: boolean;
}

export interface BatchOutcome {
  /** Sequence numbers to report as batchItemFailures, lowest first. */
  readonly failedSequenceNumbers: string[];
  readonly records: RecordOutcome[];
  readonly valid: number;
  readonly duplicates: number;
  readonly rejected: Partial<Record<RejectionRule, number>>;
  /** Write capacity units DynamoDB reported for the contributions, minute totals and spike markers. */
  readonly consumedWcu: number;
  /** Conditional checks that found a chunk already applied (redeliveries). */
  readonly alreadyApplied: number;
  readonly spikes: SpikeDetail[];
  /** Spikes not alerted because the minute's alert cap (SPIKE_MAX_ALERTS_PER_MINUTE) was reached. */
  readonly suppressedSpikes: number;
}

/** Decodes a Lambda Kinesis event record. */
export function fromLambdaRecord(r: {
  eventID: string;
  kinesis: { data: string; sequenceNumber: string; partitionKey: string; approximateArrivalTimestamp: number };
}): StreamRecord {
  const colon = r.eventID.indexOf(":");
  return {
    shardId: colon > 0 ? r.eventID.slice(0, colon) : "shardId-000000000000",
    sequenceNumber: r.kinesis.sequenceNumber,
    partitionKey: r.kinesis.partitionKey,
    arrivalMs: Math.round(r.kinesis.approximateArrivalTimestamp * 1000),
    data: Buffer.from(r.kinesis.data, "base64"),
  };
}

export async function processRecords(records: readonly StreamRecord[], deps: ProcessorDeps): Promise<BatchOutcome> {
  const byShard = new Map<string, StreamRecord[]>();
  for (const r of records) {
    const list = byShard.get(r.shardId) ?? [];
    list.push(r);
    byShard.set(r.shardId, list);
  }
  const parts = await Promise.all([...byShard.values()].map((shardRecords) => processShard(shardRecords, deps)));
  const merged: BatchOutcome = parts.reduce(mergeOutcomes, emptyOutcome());
  return { ...merged, failedSequenceNumbers: merged.failedSequenceNumbers.sort((a, b) => compareSeq(a, b)) };
}

async function processShard(records: readonly StreamRecord[], deps: ProcessorDeps): Promise<BatchOutcome> {
  const { config } = deps;
  const concurrency = deps.concurrency ?? 16;
  const ordered = [...records].sort((a, b) => compareSeq(a.sequenceNumber, b.sequenceNumber));
  const ctx = { regions: config.regions, currencies: config.currencies, maxRecordBytes: config.maxRecordBytes, nowMs: (deps.now ?? Date.now)() };

  // 1. Decode, validate, de-duplicate and aggregate: pure and fast.
  const planner = new ItemPlanner({ ...CONTRIBUTION_PLAN, maxProductsPerUpdate: deps.maxProductsPerUpdate ?? CONTRIBUTION_PLAN.maxProductsPerUpdate });
  const { outcomes, accepted, rejected, duplicates } = classifyRecords(ordered, ctx, deps.recent, planner);

  // 2. Append each region-minute's contribution (in parallel, a region-minute's chunks in order) and quarantine rejects.
  const shard = shortShardId(ordered[0]?.shardId ?? "0");
  const plans = [...planner.plans.values()];
  const writeCtx = { client: deps.dynamo, table: config.table, shard, retentionDays: config.hotRetentionDays, tails: deps.tails ?? new ChainTails() };
  // The batch's rejected records as one NDJSON object (parts if large); a failed PUT reports its records for retry.
  const hashKey = rejected.length > 0 ? await deps.hashKey() : "";
  const quarantineObjects = planQuarantineObjects(config.quarantinePrefix, rejected.map((r) => r.entry), hashKey, deps.maxQuarantineObjectBytes);
  const outcomeOf = new Map(rejected.map((r) => [r.entry, r.outcome]));
  const [items] = await Promise.all([
    mapWithConcurrency(plans, concurrency, (plan) => applyItem(writeCtx, plan, accepted)),
    mapWithConcurrency(quarantineObjects, concurrency, async (object) => {
      try {
        await putQuarantineObject(deps.s3, config.quarantineBucket, object);
      } catch (err) {
        for (const e of object.entries) outcomeOf.get(e)!.failed = true;
        deps.logger?.error("quarantine write failed", { key: object.key, records: object.entries.length, error: String(err) });
      }
    }),
  ]);

  // 3. Failures: every record that contributed to an item write that failed.
  let consumedWcu = 0;
  let alreadyApplied = 0;
  for (const item of items) {
    consumedWcu += item.consumedWcu;
    alreadyApplied += item.alreadyApplied;
    for (const a of item.failedRecords) accepted[a].failed = true;
    if (item.error) deps.logger?.warn("aggregate update failed", { pk: item.plan.pk, sk: item.plan.sk, error: errorName(item.error) });
  }
  for (const rec of accepted) if (!rec.failed) deps.recent.add(rec.transactionId);
  if (items.some((i) => i.error !== undefined)) await noteFailedDelivery(deps, ordered, items);

  // 4. Minute totals of the minutes the shard has moved past, then spikes on them. Best effort: the contributions are committed.
  const folds = (deps.folds ?? new FoldState()).of(shard);
  for (const item of items) if (item.error === undefined) folds.noteWritten(item.plan);
  const folded = await foldClosedMinutes(deps, folds, shard, plans, planner.latestMs);
  let spikes: SpikeDetail[] = [];
  let markerWcu = 0;
  const suppressed: SpikeDetail[] = [];
  try {
    spikes = await detectSpikes(
      {
        dynamo: deps.dynamo,
        events: deps.events,
        table: config.table,
        busName: config.spikeBusName,
        retentionDays: config.hotRetentionDays,
        onConsumed: (units) => (markerWcu += units),
        onSuppressed: (spike) => suppressed.push(spike),
        now: deps.now,
      },
      deps.baselines,
      config.spikes,
      await spikeCandidates(deps, folds.toJudge(folded.refs), config.spikes.minUnits),
    );
    folds.judged();
  } catch (err) {
    deps.logger?.error("spike detection failed", { error: String(err) });
    deps.metrics?.count("SpikeDetectionErrors", 1);
  }
  if (suppressed.length > 0) {
    deps.logger?.warn("spike alerts suppressed: the minute's alert cap is reached", {
      maxAlertsPerMinute: config.spikes.maxAlertsPerMinute,
      suppressed: suppressed.length,
      spikes: suppressed.slice(0, 20).map((d) => ({ productId: d.productId, region: d.region, minute: d.minute, units: d.units })),
    });
  }

  const rejectedCounts: Partial<Record<RejectionRule, number>> = {};
  for (const { entry } of rejected) rejectedCounts[entry.rule] = (rejectedCounts[entry.rule] ?? 0) + 1;
  const outcome: BatchOutcome = {
    failedSequenceNumbers: outcomes.filter((o) => o.failed).map((o) => o.sequenceNumber),
    records: outcomes,
    valid: accepted.length,
    duplicates,
    rejected: rejectedCounts,
    consumedWcu: consumedWcu + folded.wcu + markerWcu,
    alreadyApplied,
    spikes,
    suppressedSpikes: suppressed.length,
  };
  report(deps, outcome);
  return outcome;
}

/** A shard's records sorted into valid (first occurrence), duplicate and rejected, by {@link classifyRecords}. */
export class Classification {
  public readonly outcomes: RecordOutcome[] = [];
  public readonly accepted: AcceptedRecord[] = [];
  public readonly rejected: { entry: QuarantineEntry; outcome: RecordOutcome }[] = [];
  public duplicates = 0;
  /** Transaction ids seen in this batch. */
  public readonly seen = new Set<string>();
}

/**
 * The records of one shard, in order, sorted into valid (first occurrence),
 * duplicate and rejected; valid ones are added to `planner` at once. Pure.
 */
export function classifyRecords(ordered: readonly StreamRecord[], ctx: ValidationContext, recent: Pick<RecentIds, "has">, planner?: ItemPlanner): Classification {
  // One small function per record: V8 optimizes it as a whole, where the loop inlined here was
  // compiled on stack replacement and deoptimized at the return of every batch (--trace-deopt).
  const out = new Classification();
  for (let i = 0; i < ordered.length; i++) classifyRecord(out, ordered[i], ctx, recent, planner);
  return out;
}

function classifyRecord(out: Classification, r: StreamRecord, ctx: ValidationContext, recent: Pick<RecentIds, "has">, planner: ItemPlanner | undefined): void {
  const verdict = screenRecord(r.data, ctx);
  if (!verdict.ok) {
    const outcome: RecordOutcome = { shardId: r.shardId, sequenceNumber: r.sequenceNumber, status: "rejected", rule: verdict.rule, failed: false };
    out.outcomes.push(outcome);
    out.rejected.push({ outcome, entry: { ...r, rule: verdict.rule, message: verdict.message } });
    return;
  }
  const id = verdict.transaction.transactionId;
  const seen = out.seen.size;
  if (out.seen.add(id).size === seen || recent.has(id)) {
    out.duplicates++;
    out.outcomes.push({ shardId: r.shardId, sequenceNumber: r.sequenceNumber, status: "duplicate", failed: false });
    return;
  }
  const index = out.accepted.length;
  const rec: AcceptedRecord = { index, shardId: r.shardId, sequenceNumber: r.sequenceNumber, seqKey: sequenceKey(r.sequenceNumber), transactionId: id, data: r.data, status: "valid", failed: false };
  planner?.add(index, rec.seqKey, verdict.transaction, verdict.occurredAtMs);
  out.outcomes.push(rec);
  out.accepted.push(rec);
}

/** Records each touched item's known high-water mark, for a replay of this batch if Lambda gives up on it. */
async function noteFailedDelivery(deps: ProcessorDeps, ordered: readonly StreamRecord[], items: readonly ItemOutcome[]): Promise<void> {
  const nowMs = (deps.now ?? Date.now)();
  const note: FailureNote = {
    shardId: ordered[0].shardId,
    firstSequenceNumber: ordered[0].sequenceNumber,
    lastSequenceNumber: ordered[ordered.length - 1].sequenceNumber,
    writtenAt: new Date(nowMs).toISOString(),
    // The mark of a region-minute's contribution chain (sk: the shard's contribution prefix).
    items: items.map((i) => ({ pk: i.plan.pk, sk: contributionPrefix(shortShardId(ordered[0].shardId)), appliedThrough: i.appliedThrough ?? null })),
  };
  try {
    await putFailureNote(deps.s3, deps.config.quarantineBucket, note, nowMs);
  } catch (err) {
    deps.logger?.error("failure note write failed", { shardId: note.shardId, first: note.firstSequenceNumber, error: String(err) });
    deps.metrics?.count("FailureNoteErrors", 1);
  }
}

/**
 * Folds the region-minutes the shard's event time has passed (fold.ts); returns those folded and the write
 * units. A fold that fails stays due: the next batch tries again.
 */
async function foldClosedMinutes(deps: ProcessorDeps, folds: ShardFolds, shard: string, plans: readonly MinuteRef[], latestMs: number): Promise<{ refs: MinuteRef[]; wcu: number }> {
  const out = { refs: [] as MinuteRef[], wcu: 0 };
  if (plans.length === 0) return out;
  const io = { client: deps.dynamo, table: deps.config.table, shard, retentionDays: deps.config.hotRetentionDays };
  const due = folds.due(new Set(plans.map((p) => p.region)), latestMs);
  await mapWithConcurrency(due, deps.concurrency ?? 16, async (ref) => {
    try {
      const wcu = await foldMinute(io, ref);
      folds.markFolded(ref);
      out.wcu += wcu;
      out.refs.push(ref);
    } catch (err) {
      deps.logger?.error("minute fold failed", { pk: ref.pk, error: errorName(err) });
      deps.metrics?.count("MinuteFoldErrors", 1);
    }
  });
  return out;
}

/** Products whose units in a newly folded minute, over all shards' totals, reach the spike minimum. */
async function spikeCandidates(deps: ProcessorDeps, refs: readonly MinuteRef[], minUnits: number): Promise<SpikeCandidate[]> {
  const out: SpikeCandidate[] = [];
  for (const ref of refs) {
    for (const [productId, units] of (await foldedUnits({ client: deps.dynamo, table: deps.config.table }, ref.pk, true)) ?? []) {
      if (units >= minUnits) out.push({ region: ref.region, minute: ref.minute, minuteStartMs: ref.minuteStartMs, productId, units });
    }
  }
  return out;
}

function report(deps: ProcessorDeps, o: BatchOutcome): void {
  const m = deps.metrics;
  if (!m) return;
  m.count("ValidRecords", o.valid);
  m.count("DuplicateRecords", o.duplicates);
  for (const [rule, n] of Object.entries(o.rejected)) m.count("RejectedRecords", n, { rule });
  m.count("BatchItemFailures", o.failedSequenceNumbers.length);
  m.count("AlreadyAppliedChunks", o.alreadyApplied);
  m.count("AggregateWriteUnits", o.consumedWcu);
  m.count("SpikesDetected", o.spikes.length);
  m.count("SpikeAlertsSuppressed", o.suppressedSpikes);
}

function emptyOutcome(): BatchOutcome {
  return { failedSequenceNumbers: [], records: [], valid: 0, duplicates: 0, rejected: {}, consumedWcu: 0, alreadyApplied: 0, spikes: [], suppressedSpikes: 0 };
}

function mergeOutcomes(a: BatchOutcome, b: BatchOutcome): BatchOutcome {
  const rejected = { ...a.rejected };
  for (const [rule, n] of Object.entries(b.rejected) as [RejectionRule, number][]) rejected[rule] = (rejected[rule] ?? 0) + n;
  return {
    failedSequenceNumbers: [...a.failedSequenceNumbers, ...b.failedSequenceNumbers],
    records: [...a.records, ...b.records],
    valid: a.valid + b.valid,
    duplicates: a.duplicates + b.duplicates,
    rejected,
    consumedWcu: a.consumedWcu + b.consumedWcu,
    alreadyApplied: a.alreadyApplied + b.alreadyApplied,
    spikes: [...a.spikes, ...b.spikes],
    suppressedSpikes: a.suppressedSpikes + b.suppressedSpikes,
  };
}

/** Numeric order of two decimal sequence numbers. */
export function compareSeq(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function errorName(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
