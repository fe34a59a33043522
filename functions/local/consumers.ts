/**
 * The local consumers: one {@link ShardPoller} per shard (parallelization
 * factor 1), each with its own "container" state, invoking the real stream
 * processor core, with faults injected when asked.
 */
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { InjectedCrashError, RejectionRule } from "../shared";
import { BatchOutcome, processRecords, ProcessorDeps, StreamRecord } from "../stream-processor/processor";
import { RecentIds } from "../stream-processor/RecentIds";
import { FoldState } from "../stream-processor/fold";
import { BaselineCache } from "../stream-processor/spikes";
import { ChainTails } from "../stream-processor/writer";
import { MemoryQueue } from "../replay/queue";
import { FaultOptions, PermanentFailures, refusingDynamo, throttlingDynamo } from "./faults";
import { InvokeResult, PollerSettings, RecordSource, ShardPoller } from "./poller";

/** What every shard's consumer shares. */
export interface ConsumerContext {
  readonly kinesis: Pick<KinesisClient, "send">;
  readonly stream: string;
  readonly settings: PollerSettings;
  /** The processor's dependencies shared by all shards (config, clients, hash key). */
  readonly deps: Pick<ProcessorDeps, "config" | "dynamo" | "s3" | "events" | "hashKey">;
  readonly faults?: FaultOptions;
  readonly random: () => number;
  /** True once the producer has stored its last record. */
  readonly producerDone: () => boolean;
  /** Each record's outcome, by "shardId/sequenceNumber" (see {@link recordOutcome}). */
  readonly outcomes: Map<string, RecordVerdict>;
  /** Batches whose writes are refused for good (`--permanent-failures`). */
  readonly permanent?: PermanentFailures;
  /** The on-failure destination (Lambda's record per batch given up on). */
  readonly onFailure?: MemoryQueue;
  /**
   * Called with each delivered batch and its outcome (before `outcomes` is updated), once the processor has returned;
   * `invokedAtMs` is when the processor was called (the freshness benchmark separates batching from processing).
   */
  readonly onDelivered?: (batch: readonly StreamRecord[], statuses: readonly { sequenceNumber: string; status: string }[], outcome: BatchOutcome, invokedAtMs: number) => void;
}

/** One poller per shard. */
export function shardPollers(ctx: ConsumerContext, shardIds: readonly string[]): ShardPoller<StreamRecord>[] {
  return shardIds.map((shardId) => {
    let refused = false;
    const throttled = ctx.faults ? throttlingDynamo(ctx.deps.dynamo, ctx.faults.throttleRate, ctx.random) : ctx.deps.dynamo;
    const deps: ProcessorDeps = {
      ...ctx.deps,
      dynamo: ctx.permanent ? refusingDynamo(throttled, () => refused) : throttled,
      recent: new RecentIds(ctx.deps.config.dedupCacheSize),
      baselines: new BaselineCache(),
      tails: new ChainTails(),
      folds: new FoldState(),
    };
    const poller = new ShardPoller(ctx.settings, kinesisSource(ctx.kinesis, ctx.stream, shardId, ctx.producerDone), (batch) => {
      refused = ctx.permanent?.refuses(batch) ?? false;
      return invokeWithFaults(ctx, deps, batch);
    });
    poller.onDiscard = (records) => ctx.onFailure?.send(JSON.stringify(onFailureRecord(ctx.stream, records)));
    return poller;
  });
}

/** An invocation: the processor, then maybe an injected crash or a redelivery. */
async function invokeWithFaults(ctx: ConsumerContext, deps: ProcessorDeps, batch: readonly StreamRecord[]): Promise<InvokeResult> {
  const { faults, random } = ctx;
  const deliver = async () => {
    const invokedAtMs = Date.now();
    const outcome = await processRecords(batch, deps);
    const records = outcome.records();
    ctx.onDelivered?.(batch, records, outcome, invokedAtMs);
    for (const r of records) recordOutcome(ctx.outcomes, `${r.shardId}/${r.sequenceNumber}`, r.status === "rejected" ? r.rule! : r.status);
    return outcome;
  };
  const outcome = await deliver();
  if (faults && random() < faults.crashRate) throw new InjectedCrashError();
  if (faults && outcome.failedSequenceNumbers.length === 0 && random() < faults.redeliveryRate) await deliver();
  return { kind: "response", failedSequenceNumbers: outcome.failedSequenceNumbers };
}

/** What became of a record: valid, a producer duplicate of a transaction already counted, or the rule it broke. */
export type RecordVerdict = RejectionRule | "valid" | "duplicate";

/**
 * Keeps each record's last outcome, except that a record once counted stays
 * valid: redelivered after its writes committed, it is seen again as a
 * duplicate of itself.
 */
export function recordOutcome(outcomes: Map<string, RecordVerdict>, key: string, verdict: RecordVerdict): void {
  if (verdict === "duplicate" && outcomes.get(key) === "valid") return;
  outcomes.set(key, verdict);
}

/** Lambda's on-failure record for a Kinesis batch it gave up on (the shape `platform failed-batches` reads). */
export function onFailureRecord(stream: string, records: readonly StreamRecord[]) {
  const first = records[0];
  const last = records[records.length - 1];
  return {
    requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 1 },
    version: "1.0",
    timestamp: new Date().toISOString(),
    KinesisBatchInfo: {
      shardId: first.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
      batchSize: records.length,
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
    },
  };
}

/** Reads a shard from TRIM_HORIZON onwards. */
export function kinesisSource(kinesis: Pick<KinesisClient, "send">, stream: string, shardId: string, producerDone: () => boolean): RecordSource<StreamRecord> {
  let iterator: string | undefined;
  let caughtUp = false;
  return {
    get finished() {
      return producerDone() && caughtUp;
    },
    async read(): Promise<StreamRecord[]> {
      const wasDone = producerDone();
      iterator ??= (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      iterator = out.NextShardIterator;
      const records = (out.Records ?? []).map((r) => ({
        shardId,
        sequenceNumber: r.SequenceNumber!,
        partitionKey: r.PartitionKey!,
        arrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
        data: r.Data!,
      }));
      if (records.length === 0 && wasDone) caughtUp = true;
      return records;
    },
  };
}
