/**
 * The local consumers: one {@link ShardPoller} per shard (parallelization
 * factor 1), each with its own "container" state, invoking the real stream
 * processor core, with faults injected when asked.
 */
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { InjectedCrashError, RejectionRule } from "../shared";
import { processRecords, ProcessorDeps, StreamRecord } from "../stream-processor/processor";
import { RecentIds } from "../stream-processor/RecentIds";
import { BaselineCache } from "../stream-processor/spikes";
import { FaultOptions, throttlingDynamo } from "./faults";
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
  /** Each record's last outcome, by "shardId/sequenceNumber". */
  readonly outcomes: Map<string, RejectionRule | "valid">;
  /** Called with each delivered batch and its outcome (before `outcomes` is updated). */
  readonly onDelivered?: (batch: readonly StreamRecord[], statuses: readonly { sequenceNumber: string; status: string }[]) => void;
}

/** One poller per shard. */
export function shardPollers(ctx: ConsumerContext, shardIds: readonly string[]): ShardPoller<StreamRecord>[] {
  return shardIds.map((shardId) => {
    const deps: ProcessorDeps = {
      ...ctx.deps,
      dynamo: ctx.faults ? throttlingDynamo(ctx.deps.dynamo, ctx.faults.throttleRate, ctx.random) : ctx.deps.dynamo,
      recent: new RecentIds(ctx.deps.config.dedupCacheSize),
      baselines: new BaselineCache(),
    };
    return new ShardPoller(ctx.settings, kinesisSource(ctx.kinesis, ctx.stream, shardId, ctx.producerDone), (batch) => invokeWithFaults(ctx, deps, batch));
  });
}

/** An invocation: the processor, then maybe an injected crash or a redelivery. */
async function invokeWithFaults(ctx: ConsumerContext, deps: ProcessorDeps, batch: readonly StreamRecord[]): Promise<InvokeResult> {
  const { faults, random } = ctx;
  const deliver = async () => {
    const outcome = await processRecords(batch, deps);
    ctx.onDelivered?.(batch, outcome.records);
    for (const r of outcome.records) ctx.outcomes.set(`${r.shardId}/${r.sequenceNumber}`, r.status === "rejected" ? r.rule! : "valid");
    return outcome;
  };
  const outcome = await deliver();
  if (faults && random() < faults.crashRate) throw new InjectedCrashError();
  if (faults && outcome.failedSequenceNumbers.length === 0 && random() < faults.redeliveryRate) await deliver();
  return { kind: "response", failedSequenceNumbers: outcome.failedSequenceNumbers };
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
