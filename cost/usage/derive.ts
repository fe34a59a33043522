/**
 * Usage derivation: each resource's monthly usage (expected and ceiling) from
 * the environment's workload and limits AND the resource graph, by the
 * formulas documented in docs/cost.md. Works on any StackResource[] (our
 * program under mocks, a preview, a state export). Pure.
 */
import type { Limits, Workload } from "../../environments/schema";
import { StackResource, containsUnknown } from "../../model/resources";
import { DAYS_PER_MONTH, GB, HOURS_PER_MONTH, KB, MB, SECONDS_PER_MONTH } from "../constants";
import { isProvisionedTable } from "../estimators/dynamodb";
import { firehoseBilledBytes, hasFormatConversion } from "../estimators/firehose";
import { isOnDemandStream } from "../estimators/kinesis";
import { LIFECYCLE_CLASS, S3Class } from "../estimators/s3";
import { at, boolAt, numAt, strAt } from "../estimators/types";
import { Usage } from "../types";
import { Amount, ZERO, amount, fixed, map, plus, sumAll, times, unbounded } from "./amount";
import { aggregateWrites } from "./aggregates";
import { ResourceGraph } from "./graph";
import { monthlyRuns } from "./schedule";

/** Modelling assumptions, each documented in docs/cost.md. Override any result with a usage file. */
export const ASSUMPTIONS = {
  /** Record size used for ceilings when no workload is given, in bytes. */
  defaultRecordBytes: 1024,
  /** An on-demand stream starts with 4 shards' capacity (4 MB/s) and grows with the peak. */
  onDemandMinShards: 4,
  /** Lambda polls a shard about once a second when the batching window is 0. */
  pollIntervalSeconds: 1,
  /** Billed duration of a batch invocation: fixed part + per record, ms. */
  batchBaseMs: 100,
  batchMsPerRecord: 1,
  /** Billed duration of any other invocation, ms. */
  defaultDurationMs: 1000,
  /** Custom metrics a function publishing Powertools/EMF metrics (POWERTOOLS_METRICS_NAMESPACE set) creates. */
  customMetricsPerFunction: 10,
  /** Log bytes one invocation ingests (START/END/REPORT platform lines in JSON plus one application line). */
  logBytesPerInvocation: 1024,
  /** Log bytes one failed Firehose delivery writes (ceiling only: errors are not expected). */
  logBytesPerDeliveryError: 512,
  /** Share of records a validating consumer sets aside (expected); the ceiling sets all aside. */
  rejectedShare: 0.01,
  /** Bytes of one quarantine NDJSON line besides the base64 payload (rule, message, source position). */
  quarantineLineOverheadBytes: 300,
  /** A quarantine body larger than this is split into parts (the processor's MAX_QUARANTINE_OBJECT_BYTES). */
  quarantinePartBytes: 5 * MB,
  /** Parquet (or GZIP/Snappy/ZIP) output size relative to the JSON input. */
  compressedRatio: 0.25,
  /** S3 lifecycle's default minimum object size for transitions (since September 2024), bytes. */
  minTransitionObjectBytes: 128 * KB,
  /** Size of one Athena result or report object written to S3, bytes. */
  resultObjectBytes: 1 * MB,
  /**
   * DynamoDB aggregates written by a stream consumer (docs/design.md): one item per sales region x
   * minute x product bucket, updated once per batch that touches it. Regions and products are
   * the brief's retailer (4 regions, ~2,000 products); 16 buckets is the processor's default.
   */
  aggregateRegions: 4,
  aggregateBuckets: 16,
  aggregateProducts: 2000,
  /** Zipf exponent of product popularity (the brief's retailer; the benchmark's traffic). */
  aggregateZipfExponent: 1.1,
  /** Item bytes as DynamoDB sizes them for WRU: pk (~23), sk (5), expiresAt (~16). */
  aggregateItemBaseBytes: 45,
  /** Per product: three names u#/r#/o#<6-char id> (24) and their numbers (~9). */
  aggregateBytesPerProduct: 33,
  /** Per shard that wrote the item: h#<shard> (3) + 3-digit length + a 56-digit Kinesis sequence number. */
  aggregateMarkBytes: 62,
  /** Products one UpdateItem expression holds (the processor's DEFAULT_MAX_PRODUCTS_PER_UPDATE). */
  aggregateProductsPerUpdate: 100,
  /** DynamoDB's per-item storage overhead, bytes. */
  dynamoItemOverheadBytes: 100,
  /** Smallest aggregate item, bytes (the 100-byte DynamoDB overhead included). */
  itemBytes: 256,
  /** DynamoDB: read request units per write for a writer that is not a stream consumer. */
  readsPerWrite: 0.5,
  /** Spike events a stream consumer publishes per invocation (expected); the ceiling allows one per (minute, product, region), at most one per record. */
  spikeEventsPerInvocation: 0.01,
  /** Small UpdateItems (1 WRU each) per spike event: the (minute, region, product) marker and the minute's alert-counter slot. */
  spikeWritesPerEvent: 2,
  /** Alarm notifications a month per alarm (one ALARM and one OK), expected. */
  alarmNotificationsPerMonth: 2,
  /** Months of accumulation assumed for storage that never expires (expected figure only). */
  accumulationMonthsWhenNoExpiry: 12,
  /** State-change events one Glue job or crawler run, or one state machine execution, can emit (ceiling only). */
  glueEventsPerRun: 3,
  /** Log bytes a Glue job writes per minute of run time (continuous logging). */
  glueLogBytesPerMinute: 100 * KB,
  /** Expected minutes of one Glue job run (the ceiling uses the timeout). */
  glueRunMinutes: 10,
  /** Glue's default job timeout, minutes. */
  glueDefaultTimeoutMinutes: 2880,
  /** Lambda's default timeout, seconds. */
  lambdaDefaultTimeoutSeconds: 3,
  /** Redshift Serverless bills at least 60 s per query burst. */
  redshiftSecondsPerQuery: 60,
} as const;

export type Ceiling = { readonly usage: Usage } | { readonly unbounded: string };

export interface Derived {
  readonly expected: Usage;
  readonly ceiling: Ceiling;
}

export interface DeriveOptions {
  readonly workload?: Workload;
  readonly limits?: Limits;
}

const T = {
  stream: "aws:kinesis/stream:Stream",
  lambda: "aws:lambda/function:Function",
  esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  table: "aws:dynamodb/table:Table",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  lifecycle: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"],
  notification: "aws:s3/bucketNotification:BucketNotification",
  workgroup: "aws:athena/workgroup:Workgroup",
  namedQuery: "aws:athena/namedQuery:NamedQuery",
  queue: "aws:sqs/queue:Queue",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  bus: "aws:cloudwatch/eventBus:EventBus",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  schedule: "aws:scheduler/schedule:Schedule",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  budget: "aws:budgets/budget:Budget",
  glueJob: "aws:glue/job:Job",
  crawler: "aws:glue/crawler:Crawler",
  trigger: "aws:glue/trigger:Trigger",
  sfn: "aws:sfn/stateMachine:StateMachine",
  rsWorkgroup: "aws:redshiftserverless/workgroup:Workgroup",
  rsUsageLimit: "aws:redshiftserverless/usageLimit:UsageLimit",
  qsDataSource: "aws:quicksight/dataSource:DataSource",
  nat: "aws:ec2/natGateway:NatGateway",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
} as const;

/** A stream's traffic: records a second (expected and ceiling) and the record size. */
interface StreamFlow {
  readonly recordsPerSec: Amount;
  readonly recordBytes: number;
  /** Shards expected (provisioned: shardCount; on-demand: what AWS scales to). */
  readonly shards: number;
}

/** What reaches a Lambda function in a month. */
interface LambdaFlow {
  readonly invocations: Amount;
  /** Records processed (stream and Firehose sources). */
  readonly records: Amount;
  readonly recordBytes: number;
  readonly durationMs: number;
  /** True when fed by a stream or a Firehose (a validating batch consumer). */
  readonly batch: boolean;
  /** Kinesis event source mappings feeding it: independent batch cutters (shards x parallelization), batch size, window. */
  readonly streamSources: readonly StreamSource[];
}

/** One Kinesis event source mapping of a function, as the batch formulas need it. */
interface StreamSource {
  /** Shards x parallelizationFactor: each cuts its own batches. */
  readonly pollers: number;
  readonly batchSize: number;
  /** Seconds a poller waits to fill a batch (the batching window, or the 1 s polling when 0). */
  readonly windowSeconds: number;
  /** The stream's record size (bytes). */
  readonly recordBytes: number;
  /** Per-poller records/s at the ceiling (null: unbounded). */
  readonly ceilingRecordsPerPollerSec: number | null;
}

/** Records in one batch when a poller receives `perPollerRps`: min(batch size, rate x window), at least 1. */
export function recordsPerBatch(perPollerRps: number, batchSize: number, windowSeconds: number): number {
  return perPollerRps <= 0 ? 0 : Math.max(1, Math.min(batchSize, perPollerRps * windowSeconds));
}

/** Bytes and objects landing under one S3 prefix. */
interface S3Write {
  readonly prefix: string;
  readonly bytes: Amount;
  readonly objects: Amount;
  readonly what: string;
}

export function deriveUsage(graph: ResourceGraph, options: DeriveOptions = {}): Map<string, Derived> {
  return new Deriver(graph, options).all();
}

class Deriver {
  private readonly streams = new Map<string, StreamFlow>();
  private readonly lambdas = new Map<string, LambdaFlow>();
  private readonly inProgress = new Set<string>();

  public constructor(
    private readonly g: ResourceGraph,
    private readonly o: DeriveOptions,
  ) {}

  public all(): Map<string, Derived> {
    const out = new Map<string, Derived>();
    for (const r of this.g.resources) {
      const d = this.derive(r);
      if (d) out.set(r.urn, d);
    }
    return out;
  }

  private derive(r: StackResource): Derived | undefined {
    switch (r.type) {
      case T.stream:
        return this.kinesis(r);
      case T.lambda:
        return this.lambda(r);
      case T.firehose:
        return this.firehose(r);
      case T.logGroup:
        return this.logGroup(r);
      case T.table:
        return this.dynamodb(r);
      case T.buckets[0]:
      case T.buckets[1]:
        return this.s3(r);
      case T.workgroup:
        return this.athena(r);
      case T.queue:
        return toDerived({ monthly_requests: times(this.queueMessages(r), 3) });
      case T.topic:
        return toDerived({ monthly_requests: this.topicPublishes(r) });
      case T.subscription: {
        const topic = this.g.resolveFrom(r, r.inputs.topic, T.topic);
        return toDerived({ monthly_requests: topic ? this.topicPublishes(topic) : unbounded(0, "its topic is not in the stack") });
      }
      case T.bus:
        return toDerived({ monthly_custom_events: this.busEvents(r) });
      case T.schedule:
        return toDerived({ monthly_invocations: fixed(monthlyRuns(strAt(r.inputs, "scheduleExpression")) ?? 0) });
      case T.glueJob:
        return this.glueJob(r);
      case T.crawler:
        return toDerived({ monthly_runs: unbounded(this.glueRuns(r) ?? 0, "a crawler run has no configurable time limit") });
      case T.sfn:
        return this.stepFunctions(r);
      case T.rsWorkgroup:
        return this.redshift(r);
      case T.qsDataSource: {
        const first = this.g.ofType(T.qsDataSource)[0] === r;
        const w = this.o.workload;
        return toDerived({ readers: fixed(first && w ? w.dashboardUsers : 0), authors: fixed(first && w ? w.dashboardAuthors : 0) });
      }
      case T.nat:
        return toDerived({ monthly_data_processed_gb: unbounded(0, "NAT gateway data processing has no configured bound") });
      case T.vpcEndpoint:
        return (strAt(r.inputs, "vpcEndpointType") ?? "Gateway").toLowerCase() === "interface"
          ? toDerived({ monthly_data_processed_gb: unbounded(0, "interface endpoint data processing has no configured bound") })
          : undefined;
      default:
        return undefined;
    }
  }

  // ---- Kinesis ---------------------------------------------------------------------------

  private streamFlow(s: StackResource): StreamFlow {
    const cached = this.streams.get(s.urn);
    if (cached) return cached;
    const w = this.o.workload;
    const k = this.o.limits?.kinesis;
    const recordBytes = w?.averageRecordBytes ?? ASSUMPTIONS.defaultRecordBytes;
    const expectedRps = w?.averageTps ?? 0;
    let ceilingRps: number | null;
    let why: string | undefined;
    let shards: number;
    if (isOnDemandStream(s.inputs)) {
      const peak = w?.peakTps ?? 0;
      shards = Math.max(ASSUMPTIONS.onDemandMinShards, Math.ceil((peak * recordBytes) / MB), Math.ceil(peak / 1000));
      if (k?.mode === "on-demand") ceilingRps = (k.maxWriteMBps * MB) / recordBytes;
      else {
        ceilingRps = null;
        why = "on-demand stream without limits.kinesis.maxWriteMBps";
      }
    } else {
      shards = numAt(s.inputs, "shardCount") ?? 1;
      ceilingRps = this.maxShards(s) * Math.min(1000, MB / recordBytes);
    }
    const flow: StreamFlow = { recordsPerSec: amount(expectedRps, ceilingRps, why), recordBytes, shards };
    this.streams.set(s.urn, flow);
    return flow;
  }

  private maxShards(s: StackResource): number {
    const k = this.o.limits?.kinesis;
    return k?.mode === "provisioned" ? k.maxShards : (numAt(s.inputs, "shardCount") ?? 1);
  }

  /** Standard consumers reading a stream: event source mappings and Firehose sources. */
  private consumers(s: StackResource): number {
    const esms = this.g.ofType(T.esm).filter((m) => this.g.links(m, m.inputs.eventSourceArn, s)).length;
    const hoses = this.g.ofType(T.firehose).filter((f) => this.g.links(f, at(f.inputs, "kinesisSourceConfiguration.kinesisStreamArn"), s)).length;
    return esms + hoses;
  }

  private kinesis(s: StackResource): Derived {
    const f = this.streamFlow(s);
    const records = times(f.recordsPerSec, SECONDS_PER_MONTH);
    if (isOnDemandStream(s.inputs)) {
      const gbIn = times(records, (Math.ceil(f.recordBytes / KB) * KB) / GB);
      return toDerived({ monthly_on_demand_data_in_gb: gbIn, monthly_on_demand_data_out_gb: times(gbIn, this.consumers(s)) });
    }
    const unitsPerRecord = Math.ceil(f.recordBytes / (25 * KB));
    const shards = numAt(s.inputs, "shardCount") ?? 1;
    return toDerived({ monthly_provisioned_put_units: times(records, unitsPerRecord), shard_count: amount(shards, this.maxShards(s)) });
  }

  // ---- Lambda ----------------------------------------------------------------------------

  private lambdaFlow(fn: StackResource): LambdaFlow {
    const cached = this.lambdas.get(fn.urn);
    if (cached) return cached;
    const empty: LambdaFlow = { invocations: ZERO, records: ZERO, recordBytes: 0, durationMs: ASSUMPTIONS.defaultDurationMs, batch: false, streamSources: [] };
    if (this.inProgress.has(fn.urn)) return empty;
    this.inProgress.add(fn.urn);
    const parts: { invocations: Amount; records: Amount; recordBytes: number }[] = [];
    const streamSources: StreamSource[] = [];
    // Kinesis event source mappings.
    for (const m of this.g.ofType(T.esm).filter((m) => this.g.links(m, m.inputs.functionName, fn))) {
      const s = this.g.resolveFrom(m, m.inputs.eventSourceArn, T.stream);
      if (!s) continue;
      const flow = this.streamFlow(s);
      const pollers = flow.shards * (numAt(m.inputs, "parallelizationFactor") ?? 1);
      const batch = numAt(m.inputs, "batchSize") ?? 100;
      const window = numAt(m.inputs, "maximumBatchingWindowInSeconds") ?? 0;
      const perPoller = flow.recordsPerSec.e / pollers;
      const invPerSec = perPoller <= 0 ? 0 : pollers * Math.min(perPoller, Math.max(1 / (window > 0 ? window : ASSUMPTIONS.pollIntervalSeconds), perPoller / batch));
      streamSources.push({
        pollers,
        batchSize: batch,
        windowSeconds: window > 0 ? window : ASSUMPTIONS.pollIntervalSeconds,
        recordBytes: flow.recordBytes,
        ceilingRecordsPerPollerSec: flow.recordsPerSec.c === null ? null : flow.recordsPerSec.c / pollers,
      });
      parts.push({ invocations: fixed(invPerSec * SECONDS_PER_MONTH), records: times(flow.recordsPerSec, SECONDS_PER_MONTH), recordBytes: flow.recordBytes });
    }
    // Firehose data transformation.
    for (const h of this.g.ofType(T.firehose)) {
      const processors = at(h.inputs, "extendedS3Configuration.processingConfiguration.processors") ?? at(h.inputs, "redshiftConfiguration.processingConfiguration.processors");
      if (!Array.isArray(processors)) continue;
      for (const p of processors as Record<string, unknown>[]) {
        const params = Array.isArray(p.parameters) ? (p.parameters as { parameterName?: string; parameterValue?: string }[]) : [];
        const param = (n: string) => params.find((x) => x.parameterName === n)?.parameterValue;
        if (!this.g.links(h, param("LambdaArn"), fn)) continue;
        const src = this.firehoseRecords(h);
        const bufferBytes = Number(param("BufferSizeInMBs") ?? 1) * MB;
        const interval = Number(param("BufferIntervalInSeconds") ?? 60);
        const bytesPerSec = (src.recordsPerSec.e * src.recordBytes) || 0;
        const invPerSec = bytesPerSec <= 0 ? 0 : Math.max(bytesPerSec / bufferBytes, 1 / interval);
        parts.push({ invocations: fixed(invPerSec * SECONDS_PER_MONTH), records: times(src.recordsPerSec, SECONDS_PER_MONTH), recordBytes: src.recordBytes });
      }
    }
    // Schedules, rule targets, SNS subscriptions, bucket notifications.
    const scheduled = this.scheduledRuns(fn);
    if (scheduled > 0) parts.push({ invocations: fixed(scheduled), records: ZERO, recordBytes: 0 });
    for (const sub of this.g.ofType(T.subscription).filter((x) => strAt(x.inputs, "protocol") === "lambda" && this.g.links(x, x.inputs.endpoint, fn))) {
      const topic = this.g.resolveFrom(sub, sub.inputs.topic, T.topic);
      if (topic) parts.push({ invocations: this.topicPublishes(topic), records: ZERO, recordBytes: 0 });
    }
    for (const n of this.g.ofType(T.notification)) {
      const fns = at(n.inputs, "lambdaFunctions");
      if (Array.isArray(fns) && fns.some((x) => this.g.links(n, (x as Record<string, unknown>).lambdaFunctionArn, fn))) {
        const files = (this.o.workload?.batchFilesPerDay ?? 0) * DAYS_PER_MONTH;
        parts.push({ invocations: fixed(files), records: ZERO, recordBytes: 0 });
      }
    }

    const invocations = sumAll(parts.map((p) => p.invocations));
    const records = sumAll(parts.map((p) => p.records));
    const batch = parts.some((p) => p.recordBytes > 0);
    const recordBytes = batch ? Math.max(...parts.map((p) => p.recordBytes)) : 0;
    const timeoutMs = (numAt(fn.inputs, "timeout") ?? ASSUMPTIONS.lambdaDefaultTimeoutSeconds) * 1000;
    const perInvocation = invocations.e > 0 ? records.e / invocations.e : 0;
    const durationMs = Math.min(timeoutMs, batch ? ASSUMPTIONS.batchBaseMs + ASSUMPTIONS.batchMsPerRecord * perInvocation : ASSUMPTIONS.defaultDurationMs);
    // Ceiling: reserved concurrency running all month.
    const reserved = numAt(fn.inputs, "reservedConcurrentExecutions");
    const ceilingInvocations =
      reserved === undefined || reserved < 0
        ? unbounded(invocations.e, "no reservedConcurrentExecutions")
        : amount(invocations.e, (reserved * SECONDS_PER_MONTH * 1000) / durationMs);
    const flow: LambdaFlow = { invocations: ceilingInvocations, records, recordBytes, durationMs, batch, streamSources };
    this.lambdas.set(fn.urn, flow);
    this.inProgress.delete(fn.urn);
    return flow;
  }

  private lambda(fn: StackResource): Derived {
    const f = this.lambdaFlow(fn);
    const metrics = at(fn.inputs, "environment.variables.POWERTOOLS_METRICS_NAMESPACE") !== undefined ? ASSUMPTIONS.customMetricsPerFunction : 0;
    return toDerived({ monthly_requests: f.invocations, request_duration_ms: fixed(f.durationMs), ...(metrics > 0 ? { custom_metrics: fixed(metrics) } : {}) });
  }

  /** Invocations a month from Scheduler schedules and scheduled EventBridge rules targeting the resource. */
  private scheduledRuns(target: StackResource): number {
    let runs = 0;
    for (const s of this.g.ofType(T.schedule)) {
      if (this.g.links(s, at(s.inputs, "target.arn"), target)) runs += monthlyRuns(strAt(s.inputs, "scheduleExpression")) ?? 0;
    }
    for (const t of this.g.ofType(T.target)) {
      if (!this.g.links(t, t.inputs.arn, target)) continue;
      const rule = this.g.resolveFrom(t, t.inputs.rule, T.rule);
      if (rule) runs += monthlyRuns(strAt(rule.inputs, "scheduleExpression")) ?? 0;
    }
    return runs;
  }

  /** Lambda functions whose environment variables name the resource. */
  private envWriters(r: StackResource): { fn: StackResource; variable: string; vars: Record<string, unknown> }[] {
    const out: { fn: StackResource; variable: string; vars: Record<string, unknown> }[] = [];
    for (const fn of this.g.ofType(T.lambda)) {
      const vars = at(fn.inputs, "environment.variables");
      if (!vars || typeof vars !== "object") continue;
      for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
        if (this.g.refersTo(v, r) || (containsUnknown(v) && fn.dependencies.includes(r.urn))) {
          out.push({ fn, variable: k, vars: vars as Record<string, unknown> });
          break;
        }
      }
    }
    return out;
  }

  // ---- Firehose ---------------------------------------------------------------------------

  private firehoseRecords(h: StackResource): { recordsPerSec: Amount; recordBytes: number } {
    const s = this.g.resolveFrom(h, at(h.inputs, "kinesisSourceConfiguration.kinesisStreamArn"), T.stream);
    if (s) {
      const f = this.streamFlow(s);
      return { recordsPerSec: f.recordsPerSec, recordBytes: f.recordBytes };
    }
    // Direct PUT: the application's events (the workload's transactions) arrive from outside the stack.
    return { recordsPerSec: unbounded(this.o.workload?.averageTps ?? 0, "Direct PUT stream: nothing in the stack bounds what producers send"), recordBytes: this.o.workload?.averageRecordBytes ?? ASSUMPTIONS.defaultRecordBytes };
  }

  private firehose(h: StackResource): Derived {
    const src = this.firehoseRecords(h);
    const gb = times(src.recordsPerSec, (SECONDS_PER_MONTH * firehoseBilledBytes(src.recordBytes)) / GB);
    return toDerived({ monthly_data_ingested_gb: gb, ...(boolAt(h.inputs, "extendedS3Configuration.dynamicPartitioningConfiguration.enabled") ? { monthly_delivered_objects: this.firehoseObjects(h) } : {}) });
  }

  private firehoseObjects(h: StackResource): Amount {
    const src = this.firehoseRecords(h);
    const bufferBytes = (numAt(h.inputs, "extendedS3Configuration.bufferingSize") ?? 5) * MB;
    const interval = numAt(h.inputs, "extendedS3Configuration.bufferingInterval") ?? 300;
    return map(src.recordsPerSec, (rps) => (rps <= 0 ? 0 : Math.max((rps * src.recordBytes) / bufferBytes, 1 / interval) * SECONDS_PER_MONTH));
  }

  // ---- CloudWatch Logs -------------------------------------------------------------------------

  private logGroup(lg: StackResource): Derived {
    const name = strAt(lg.inputs, "name") ?? strAt(lg.outputs, "name");
    const writers: Amount[] = [];
    for (const fn of this.g.ofType(T.lambda)) {
      const explicit = this.g.links(fn, at(fn.inputs, "loggingConfig.logGroup"), lg);
      const fnName = strAt(fn.inputs, "name") ?? strAt(fn.outputs, "name") ?? fn.name;
      const implicit = at(fn.inputs, "loggingConfig.logGroup") === undefined && name === `/aws/lambda/${fnName}`;
      if (explicit || implicit) writers.push(times(this.lambdaFlow(fn).invocations, ASSUMPTIONS.logBytesPerInvocation / GB));
    }
    for (const job of this.g.ofType(T.glueJob)) {
      if (!this.g.links(job, at(job.inputs, "defaultArguments.--continuous-log-logGroup"), lg)) continue;
      const d = this.glueJob(job);
      const hours = d.expected.monthly_hours ?? 0;
      const ceilingHours = "usage" in d.ceiling ? (d.ceiling.usage.monthly_hours ?? hours) : null;
      const perHour = (ASSUMPTIONS.glueLogBytesPerMinute * 60) / GB;
      writers.push(amount(hours * perHour, ceilingHours === null ? null : ceilingHours * perHour, "its Glue job has no bound"));
    }
    for (const h of this.g.ofType(T.firehose)) {
      const logName =
        at(h.inputs, "extendedS3Configuration.cloudwatchLoggingOptions.logGroupName") ??
        at(h.inputs, "redshiftConfiguration.cloudwatchLoggingOptions.logGroupName") ??
        at(h.inputs, "redshiftConfiguration.s3Configuration.cloudwatchLoggingOptions.logGroupName");
      if (!this.g.links(h, logName, lg)) continue;
      // Delivery errors are logged per failed delivery (one per buffer flush at most); none expected.
      const flushes = this.firehoseObjects(h);
      writers.push(amount(0, flushes.c === null ? null : (flushes.c * ASSUMPTIONS.logBytesPerDeliveryError) / GB, flushes.why));
    }
    const ingest = writers.length > 0 ? sumAll(writers) : unbounded(0, "no writer in the stack bounds its ingestion");
    const retention = numAt(lg.inputs, "retentionInDays") ?? 0;
    const storage =
      retention > 0
        ? times(ingest, retention / DAYS_PER_MONTH)
        : unbounded(ingest.e * ASSUMPTIONS.accumulationMonthsWhenNoExpiry, "logs never expire (no retentionInDays)");
    return toDerived({ monthly_data_ingested_gb: ingest, storage_gb: storage });
  }

  // ---- DynamoDB -----------------------------------------------------------------------------

  /** Regimes of a month: (share of the time, transactions/s): peak hours at peakTps, the rest at the rate that keeps averageTps. */
  private trafficRegimes(): { share: number; tps: number }[] {
    const w = this.o.workload;
    if (!w || w.averageTps <= 0) return [];
    const h = Math.min(24, Math.max(0, w.peakHoursPerDay));
    const off = h < 24 ? (w.averageTps * 24 - w.peakTps * h) / (24 - h) : 0;
    if (h <= 0 || h >= 24 || w.peakTps <= w.averageTps || off < 0) return [{ share: 1, tps: w.averageTps }];
    return [
      { share: h / 24, tps: w.peakTps },
      { share: 1 - h / 24, tps: off },
    ];
  }

  /** Spike events a function publishes (expected and ceiling), bounded by SPIKE_MAX_ALERTS_PER_MINUTE when it sets it. */
  private spikeEvents(fn: StackResource, f: LambdaFlow): Amount {
    const vars = at(fn.inputs, "environment.variables") as Record<string, unknown> | undefined;
    const cap = Number(vars?.SPIKE_MAX_ALERTS_PER_MINUTE);
    const minutes = SECONDS_PER_MONTH / 60;
    // Without a cap: at most one per (minute, product, region), and never more than one per record.
    const perKeyMinute = ASSUMPTIONS.aggregateProducts * this.aggregateRegions(fn) * minutes;
    const bound = Number.isFinite(cap) && cap >= 0 ? cap * minutes : f.records.c === null ? perKeyMinute : Math.min(f.records.c, perKeyMinute);
    return amount(Math.min(bound, f.invocations.e * ASSUMPTIONS.spikeEventsPerInvocation), bound);
  }

  /** Sales regions a stream consumer aggregates by (its SALES_REGIONS), else the assumption. */
  private aggregateRegions(fn: StackResource): number {
    const v = at(fn.inputs, "environment.variables.SALES_REGIONS");
    return typeof v === "string" && v.trim() !== "" ? v.split(",").filter((x) => x.trim() !== "").length : ASSUMPTIONS.aggregateRegions;
  }

  private aggregateBuckets(fn: StackResource): number {
    const v = Number(at(fn.inputs, "environment.variables.PRODUCT_BUCKETS"));
    return Number.isInteger(v) && v > 0 ? v : ASSUMPTIONS.aggregateBuckets;
  }

  private dynamodb(t: StackResource): Derived {
    const A = ASSUMPTIONS;
    const w = this.o.workload;
    let keys = 0;
    let wruMonth = 0;
    let rruMonth = 0;
    let itemBytes = 0;
    for (const { fn } of this.envWriters(t)) {
      const f = this.lambdaFlow(fn);
      if (!f.batch || f.invocations.e <= 0 || f.streamSources.length === 0) {
        wruMonth += f.invocations.e;
        rruMonth += f.invocations.e * A.readsPerWrite;
        continue;
      }
      // The aggregates written by a stream consumer (cost/usage/aggregates.ts, docs/cost.md): per
      // traffic regime, records per batch from the event source mapping, item growth through the minute.
      const regions = this.aggregateRegions(fn);
      const buckets = this.aggregateBuckets(fn);
      keys += regions * buckets;
      let finalBytes = 0;
      let pollersAll = 0;
      for (const src of f.streamSources) {
        pollersAll += src.pollers;
        for (const { share, tps } of this.trafficRegimes()) {
          const m = aggregateWrites({
            tps,
            recordsPerBatch: recordsPerBatch(tps / src.pollers, src.batchSize, src.windowSeconds),
            shards: src.pollers,
            linesPerTransaction: w?.itemsPerTransaction ?? 1,
            regions,
            buckets,
            products: A.aggregateProducts,
            zipfExponent: A.aggregateZipfExponent,
            itemBaseBytes: A.aggregateItemBaseBytes,
            bytesPerProduct: A.aggregateBytesPerProduct,
            markBytes: A.aggregateMarkBytes,
            maxProductsPerUpdate: A.aggregateProductsPerUpdate,
          });
          wruMonth += share * m.wruPerSecond * SECONDS_PER_MONTH;
          finalBytes += share * m.finalItemBytes;
        }
      }
      finalBytes /= f.streamSources.length;
      itemBytes = Math.max(itemBytes, finalBytes);
      // Spikes: a marker item and a slot of the minute's alert counter (two small UpdateItems) per event.
      wruMonth += this.spikeEvents(fn, f).e * A.spikeWritesPerEvent;
      // Spike baselines: each container (one per poller) reads each region-bucket item of the minute
      // that just ended once (BatchGetItem, eventually consistent: 0.5 RRU per started 4 KB), then caches it.
      rruMonth += pollersAll * regions * buckets * (SECONDS_PER_MONTH / 60) * 0.5 * Math.max(1, Math.ceil(finalBytes / (4 * KB)));
    }
    if (keys === 0) keys = A.aggregateRegions * A.aggregateBuckets;
    // Stored items carry DynamoDB's 100-byte per-item overhead.
    itemBytes = itemBytes > 0 ? itemBytes + A.dynamoItemOverheadBytes : A.itemBytes;
    const ttl = boolAt(t.inputs, "ttl.enabled") === true;
    const hotDays = w?.hotRetentionDays;
    // Items alive: one per key and minute over the TTL; the ceiling assumes every write makes a new item.
    const expectedItems = wruMonth > 0 ? (ttl && hotDays !== undefined ? keys * hotDays * 1440 : keys * 1440 * DAYS_PER_MONTH * A.accumulationMonthsWhenNoExpiry) : 0;
    const expectedStorage = (expectedItems * itemBytes) / GB;
    const storageFor = (wruPerSec: number | null): number | null => {
      if (wruPerSec === null || !ttl || hotDays === undefined) return null;
      return Math.max(expectedStorage, (wruPerSec * 86400 * hotDays * KB) / GB);
    };
    const storageWhy = ttl ? "TTL is on but no workload gives hotRetentionDays" : "items never expire (no TTL)";
    const pitr = boolAt(t.inputs, "pointInTimeRecovery.enabled") === true;

    if (isProvisionedTable(t.inputs)) {
      const dims = (["Write", "Read"] as const).map((dim) => {
        const target = this.g.ofType(T.scalingTarget).find((x) => this.g.links(x, x.inputs.resourceId, t) && strAt(x.inputs, "scalableDimension") === `dynamodb:table:${dim}CapacityUnits`);
        const prop = numAt(t.inputs, `${dim.toLowerCase()}Capacity`) ?? 0;
        if (!target) return amount(prop, prop);
        const policy = this.g.ofType(T.scalingPolicy).find((p) => this.g.links(p, p.inputs.resourceId, t) && strAt(p.inputs, "scalableDimension") === `dynamodb:table:${dim}CapacityUnits`);
        const util = (numAt(policy?.inputs, "targetTrackingScalingPolicyConfiguration.targetValue") ?? (this.o.limits?.dynamodb.billingMode === "provisioned" ? this.o.limits.dynamodb.targetUtilization : 70)) / 100;
        const min = numAt(target.inputs, "minCapacity") ?? prop;
        const max = numAt(target.inputs, "maxCapacity") ?? prop;
        const needed = (dim === "Write" ? wruMonth : rruMonth) / SECONDS_PER_MONTH / util;
        return amount(Math.min(max, Math.max(min, needed)), max);
      });
      const maxWcu = dims[0]!.c;
      const storage = amount(expectedStorage, storageFor(maxWcu), storageWhy);
      return toDerived({ write_capacity_units: dims[0]!, read_capacity_units: dims[1]!, storage_gb: storage, ...(pitr ? { pitr_backup_storage_gb: storage } : {}) });
    }
    const maxW = numAt(t.inputs, "onDemandThroughput.maxWriteRequestUnits");
    const maxR = numAt(t.inputs, "onDemandThroughput.maxReadRequestUnits");
    const why = "on-demand table without onDemandThroughput maximums";
    const wru = amount(wruMonth, maxW === undefined || maxW < 0 ? null : maxW * SECONDS_PER_MONTH, why);
    const rru = amount(rruMonth, maxR === undefined || maxR < 0 ? null : maxR * SECONDS_PER_MONTH, why);
    const storage = amount(expectedStorage, maxW === undefined || maxW < 0 ? null : storageFor(maxW), maxW === undefined ? why : storageWhy);
    return toDerived({ monthly_write_request_units: wru, monthly_read_request_units: rru, storage_gb: storage, ...(pitr ? { pitr_backup_storage_gb: storage } : {}) });
  }

  // ---- S3 ------------------------------------------------------------------------------------

  private s3Writes(b: StackResource): S3Write[] {
    const writes: S3Write[] = [];
    for (const h of this.g.ofType(T.firehose)) {
      const arn = at(h.inputs, "extendedS3Configuration.bucketArn") ?? at(h.inputs, "redshiftConfiguration.s3Configuration.bucketArn") ?? at(h.inputs, "s3Configuration.bucketArn");
      if (!this.g.links(h, arn, b)) continue;
      const src = this.firehoseRecords(h);
      const compressed = hasFormatConversion(h.inputs) || !["UNCOMPRESSED", undefined].includes(strAt(h.inputs, "extendedS3Configuration.compressionFormat"));
      const ratio = compressed ? ASSUMPTIONS.compressedRatio : 1;
      writes.push({
        prefix: staticPrefix(strAt(h.inputs, "extendedS3Configuration.prefix") ?? strAt(h.inputs, "s3Configuration.prefix") ?? ""),
        bytes: times(src.recordsPerSec, SECONDS_PER_MONTH * src.recordBytes * ratio),
        objects: this.firehoseObjects(h),
        what: `delivery from ${h.name}`,
      });
    }
    for (const { fn, variable, vars } of this.envWriters(b)) {
      const stem = variable.replace(/_(BUCKET|BUCKET_NAME)$/, "");
      const prefix = typeof vars[`${stem}_PREFIX`] === "string" ? (vars[`${stem}_PREFIX`] as string) : "";
      const f = this.lambdaFlow(fn);
      if (f.batch) {
        // A validating consumer sets rejected records aside as ONE NDJSON object per invocation that has
        // any (functions/stream-processor/quarantine.ts), split into parts above 5 MB. Expected: invocations
        // x P(at least one of its R records rejected). Ceiling: every record rejected, one object per
        // invocation plus one more part per 5 MB of body, never more than one per record.
        const recs = f.records;
        const lineBytes = quarantineLineBytes(f.recordBytes);
        const perInvocation = f.invocations.e > 0 ? recs.e / f.invocations.e : 0;
        const withRejects = 1 - Math.pow(1 - ASSUMPTIONS.rejectedShare, perInvocation);
        const ceilingBytes = recs.c === null ? null : recs.c * lineBytes;
        const ceilingObjects =
          recs.c === null || f.invocations.c === null || ceilingBytes === null
            ? null
            : Math.min(recs.c, f.invocations.c + ceilingBytes / ASSUMPTIONS.quarantinePartBytes);
        writes.push({
          prefix,
          bytes: amount(recs.e * ASSUMPTIONS.rejectedShare * lineBytes, ceilingBytes, recs.why),
          objects: amount(f.invocations.e * withRejects, ceilingObjects, recs.why ?? f.invocations.why),
          what: `records set aside by ${fn.name}`,
        });
      } else {
        writes.push({ prefix, bytes: times(f.invocations, ASSUMPTIONS.resultObjectBytes), objects: f.invocations, what: `objects written by ${fn.name}` });
      }
    }
    const w = this.o.workload;
    const landingBytes = w ? (w.batchFilesPerDay * w.batchFileMb * MB * DAYS_PER_MONTH) : 0;
    const landingFiles = w ? w.batchFilesPerDay * DAYS_PER_MONTH : 0;
    const outside = "files uploaded from outside the stack have no bound";
    // A landing zone: crawled by Glue or watched by bucket notifications, fed by the workload's batch files.
    const crawled = this.g.ofType(T.crawler).some((c) => ((at(c.inputs, "s3Targets") as Record<string, unknown>[] | undefined) ?? []).some((t) => this.g.links(c, t.path, b)));
    const notified = this.g.ofType(T.notification).some((n) => this.g.links(n, n.inputs.bucket, b));
    if (crawled || notified) {
      const target = this.g.ofType(T.crawler).flatMap((c) => (at(c.inputs, "s3Targets") as Record<string, unknown>[] | undefined) ?? []).find((t) => this.g.refersTo(t.path, b));
      const prefix = typeof target?.path === "string" ? target.path.replace(/^s3:\/\/[^/]+\/?/, "") : "";
      writes.push({ prefix, bytes: unbounded(landingBytes, outside), objects: unbounded(landingFiles, outside), what: "batch files landing" });
    }
    // Glue jobs writing to s3:// paths named in their arguments (not their temporary directory).
    for (const job of this.g.ofType(T.glueJob)) {
      const args = at(job.inputs, "defaultArguments");
      if (!args || typeof args !== "object") continue;
      for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
        if (k === "--TempDir" || typeof v !== "string" || !v.startsWith("s3://") || !this.g.refersTo(v, b)) continue;
        const runs = this.glueRuns(job) ?? (this.o.limits ? this.o.limits.glue.runsPerDay * DAYS_PER_MONTH : 0);
        const share = /REJECT|ERROR|QUARANTINE/i.test(k) ? ASSUMPTIONS.rejectedShare : ASSUMPTIONS.compressedRatio;
        const perRun = runs > 0 ? (landingBytes * share) / runs : 0;
        writes.push({ prefix: v.replace(/^s3:\/\/[^/]+\/?/, ""), bytes: unbounded(perRun * runs, outside), objects: unbounded(runs * (numAt(job.inputs, "numberOfWorkers") ?? 1), outside), what: `output of ${job.name} (${k})` });
      }
    }
    for (const wg of this.g.ofType(T.workgroup)) {
      const loc = strAt(wg.inputs, "configuration.resultConfiguration.outputLocation");
      if (!this.g.links(wg, loc, b)) continue;
      const queries = this.athenaQueries(wg);
      writes.push({ prefix: loc!.replace(/^s3:\/\/[^/]+\/?/, ""), bytes: times(queries, ASSUMPTIONS.resultObjectBytes), objects: queries, what: `query results of ${wg.name}` });
    }
    return writes;
  }

  private lifecycleRules(b: StackResource): Record<string, unknown>[] {
    const rules: Record<string, unknown>[] = [];
    for (const lc of this.g.ofType(...T.lifecycle)) {
      if (!this.g.links(lc, lc.inputs.bucket, b)) continue;
      const rs = lc.inputs.rules;
      if (Array.isArray(rs)) rules.push(...(rs as Record<string, unknown>[]).filter((r) => (r.status ?? "Enabled") === "Enabled"));
    }
    const inline = b.inputs.lifecycleRules;
    if (Array.isArray(inline)) {
      for (const r of inline as Record<string, unknown>[]) {
        if (r.enabled === false) continue;
        rules.push({ filter: { prefix: r.prefix ?? "" }, expiration: r.expiration, transitions: r.transitions });
      }
    }
    return rules;
  }

  private s3(b: StackResource): Derived {
    const writes = this.s3Writes(b);
    const rules = this.lifecycleRules(b);
    const byClass = new Map<S3Class, Amount>();
    const transitions = new Map<S3Class, Amount>();
    const add = (m: Map<S3Class, Amount>, k: S3Class, a: Amount) => m.set(k, plus(m.get(k) ?? ZERO, a));
    let objects = ZERO;
    for (const wr of writes) {
      objects = plus(objects, wr.objects);
      const rule = matchRule(rules, wr.prefix);
      const expire = rule ? numAt(rule, "expiration.days") : undefined;
      const daily = times(wr.bytes, 1 / DAYS_PER_MONTH / GB);
      if (expire === undefined) {
        add(byClass, "standard", unbounded(daily.e * DAYS_PER_MONTH * ASSUMPTIONS.accumulationMonthsWhenNoExpiry, `objects under "${wr.prefix}" (${wr.what}) never expire`));
        continue;
      }
      // Since September 2024 lifecycle rules do not transition objects under 128 KB by default.
      const objectBytes = wr.objects.e > 0 ? wr.bytes.e / wr.objects.e : 0;
      const transitionsApply = objectBytes >= ASSUMPTIONS.minTransitionObjectBytes || numAt(rule, "filter.objectSizeGreaterThan") !== undefined;
      const steps = (transitionsApply && Array.isArray(rule?.transitions) ? rule.transitions : [] as Record<string, unknown>[])
        .map((t) => ({ days: Number(t.days ?? 0), cls: LIFECYCLE_CLASS[String(t.storageClass)] }))
        .filter((t): t is { days: number; cls: S3Class } => t.cls !== undefined && t.days < expire)
        .sort((a, b) => a.days - b.days);
      let from = 0;
      let cls: S3Class = "standard";
      for (const step of steps) {
        add(byClass, cls, times(daily, step.days - from));
        add(transitions, step.cls, wr.objects);
        from = step.days;
        cls = step.cls;
      }
      add(byClass, cls, times(daily, expire - from));
    }
    if (writes.length === 0) {
      add(byClass, "standard", unbounded(0, "no writer in the stack bounds what lands in it"));
    }
    const usage: Record<string, Amount> = { "standard.monthly_tier_1_requests": objects };
    for (const [cls, a] of byClass) usage[`${cls}.storage_gb`] = a;
    for (const [cls, a] of transitions) usage[`${cls}.monthly_lifecycle_transition_requests`] = a;
    return toDerived(usage);
  }

  // ---- Athena ----------------------------------------------------------------------------------

  private athenaQueries(wg: StackResource): Amount {
    const w = this.o.workload;
    const analysts = w ? w.queriesPerDay * DAYS_PER_MONTH : 0;
    const named = this.g.ofType(T.namedQuery).filter((q) => this.g.links(q, q.inputs.workgroup, wg)).length;
    const reports = this.envWriters(wg).reduce((acc, { fn }) => acc + this.lambdaFlow(fn).invocations.e * Math.max(1, named), 0);
    return fixed(analysts + reports);
  }

  private athena(wg: StackResource): Derived {
    const queries = this.athenaQueries(wg);
    const perQuery = this.o.workload?.scannedGbPerQuery ?? 0;
    const cutoff = numAt(wg.inputs, "configuration.bytesScannedCutoffPerQuery");
    return toDerived({
      monthly_queries: queries,
      data_scanned_gb_per_query: amount(perQuery, cutoff === undefined ? null : Math.max(perQuery, cutoff / GB), "no bytesScannedCutoffPerQuery"),
    });
  }

  // ---- Messaging ------------------------------------------------------------------------------

  private queueMessages(q: StackResource): Amount {
    const producers: Amount[] = [];
    for (const m of this.g.ofType(T.esm)) {
      if (!this.g.links(m, at(m.inputs, "destinationConfig.onFailure.destinationArn"), q)) continue;
      const fn = this.g.resolveFrom(m, m.inputs.functionName, T.lambda);
      // Failed batches are exceptions: none expected; at most one per invocation.
      producers.push(fn ? amount(0, this.lambdaFlow(fn).invocations.c, this.lambdaFlow(fn).invocations.why) : unbounded(0, "its function is not in the stack"));
    }
    for (const other of this.g.ofType(T.queue)) {
      const redrive = other.inputs.redrivePolicy;
      const dlq = typeof redrive === "string" ? safeJson(redrive)?.deadLetterTargetArn : undefined;
      if (other !== q && this.g.links(other, dlq, q)) producers.push(amount(0, this.queueMessages(other).c, this.queueMessages(other).why));
    }
    for (const sub of this.g.ofType(T.subscription).filter((x) => strAt(x.inputs, "protocol") === "sqs" && this.g.links(x, x.inputs.endpoint, q))) {
      const topic = this.g.resolveFrom(sub, sub.inputs.topic, T.topic);
      producers.push(topic ? this.topicPublishes(topic) : unbounded(0, "its topic is not in the stack"));
    }
    for (const { fn } of this.envWriters(q)) producers.push(this.lambdaFlow(fn).invocations);
    return producers.length > 0 ? sumAll(producers) : unbounded(0, "no producer in the stack bounds it");
  }

  private topicPublishes(topic: StackResource): Amount {
    const producers: Amount[] = [];
    for (const a of this.g.ofType(T.alarm)) {
      const actions = ["alarmActions", "okActions", "insufficientDataActions"].flatMap((k) => (Array.isArray(a.inputs[k]) ? (a.inputs[k] as unknown[]) : []));
      if (!actions.some((x) => this.g.links(a, x, topic))) continue;
      const period = (numAt(a.inputs, "period") ?? 60) * (numAt(a.inputs, "evaluationPeriods") ?? 1);
      producers.push(amount(ASSUMPTIONS.alarmNotificationsPerMonth, SECONDS_PER_MONTH / period));
    }
    for (const t of this.g.ofType(T.target)) {
      if (!this.g.links(t, t.inputs.arn, topic)) continue;
      const bus = this.g.resolveFrom(t, t.inputs.eventBusName, T.bus);
      const rule = this.g.resolveFrom(t, t.inputs.rule, T.rule);
      const scheduled = rule ? monthlyRuns(strAt(rule.inputs, "scheduleExpression")) : undefined;
      const pattern = rule ? safeJson(strAt(rule.inputs, "eventPattern") ?? "") : undefined;
      const sources = Array.isArray(pattern?.source) ? (pattern.source as unknown[]) : [];
      if (scheduled !== undefined) producers.push(fixed(scheduled));
      else if (bus) producers.push(this.busEvents(bus));
      else if (sources.length > 0 && sources.every((x) => x === "aws.glue" || x === "aws.states")) {
        // Glue and Step Functions state-change events: none expected (failures are exceptions), at most a few per run.
        const glue = sources.includes("aws.glue") ? this.g.ofType(T.glueJob, T.crawler).reduce((acc, r) => acc + (this.glueRuns(r) ?? 0), 0) : 0;
        const machines = sources.includes("aws.states") ? this.g.ofType(T.sfn).map((m) => this.scheduledRuns(m)) : [];
        producers.push(
          machines.some((n) => n === 0)
            ? unbounded(0, "a state machine's executions are not bounded by a schedule in the stack")
            : amount(0, (glue + machines.reduce((a, b) => a + b, 0)) * ASSUMPTIONS.glueEventsPerRun),
        );
      } else producers.push(unbounded(0, "a rule on the default bus forwards events nothing in the stack bounds"));
    }
    for (const b of this.g.ofType(T.budget)) {
      const notes = Array.isArray(b.inputs.notifications) ? (b.inputs.notifications as Record<string, unknown>[]) : [];
      const n = notes.filter((x) => Array.isArray(x.subscriberSnsTopicArns) && (x.subscriberSnsTopicArns as unknown[]).some((y) => this.g.links(b, y, topic))).length;
      if (n > 0) producers.push(amount(0, n));
    }
    for (const { fn } of this.envWriters(topic)) producers.push(this.lambdaFlow(fn).invocations);
    return producers.length > 0 ? sumAll(producers) : unbounded(0, "no producer in the stack bounds it");
  }

  private busEvents(bus: StackResource): Amount {
    const producers: Amount[] = [];
    for (const { fn } of this.envWriters(bus)) {
      const f = this.lambdaFlow(fn);
      // A stream consumer's spike events: at most SPIKE_MAX_ALERTS_PER_MINUTE a minute for the whole stack.
      producers.push(f.batch ? this.spikeEvents(fn, f) : f.invocations);
    }
    return producers.length > 0 ? sumAll(producers) : unbounded(0, "no producer in the stack bounds it");
  }

  // ---- Glue, Step Functions, Redshift -------------------------------------------------------------

  /**
   * Runs a month of a Glue job or crawler: its own `schedule`, plus the triggers that start it
   * (SCHEDULED: their schedule; CONDITIONAL: the runs of the job or crawler their first condition
   * watches; ON_DEMAND: none). Undefined when no trigger or schedule is linked.
   */
  private glueRuns(r: StackResource, seen = new Set<string>()): number | undefined {
    if (seen.has(r.urn)) return 0;
    seen.add(r.urn);
    const key = r.type === T.crawler ? "crawlerName" : "jobName";
    let runs = monthlyRuns(strAt(r.inputs, "schedule"));
    for (const t of this.g.ofType(T.trigger)) {
      const actions = Array.isArray(t.inputs.actions) ? (t.inputs.actions as Record<string, unknown>[]) : [];
      if (!actions.some((a) => this.g.links(t, a[key], r))) continue;
      const type = (strAt(t.inputs, "type") ?? "ON_DEMAND").toUpperCase();
      let n = 0;
      if (type === "SCHEDULED") n = monthlyRuns(strAt(t.inputs, "schedule")) ?? 0;
      else if (type === "CONDITIONAL") {
        const cond = (at(t.inputs, "predicate.conditions") as Record<string, unknown>[] | undefined)?.[0];
        const upstream = cond ? (this.g.resolveFrom(t, cond.jobName, T.glueJob) ?? this.g.resolveFrom(t, cond.crawlerName, T.crawler)) : undefined;
        n = upstream ? (this.glueRuns(upstream, seen) ?? 0) : 0;
      }
      runs = (runs ?? 0) + n;
    }
    // Jobs a state machine starts (`JobName` in its definition) run once per execution.
    if (r.type === T.glueJob) {
      for (const sm of this.g.ofType(T.sfn)) {
        const names = jobNames(safeJson(strAt(sm.inputs, "definition") ?? ""));
        if (names.some((n) => this.g.refersTo(n, r))) runs = (runs ?? 0) + this.scheduledRuns(sm);
      }
    }
    return runs;
  }

  private glueJob(j: StackResource): Derived {
    const g = this.o.limits?.glue;
    const linkedRuns = this.glueRuns(j);
    const runs = linkedRuns ?? (g ? g.runsPerDay * DAYS_PER_MONTH : 0);
    const timeout = numAt(j.inputs, "timeout") ?? g?.timeoutMinutes ?? ASSUMPTIONS.glueDefaultTimeoutMinutes;
    const workers = numAt(j.inputs, "numberOfWorkers");
    const propType = strAt(j.inputs, "workerType");
    const maxWorkers = g && (propType === undefined || propType === g.workerType) ? Math.max(g.maxWorkers, workers ?? 0) : workers;
    return toDerived({
      monthly_runs: fixed(runs),
      monthly_hours: amount((runs * Math.min(timeout, ASSUMPTIONS.glueRunMinutes)) / 60, (runs * timeout) / 60),
      ...(workers !== undefined || maxWorkers !== undefined ? { workers: amount(workers ?? maxWorkers ?? 0, maxWorkers ?? workers ?? 0) } : {}),
    });
  }

  private stepFunctions(sm: StackResource): Derived {
    const executions = this.scheduledRuns(sm);
    const states = countStates(safeJson(strAt(sm.inputs, "definition") ?? ""));
    const express = (strAt(sm.inputs, "type") ?? "STANDARD").toUpperCase() === "EXPRESS";
    const why = "no schedule in the stack bounds its executions";
    const execs = executions > 0 ? fixed(executions) : unbounded(0, why);
    return express ? toDerived({ monthly_requests: execs }) : toDerived({ monthly_transitions: times(execs, Math.max(1, states)) });
  }

  private redshift(wg: StackResource): Derived {
    const base = numAt(wg.inputs, "baseCapacity") ?? 128;
    const max = numAt(wg.inputs, "maxCapacity") ?? base;
    const w = this.o.workload;
    const expected = w ? (base * w.queriesPerDay * DAYS_PER_MONTH * ASSUMPTIONS.redshiftSecondsPerQuery) / 3600 : 0;
    let ceiling = max * HOURS_PER_MONTH;
    for (const l of this.g.ofType(T.rsUsageLimit)) {
      if (!this.g.links(l, l.inputs.resourceArn, wg)) continue;
      if ((strAt(l.inputs, "usageType") ?? "") !== "serverless-compute" || (strAt(l.inputs, "breachAction") ?? "log") !== "deactivate") continue;
      const amountHours = numAt(l.inputs, "amount");
      if (amountHours === undefined) continue;
      const period = strAt(l.inputs, "period") ?? "monthly";
      const perMonth = period === "daily" ? amountHours * DAYS_PER_MONTH : period === "weekly" ? (amountHours * DAYS_PER_MONTH) / 7 : amountHours;
      ceiling = Math.min(ceiling, perMonth);
    }
    return toDerived({ monthly_rpu_hours: amount(Math.min(expected, ceiling), ceiling) });
  }
}

/** One quarantine NDJSON line for a record of `recordBytes`: base64 payload plus the line's other fields. */
export function quarantineLineBytes(recordBytes: number): number {
  return Math.ceil(recordBytes / 3) * 4 + ASSUMPTIONS.quarantineLineOverheadBytes;
}

/** The fixed part of an S3 prefix template (before the first `!{` expression). */
function staticPrefix(p: string): string {
  const i = p.indexOf("!{");
  return i >= 0 ? p.slice(0, i) : p;
}

/** The enabled lifecycle rule with the longest prefix that covers `prefix`. */
function matchRule(rules: Record<string, unknown>[], prefix: string): Record<string, unknown> | undefined {
  let best: Record<string, unknown> | undefined;
  let bestLen = -1;
  for (const r of rules) {
    const p = strAt(r, "filter.prefix") ?? strAt(r, "prefix") ?? "";
    if (at(r, "expiration.days") === undefined && at(r, "transitions") === undefined) continue;
    if (prefix.startsWith(p) && p.length > bestLen) {
      best = r;
      bestLen = p.length;
    }
  }
  return best;
}

function countStates(def: Record<string, unknown> | undefined): number {
  if (!def || typeof def.States !== "object" || def.States === null) return 0;
  let n = 0;
  for (const s of Object.values(def.States as Record<string, Record<string, unknown>>)) {
    n += 1;
    if (Array.isArray(s.Branches)) for (const b of s.Branches as Record<string, unknown>[]) n += countStates(b);
    if (s.Iterator) n += countStates(s.Iterator as Record<string, unknown>);
    if (s.ItemProcessor) n += countStates(s.ItemProcessor as Record<string, unknown>);
  }
  return n;
}

/** Every `JobName` (or `JobName.$`-free string) in a state machine definition. */
function jobNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(jobNames);
  if (v && typeof v === "object") {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => (k === "JobName" && typeof x === "string" ? [x] : jobNames(x)));
  }
  return [];
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Expected usage and ceiling usage (or the first reason it is unbounded). */
export function toDerived(amounts: Record<string, Amount>): Derived {
  const expected: Usage = {};
  const ceiling: Usage = {};
  let why: string | undefined;
  for (const [k, a] of Object.entries(amounts)) {
    expected[k] = a.e;
    if (a.c === null) why ??= `${k}: ${a.why ?? "no upper bound"}`;
    else ceiling[k] = Math.max(a.c, a.e);
  }
  return { expected, ceiling: why === undefined ? { usage: ceiling } : { unbounded: why } };
}
