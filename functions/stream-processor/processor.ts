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
import { ScannedTransaction, TransactionScanner } from "./recordScan";
import { StringTable } from "./stringTable";
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
  readonly failed: boolean;
}

export interface BatchOutcome {
  /** Sequence numbers to report as batchItemFailures, lowest first. */
  readonly failedSequenceNumbers: string[];
  /**
   * Each record's outcome, in order. Built when asked, once: the Lambda handler needs only the failures, and
   * 10,000 outcome objects per batch cost about 0.01-0.03 of the parse bound (measured).
   */
  readonly records: () => RecordOutcome[];
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
  const classified = classifyRecords(ordered, ctx, deps.recent, planner);
  const { rejected, acceptedAt } = classified;
  /** Per position in `ordered`: 1 when the record must be retried. */
  const failed = new Uint8Array(ordered.length);

  // 2. Append each region-minute's contribution (in parallel, a region-minute's chunks in order) and quarantine rejects.
  const shard = shortShardId(ordered[0]?.shardId ?? "0");
  const plans = [...planner.plans.values()];
  const writeCtx = { client: deps.dynamo, table: config.table, shard, retentionDays: config.hotRetentionDays, tails: deps.tails ?? new ChainTails() };
  // The batch's rejected records as one NDJSON object (parts if large); a failed PUT reports its records for retry.
  const hashKey = rejected.length > 0 ? await deps.hashKey() : "";
  const quarantineObjects = planQuarantineObjects(config.quarantinePrefix, rejected.map((r) => r.entry), hashKey, deps.maxQuarantineObjectBytes);
  const positionOf = new Map(rejected.map((r) => [r.entry, r.position]));
  const recordAt = (a: number) => classified.recordAt(a);
  const [items] = await Promise.all([
    mapWithConcurrency(plans, concurrency, (plan) => applyItem(writeCtx, plan, recordAt)),
    mapWithConcurrency(quarantineObjects, concurrency, async (object) => {
      try {
        await putQuarantineObject(deps.s3, config.quarantineBucket, object);
      } catch (err) {
        for (const e of object.entries) failed[positionOf.get(e)!] = 1;
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
    for (const a of item.failedRecords) failed[acceptedAt[a]] = 1;
    if (item.error) deps.logger?.warn("aggregate update failed", { pk: item.plan.pk, sk: item.plan.sk, error: errorName(item.error) });
  }
  for (let a = 0; a < acceptedAt.length; a++) if (failed[acceptedAt[a]] === 0) deps.recent.add(classified.ids[a]);
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
    failedSequenceNumbers: classified.failedSequenceNumbers(failed),
    records: once(() => classified.outcomes(failed)),
    valid: acceptedAt.length,
    duplicates: classified.duplicates,
    rejected: rejectedCounts,
    consumedWcu: consumedWcu + folded.wcu + markerWcu,
    alreadyApplied,
    spikes,
    suppressedSpikes: suppressed.length,
  };
  report(deps, outcome);
  return outcome;
}

// Status codes by position; 0, the array's initial value, is valid.
const DUPLICATE = 1;
const REJECTED = 2;
const STATUS_NAMES: readonly RecordStatus[] = ["valid", "duplicate", "rejected"];

/**
 * A shard's records sorted into valid (first occurrence), duplicate and rejected, by {@link classifyRecords}:
 * in columns by position in the ordered records, not one object per record (measured: the objects and their
 * pushes cost about 0.01-0.03 of the parse bound on 10,000-record batches).
 */
export class Classification {
  /** Per position: 0 (valid), DUPLICATE or REJECTED. */
  public readonly status: Uint8Array;
  /** The position of each accepted record: accepted record `a` is `ordered[acceptedAt[a]]`. */
  public readonly acceptedAt: number[] = [];
  /** The transaction id of each accepted record. */
  public readonly ids: string[] = [];
  public readonly rejected: { entry: QuarantineEntry; position: number }[] = [];
  public duplicates = 0;
  /** Transaction ids seen in this batch (by the FNV-1a the scanner computed). */
  public readonly seen: StringTable;

  public constructor(public readonly ordered: readonly StreamRecord[]) {
    this.status = new Uint8Array(ordered.length);
    this.seen = new StringTable(ordered.length);
  }

  /** Accepted record `a` as a retry needs it (built when asked: only a redelivery's remainder does). */
  public recordAt(a: number): AcceptedRecord {
    const r = this.ordered[this.acceptedAt[a]];
    return { seqKey: sequenceKey(r.sequenceNumber), data: r.data };
  }

  /** The sequence numbers of the records `failed` marks (by position), lowest first. */
  public failedSequenceNumbers(failed: Uint8Array): string[] {
    const out: string[] = [];
    for (let p = 0; p < this.ordered.length; p++) if (failed[p] === 1) out.push(this.ordered[p].sequenceNumber);
    return out;
  }

  /** Each record's outcome, in order; `failed` marks (by position) those to retry. */
  public outcomes(failed: Uint8Array): RecordOutcome[] {
    const rules = new Map(this.rejected.map((r) => [r.position, r.entry.rule]));
    return this.ordered.map((r, p) => {
      const base = { shardId: r.shardId, sequenceNumber: r.sequenceNumber, status: STATUS_NAMES[this.status[p]], failed: failed[p] === 1 };
      const rule = rules.get(p);
      return rule === undefined ? base : { ...base, rule };
    });
  }
}

/**
 * The records of one shard, in order, sorted into valid (first occurrence),
 * duplicate and rejected; valid ones are added to `planner` at once. Pure.
 */
export function classifyRecords(ordered: readonly StreamRecord[], ctx: ValidationContext, recent: Pick<RecentIds, "has">, planner?: ItemPlanner): Classification {
  // One small function per record: V8 optimizes it as a whole, where the loop inlined here was
  // compiled on stack replacement and deoptimized at the return of every batch (--trace-deopt).
  const out = new Classification(ordered);
  const reader: RecordReader = { scanner: new TransactionScanner(ctx), fields: new ScannedTransaction(), ctx };
  for (let p = 0; p < ordered.length; p++) classifyRecord(out, p, reader, recent, planner);
  return out;
}

/** What reads a record's fields: the byte scanner, and screenRecord for whatever the scanner does not take. */
interface RecordReader {
  readonly scanner: TransactionScanner;
  /** The current record's fields (one object, reused). */
  readonly fields: ScannedTransaction;
  readonly ctx: ValidationContext;
}

function classifyRecord(out: Classification, position: number, reader: RecordReader, recent: Pick<RecentIds, "has">, planner: ItemPlanner | undefined): void {
  const r = out.ordered[position];
  const tx = reader.fields;
  if (!reader.scanner.scan(r.data, tx)) {
    const verdict = screenRecord(r.data, reader.ctx);
    if (!verdict.ok) {
      out.status[position] = REJECTED;
      out.rejected.push({ position, entry: { ...r, rule: verdict.rule, message: verdict.message } });
      return;
    }
    tx.setFrom(verdict.transaction, verdict.occurredAtMs);
  }
  const id = tx.transactionId;
  const seen = out.seen.size;
  if (out.seen.add(id, tx.idHash) < seen || recent.has(id)) {
    out.status[position] = DUPLICATE;
    out.duplicates++;
    return;
  }
  planner?.add(out.acceptedAt.length, sequenceKey(r.sequenceNumber), tx);
  out.acceptedAt.push(position);
  out.ids.push(id);
}

/** `build`, run on the first call only. */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
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
  return { failedSequenceNumbers: [], records: () => [], valid: 0, duplicates: 0, rejected: {}, consumedWcu: 0, alreadyApplied: 0, spikes: [], suppressedSpikes: 0 };
}

function mergeOutcomes(a: BatchOutcome, b: BatchOutcome): BatchOutcome {
  const rejected = { ...a.rejected };
  for (const [rule, n] of Object.entries(b.rejected) as [RejectionRule, number][]) rejected[rule] = (rejected[rule] ?? 0) + n;
  return {
    failedSequenceNumbers: [...a.failedSequenceNumbers, ...b.failedSequenceNumbers],
    records: once(() => [...a.records(), ...b.records()]),
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
