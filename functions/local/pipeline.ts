/**
 * `platform local`: the real stream processor against kinesalite, dynalite
 * and s3rver, fed by an input file or the traffic generator, delivered by
 * {@link ShardPoller}s (one per shard, like parallelization factor 1).
 */
import { ListShardsCommand } from "@aws-sdk/client-kinesis";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { Environment } from "../../environments/schema";
import { ProcessorConfig, processorConfigFromVariables, processorVariables } from "../stream-processor/config";
import { ProcessorDeps, StreamRecord } from "../stream-processor/processor";
import { SpikeDetail } from "../stream-processor/spikes";
import { ConsumerContext, shardPollers } from "./consumers";
import { ReplayDeps } from "../replay/context";
import { MemoryQueue } from "../replay/queue";
import { createAggregatesTable, createBucket, createStream, Emulators, startEmulators } from "./emulators";
import { FaultOptions, PermanentFailures } from "./faults";
import { seededRandom } from "./generator";
import { PollerSettings, ShardPoller } from "./poller";
import { LocalInput, produce, ProducerState, sleep } from "./producer";
import { LocalReplayReport, runLocalReplay } from "./replayRun";
import { exportState, LocalExport } from "./state";

export { DEFAULT_FAULTS, FaultOptions, throttlingDynamo } from "./faults";
export { KINESIS_WRITE_LIMITS, LocalInput, SPEEDUP } from "./producer";
export { LocalExport } from "./state";

export interface Progress {
  readonly elapsedMs: number;
  readonly produced: number;
  readonly processed: number;
  readonly transactionsPerSecond: number;
  /** Iterator age: now minus the arrival time of the last checkpointed record. */
  readonly lagMs: number;
  readonly topProducts: { productId: string; units: number }[];
  readonly newSpikes: SpikeDetail[];
  readonly invocations: number;
  readonly errors: number;
}

export interface LocalRunOptions {
  readonly environment: Environment;
  readonly input: LocalInput;
  readonly faults?: FaultOptions;
  readonly seed?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Overrides of the event source mapping settings (default: the stack's limits.lambda). */
  readonly poller?: Partial<PollerSettings>;
  /** Batches whose writes are refused until the end of the run (they reach the on-failure queue). */
  readonly permanentFailures?: number;
  /** After the run, replay the failed batches and the quarantine twice (see replayRun.ts). */
  readonly replay?: boolean;
  /** Interrupt a first replay after this many writes, then replay twice. */
  readonly interruptReplayAfterWrites?: number;
  /** The contract the replay validates against (default: the stack's), e.g. a widened currency list. */
  readonly replayEnvironment?: Environment;
  /** Called with the shards' pollers once they exist (their stats, read at the end, time the stream's reads). */
  readonly onPollers?: (pollers: readonly ShardPoller<StreamRecord>[]) => void;
  /** Called after each invocation returned, with its batch, the records' statuses and the batch outcome. */
  readonly onDelivered?: ConsumerContext["onDelivered"];
}

/** The `--export` document, with what the replay did when asked. */
export type LocalRunResult = LocalExport & { replay?: LocalReplayReport };

const TABLE = "aggregates";
const QUARANTINE_BUCKET = "quarantine";
export const HISTORY_BUCKET = "history";
const STREAM = "transactions";
/** The e-mail hash key of local runs (never a deployed secret). */
export const LOCAL_HASH_KEY = "local-only-email-hash-key-not-a-secret";

/** The processor's config for a stack, built from the variables the component would set (local resource names). */
export function processorConfigFor(env: Environment): ProcessorConfig {
  return processorConfigFromVariables(
    processorVariables(
      { table: TABLE, quarantineBucket: QUARANTINE_BUCKET, spikeBusName: "local-bus", serviceName: "local-processor", metricsNamespace: "local", emailHashKey: LOCAL_HASH_KEY },
      { salesRegions: env.salesRegions, currencies: env.currencies, spikes: env.spikes, hotRetentionDays: env.workload.hotRetentionDays },
    ),
  );
}

/** The event source mapping's settings for a local run. */
function pollerSettings(options: LocalRunOptions): PollerSettings {
  const lambda = options.environment.limits.lambda;
  return {
    batchSize: lambda.batchSize,
    batchingWindowMs: lambda.batchingWindowSeconds * 1000,
    // Unlimited retries under --faults, so nothing is discarded, unless batches are meant to fail for good.
    maxRetries: options.faults && !options.permanentFailures ? -1 : lambda.maxRetries,
    bisectOnError: true,
    ...options.poller,
  };
}

/** Spike events, collected instead of sent (EventBridge has no emulator). */
function spikeCollector(spikes: SpikeDetail[]): ProcessorDeps["events"] {
  const send = (command: unknown) => {
    if (command instanceof PutEventsCommand) for (const e of command.input.Entries ?? []) spikes.push(JSON.parse(e.Detail ?? "{}") as SpikeDetail);
    return Promise.resolve({ FailedEntryCount: 0, Entries: [{ EventId: `local-${spikes.length}` }] });
  };
  return { send };
}

/** Runs the pipeline to completion and returns the final state. */
export async function runLocalPipeline(options: LocalRunOptions): Promise<LocalRunResult> {
  const env = options.environment;
  const shards = env.limits.kinesis.mode === "provisioned" ? env.limits.kinesis.shards : 2;
  const emulators = await startEmulators({ kinesis: true, dynamo: true, s3: true, isolated: true });
  try {
    const kinesis = emulators.kinesis!;
    const dynamo = emulators.dynamo!;
    await Promise.all([createStream(kinesis, STREAM, shards), createAggregatesTable(dynamo, TABLE), createBucket(emulators.s3!, QUARANTINE_BUCKET), createBucket(emulators.s3!, HISTORY_BUCKET)]);
    const spikes: SpikeDetail[] = [];
    const live = new LiveView(options.onProgress !== undefined);
    const producer: ProducerState = { produced: 0, producing: true, oversized: 0 };
    const producing = produce({ kinesis, stream: STREAM, regions: env.salesRegions, currencies: env.currencies, seed: options.seed ?? 42 }, options.input, producer);
    const ctx: ConsumerContext = {
      kinesis,
      stream: STREAM,
      settings: pollerSettings(options),
      deps: { config: processorConfigFor(env), dynamo, s3: emulators.s3!, events: spikeCollector(spikes), hashKey: () => Promise.resolve(LOCAL_HASH_KEY) },
      faults: options.faults,
      random: seededRandom(options.seed ?? 42),
      producerDone: () => !producer.producing,
      outcomes: new Map(),
      ...(options.permanentFailures ? { permanent: new PermanentFailures(options.permanentFailures) } : {}),
      onFailure: new MemoryQueue(),
      onDelivered: (batch, statuses, outcome, invokedAtMs) => {
        options.onDelivered?.(batch, statuses, outcome, invokedAtMs);
        live.countUnits(batch, statuses, ctx.outcomes);
      },
    };
    const listed = await kinesis.send(new ListShardsCommand({ StreamName: STREAM }));
    const pollers = shardPollers(ctx, (listed.Shards ?? []).map((s) => s.ShardId!));
    options.onPollers?.(pollers);
    await pollUntilDone(pollers, producer, spikes, live, options);
    await producing;
    if (ctx.permanent) ctx.permanent.active = false;
    const replay = options.replay ? await runLocalReplay(replayDeps(options, emulators), ctx.onFailure!, options.interruptReplayAfterWrites) : undefined;
    return { ...(await exportState(dynamo, TABLE, ctx.outcomes, producer.oversized)), ...(replay ? { replay } : {}) };
  } finally {
    await emulators.close();
  }
}

function replayDeps(options: LocalRunOptions, emulators: Emulators): ReplayDeps {
  return {
    config: processorConfigFor(options.replayEnvironment ?? options.environment),
    dynamo: emulators.dynamo!,
    s3: emulators.s3!,
    kinesis: emulators.kinesis!,
    streamName: STREAM,
    historyBucket: HISTORY_BUCKET,
    hashKey: () => Promise.resolve(LOCAL_HASH_KEY),
  };
}

/** Steps every poller until the producer is done and every stored record is checkpointed; reports progress on the way. */
async function pollUntilDone(pollers: readonly ShardPoller<StreamRecord>[], producer: ProducerState, spikes: readonly SpikeDetail[], live: LiveView, options: LocalRunOptions): Promise<void> {
  const started = Date.now();
  let lastReport = started;
  let lastProcessed = 0;
  let reportedSpikes = 0;
  const processedCount = () => pollers.reduce((s, p) => s + p.stats.checkpointed + p.stats.discarded, 0);
  for (;;) {
    const worked = await Promise.all(pollers.map((p) => p.step()));
    const done = !producer.producing && pollers.every((p) => p.pending === 0) && processedCount() >= producer.produced;
    const now = Date.now();
    if (options.onProgress && (now - lastReport >= (options.progressIntervalMs ?? 1000) || done)) {
      const processed = processedCount();
      const lastArrival = Math.min(...pollers.map((p) => (p.pending > 0 ? (p.stats.lastArrivalMs ?? started) : now)));
      options.onProgress({
        elapsedMs: now - started,
        produced: producer.produced,
        processed,
        transactionsPerSecond: Math.round(((processed - lastProcessed) * 1000) / Math.max(1, now - lastReport)),
        lagMs: Math.max(0, now - lastArrival),
        topProducts: live.topProducts(5),
        newSpikes: spikes.slice(reportedSpikes),
        invocations: pollers.reduce((s, p) => s + p.stats.invocations, 0),
        errors: pollers.reduce((s, p) => s + p.stats.errors, 0),
      });
      reportedSpikes = spikes.length;
      lastReport = now;
      lastProcessed = processed;
    }
    if (done) return;
    if (!worked.some(Boolean)) await sleep(25);
  }
}

/** Live view only: units per product of the records seen valid the first time. */
class LiveView {
  private readonly unitsByProduct = new Map<string, number>();

  public constructor(private readonly enabled: boolean) {}

  public countUnits(batch: readonly StreamRecord[], statuses: readonly { sequenceNumber: string; status: string }[], outcomes: ReadonlyMap<string, unknown>): void {
    if (!this.enabled) return;
    for (let i = 0; i < batch.length; i++) {
      const key = `${batch[i].shardId}/${batch[i].sequenceNumber}`;
      if (statuses[i]?.status !== "valid" || outcomes.has(key)) continue;
      const tx = JSON.parse(Buffer.from(batch[i].data).toString("utf8")) as { items: { productId: string; quantity: number }[] };
      for (const it of tx.items) this.unitsByProduct.set(it.productId, (this.unitsByProduct.get(it.productId) ?? 0) + it.quantity);
    }
  }

  public topProducts(n: number): { productId: string; units: number }[] {
    return [...this.unitsByProduct.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([productId, units]) => ({ productId, units }));
  }
}
