/**
 * `platform local`: the real stream processor against kinesalite, dynalite
 * and s3rver, fed by an input file or the traffic generator, delivered by
 * {@link ShardPoller}s (one per shard, like parallelization factor 1).
 */
import { DynamoDBClient, ProvisionedThroughputExceededException, ScanCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, ListObjectsCommand, S3Client } from "@aws-sdk/client-s3";
import type { Environment } from "../../environments/schema";
import { InjectedCrashError, RejectionRule } from "../shared";
import { ProcessorConfig } from "../stream-processor/config";
import { productsOfItem } from "../stream-processor/itemDesign";
import { processRecords, ProcessorDeps, StreamRecord } from "../stream-processor/processor";
import { countByRule, QuarantineDocument, readQuarantine } from "../stream-processor/quarantine";
import { RecentIds } from "../stream-processor/RecentIds";
import { BaselineCache, SpikeDetail } from "../stream-processor/spikes";
import { createAggregatesTable, createBucket, createStream, startEmulators } from "./emulators";
import { seededRandom, TrafficGenerator } from "./generator";
import { InvokeResult, PollerSettings, RecordSource, ShardPoller } from "./poller";

/** The `--export` document (the format, exactly). */
export interface LocalExport {
  processed: number;
  valid: number;
  rejected: Partial<Record<RejectionRule, number>>;
  aggregates: { minute: string; productId: string; region: string; units: number; revenue: number; orders: number }[];
}

export interface FaultOptions {
  /** Probability that an aggregate UpdateItem is throttled. */
  readonly throttleRate: number;
  /** Probability that an invocation "crashes" after its writes were committed. */
  readonly crashRate: number;
  /** Probability that a successful batch is delivered again. */
  readonly redeliveryRate: number;
}

export const DEFAULT_FAULTS: FaultOptions = { throttleRate: 0.05, crashRate: 0.05, redeliveryRate: 0.05 };

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

export type LocalInput = { readonly kind: "lines"; readonly lines: readonly Buffer[] } | { readonly kind: "generate"; readonly rate: number; readonly durationSeconds: number };

export interface LocalRunOptions {
  readonly environment: Environment;
  readonly input: LocalInput;
  readonly faults?: FaultOptions;
  readonly seed?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Overrides of the event source mapping settings (default: the stack's limits.lambda). */
  readonly poller?: Partial<PollerSettings>;
}

const TABLE = "aggregates";
const QUARANTINE_BUCKET = "quarantine";
const STREAM = "transactions";
/** The e-mail hash key of local runs (never a deployed secret). */
export const LOCAL_HASH_KEY = "local-only-email-hash-key-not-a-secret";
/** Generated traffic: event-time minutes per wall-clock minute. */
export const SPEEDUP = 12;

export function processorConfigFor(env: Environment): ProcessorConfig {
  return {
    table: TABLE,
    quarantineBucket: QUARANTINE_BUCKET,
    quarantinePrefix: "quarantine/",
    spikeBusName: "local-bus",
    regions: new Set(env.salesRegions),
    currencies: new Set(env.currencies),
    spikes: { ratio: env.spikes.ratio, minUnits: env.spikes.minUnits, baselineMinutes: env.spikes.baselineMinutes, maxAlertsPerMinute: env.spikes.maxAlertsPerMinute },
    hotRetentionDays: env.workload.hotRetentionDays,
    maxRecordBytes: 102_400,
    productBuckets: 16,
    dedupCacheSize: 100_000,
  };
}

/** Wraps a DynamoDB client so aggregate updates are throttled at `rate`. */
export function throttlingDynamo(inner: Pick<DynamoDBClient, "send">, rate: number, random: () => number): Pick<DynamoDBClient, "send"> {
  return {
    send: ((command: unknown) => {
      if (command instanceof UpdateItemCommand && random() < rate) {
        return Promise.reject(new ProvisionedThroughputExceededException({ message: "injected throttling", $metadata: {} }));
      }
      return (inner.send as (c: unknown) => Promise<unknown>)(command);
    }) as DynamoDBClient["send"],
  };
}

/** Runs the pipeline to completion and returns the final state. */
export async function runLocalPipeline(options: LocalRunOptions): Promise<LocalExport> {
  const env = options.environment;
  const random = seededRandom(options.seed ?? 42);
  const shards = env.limits.kinesis.mode === "provisioned" ? env.limits.kinesis.shards : 2;
  const lambda = env.limits.lambda;
  const settings: PollerSettings = {
    batchSize: lambda.batchSize,
    batchingWindowMs: lambda.batchingWindowSeconds * 1000,
    maxRetries: options.faults ? -1 : lambda.maxRetries,
    bisectOnError: true,
    ...options.poller,
  };
  const emulators = await startEmulators({ kinesis: true, dynamo: true, s3: true, isolated: true });
  try {
    const kinesis = emulators.kinesis!;
    const dynamo = emulators.dynamo!;
    const s3 = emulators.s3!;
    await Promise.all([createStream(kinesis, STREAM, shards), createAggregatesTable(dynamo, TABLE), createBucket(s3, QUARANTINE_BUCKET)]);
    const config = processorConfigFor(env);
    const spikes: SpikeDetail[] = [];
    const events = {
      send: ((command: unknown) => {
        if (command instanceof PutEventsCommand) for (const e of command.input.Entries ?? []) spikes.push(JSON.parse(e.Detail ?? "{}") as SpikeDetail);
        return Promise.resolve({ FailedEntryCount: 0, Entries: [{ EventId: `local-${spikes.length}` }] });
      }) as unknown as ProcessorDeps["events"]["send"],
    };
    const faults = options.faults;
    const outcomes = new Map<string, RejectionRule | "valid">();
    // Live view only: units per product of the records seen valid the first time.
    const unitsByProduct = new Map<string, number>();
    const countUnits = (batch: readonly StreamRecord[], statuses: readonly { sequenceNumber: string; status: string }[]) => {
      if (!options.onProgress) return;
      for (let i = 0; i < batch.length; i++) {
        const key = `${batch[i].shardId}/${batch[i].sequenceNumber}`;
        if (statuses[i]?.status !== "valid" || outcomes.has(key)) continue;
        const tx = JSON.parse(Buffer.from(batch[i].data).toString("utf8")) as { items: { productId: string; quantity: number }[] };
        for (const it of tx.items) unitsByProduct.set(it.productId, (unitsByProduct.get(it.productId) ?? 0) + it.quantity);
      }
    };

    // Producer: PutRecords, 500 at a time.
    let produced = 0;
    let producing = true;
    const produce = async (records: { data: Buffer; key: string }[]) => {
      for (let i = 0; i < records.length; i += 500) {
        let batch = records.slice(i, i + 500);
        while (batch.length > 0) {
          const out = await kinesis.send(new PutRecordsCommand({ StreamName: STREAM, Records: batch.map((r) => ({ Data: r.data, PartitionKey: r.key })) }));
          const failed = batch.filter((_, j) => out.Records?.[j]?.ErrorCode);
          produced += batch.length - failed.length;
          batch = failed;
        }
      }
    };
    const producer = (async () => {
      try {
        if (options.input.kind === "lines") {
          await produce(options.input.lines.map((data, i) => ({ data, key: partitionKeyOf(data, i) })));
        } else {
          const { rate, durationSeconds } = options.input;
          const gen = new TrafficGenerator({ seed: options.seed ?? 42, products: 2000, zipfExponent: 1.1, regions: env.salesRegions, currencies: env.currencies });
          const start = Date.now();
          // Event time runs SPEEDUP times faster than the wall clock and ends now, so a short run builds spike baselines.
          const eventStart = start - durationSeconds * 1000 * (SPEEDUP - 1);
          let sent = 0;
          const spikeFrom = durationSeconds * 0.5;
          const spikeTo = durationSeconds * 0.8;
          while (Date.now() - start < durationSeconds * 1000) {
            const elapsed = (Date.now() - start) / 1000;
            const due = Math.min(Math.floor(elapsed * rate), Math.floor(durationSeconds * rate)) - sent;
            if (due <= 0) {
              await sleep(20);
              continue;
            }
            const inSpike = elapsed >= spikeFrom && elapsed < spikeTo;
            const batch = Array.from({ length: due }, () => {
              const tx = gen.transaction(eventStart + (Date.now() - start) * SPEEDUP, inSpike ? { rank: 137, share: 0.3 } : undefined);
              return { data: Buffer.from(JSON.stringify(tx)), key: tx.transactionId };
            });
            sent += due;
            await produce(batch);
          }
        }
      } finally {
        producing = false;
      }
    })();

    // Consumers: one poller per shard, each with its own "container" state.
    const listed = await kinesis.send(new ListShardsCommand({ StreamName: STREAM }));
    const pollers = (listed.Shards ?? []).map((shard) => {
      const source = kinesisSource(kinesis, shard.ShardId!, () => !producing);
      const deps: ProcessorDeps = {
        config,
        dynamo: faults ? throttlingDynamo(dynamo, faults.throttleRate, random) : dynamo,
        s3,
        events: events,
        hashKey: () => Promise.resolve(LOCAL_HASH_KEY),
        recent: new RecentIds(config.dedupCacheSize),
        baselines: new BaselineCache(),
      };
      const invoke = async (batch: readonly StreamRecord[]): Promise<InvokeResult> => {
        const deliver = async () => {
          const outcome = await processRecords(batch, deps);
          countUnits(batch, outcome.records);
          for (const r of outcome.records) outcomes.set(`${r.shardId}/${r.sequenceNumber}`, r.status === "rejected" ? r.rule! : "valid");
          return outcome;
        };
        const outcome = await deliver();
        if (faults && random() < faults.crashRate) throw new InjectedCrashError();
        if (faults && outcome.failedSequenceNumbers.length === 0 && random() < faults.redeliveryRate) await deliver();
        return { kind: "response", failedSequenceNumbers: outcome.failedSequenceNumbers };
      };
      return new ShardPoller(settings, source, invoke);
    });

    const started = Date.now();
    let lastReport = started;
    let lastProcessed = 0;
    let reportedSpikes = 0;
    const processedCount = () => pollers.reduce((s, p) => s + p.stats.checkpointed + p.stats.discarded, 0);
    for (;;) {
      const worked = await Promise.all(pollers.map((p) => p.step()));
      const done = !producing && pollers.every((p) => p.pending === 0) && processedCount() >= produced;
      const now = Date.now();
      if (options.onProgress && (now - lastReport >= (options.progressIntervalMs ?? 1000) || done)) {
        const processed = processedCount();
        const lastArrival = Math.min(...pollers.map((p) => (p.pending > 0 ? (p.stats.lastArrivalMs ?? started) : now)));
        options.onProgress({
          elapsedMs: now - started,
          produced,
          processed,
          transactionsPerSecond: Math.round(((processed - lastProcessed) * 1000) / Math.max(1, now - lastReport)),
          lagMs: Math.max(0, now - lastArrival),
          topProducts: topProducts(unitsByProduct, 5),
          newSpikes: spikes.slice(reportedSpikes),
          invocations: pollers.reduce((s, p) => s + p.stats.invocations, 0),
          errors: pollers.reduce((s, p) => s + p.stats.errors, 0),
        });
        reportedSpikes = spikes.length;
        lastReport = now;
        lastProcessed = processed;
      }
      if (done) break;
      if (!worked.some(Boolean)) await sleep(25);
    }
    await producer;
    return await exportState(dynamo, outcomes);
  } finally {
    await emulators.close();
  }
}

/** The partition key: the transactionId when the line has one (keeps a transaction's duplicates on one shard). */
function partitionKeyOf(data: Buffer, i: number): string {
  const m = /"transactionId"\s*:\s*"([^"]{1,200})"/.exec(data.subarray(0, 400).toString("latin1"));
  return m ? m[1] : `line-${i}`;
}

function topProducts(units: ReadonlyMap<string, number>, n: number): { productId: string; units: number }[] {
  return [...units.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([productId, u]) => ({ productId, units: u }));
}

/** Reads a shard from TRIM_HORIZON onwards. */
function kinesisSource(kinesis: KinesisClient, shardId: string, producerDone: () => boolean): RecordSource<StreamRecord> {
  let iterator: string | undefined;
  let caughtUp = false;
  const source = {
    get finished() {
      return producerDone() && caughtUp;
    },
    async read(): Promise<StreamRecord[]> {
      const wasDone = producerDone();
      iterator ??= (await kinesis.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
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
  return source;
}

/**
 * The final state: aggregates scanned from DynamoDB; counts from each record's
 * last outcome (by shard and sequence number, so redeliveries count once).
 */
export async function exportState(dynamo: Pick<DynamoDBClient, "send">, outcomes: ReadonlyMap<string, RejectionRule | "valid">): Promise<LocalExport> {
  const rejected: Partial<Record<RejectionRule, number>> = {};
  let valid = 0;
  for (const status of outcomes.values()) {
    if (status === "valid") valid++;
    else rejected[status] = (rejected[status] ?? 0) + 1;
  }
  const aggregates = await scanAggregates(dynamo, TABLE);
  return { processed: outcomes.size, valid, rejected: sortKeys(rejected), aggregates };
}

/** Every product figure in the table, sorted by minute, region, product. */
export async function scanAggregates(dynamo: Pick<DynamoDBClient, "send">, table: string): Promise<LocalExport["aggregates"]> {
  const out: LocalExport["aggregates"] = [];
  let startKey: Record<string, import("@aws-sdk/client-dynamodb").AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (!item.sk?.S?.startsWith("b")) continue;
      const [region, minute] = item.pk.S!.split("#") as [string, string];
      const plain: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(item)) if (v.N !== undefined) plain[k] = v.N;
      for (const p of productsOfItem(plain)) out.push({ minute, productId: p.productId, region, units: p.units, revenue: p.revenueCents / 100, orders: p.orders });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return out.sort((a, b) => a.minute.localeCompare(b.minute) || a.region.localeCompare(b.region) || a.productId.localeCompare(b.productId));
}

/**
 * The quarantined records under `prefix`, de-duplicated on (shardId,
 * sequenceNumber): every NDJSON object is read, overlapping objects written by
 * bisected or partial redeliveries hold some records twice.
 */
export async function readQuarantined(s3: Pick<S3Client, "send">, bucket: string, prefix = "quarantine/"): Promise<QuarantineDocument[]> {
  const bodies: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    // ListObjects (v1) with Marker: s3rver's v2 continuation tokens use DES, which Node's OpenSSL 3 refuses.
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: startAfter, MaxKeys: 1000 }));
    const contents = page.Contents ?? [];
    for (let i = 0; i < contents.length; i += 16) {
      const got = await Promise.all(contents.slice(i, i + 16).map(async (o) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }))).Body!.transformToString()));
      bodies.push(...got);
    }
    if (!page.IsTruncated || contents.length === 0) break;
    startAfter = contents[contents.length - 1].Key;
  }
  return readQuarantine(bodies);
}

/** Quarantined records by rule, counted once per (shardId, sequenceNumber). */
export async function countQuarantined(s3: Pick<S3Client, "send">, bucket: string, prefix = "quarantine/"): Promise<Partial<Record<string, number>>> {
  return countByRule(await readQuarantined(s3, bucket, prefix));
}

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) as T;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
