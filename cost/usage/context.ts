/**
 * The context every deriver runs in: the resource graph, the environment's
 * workload and limits, and the cross-resource flows, i.e. what one resource's
 * usage derives from another's (stream -> processor -> table and bucket,
 * stream -> Firehose -> bucket, schedules -> functions and jobs, alarms ->
 * topics -> subscriptions...). A deriver asks the context for a flow instead
 * of importing the service that computes it, so services depend on this
 * interface, never on each other. Stream and function flows are computed
 * once per derivation; a function that (through its sources) feeds itself
 * sees an empty flow for the inner reference instead of recursing.
 */
import type { Limits, Workload } from "../../environments/schema";
import type { StackResource } from "../../model/resources";
import { ASSUMPTIONS } from "./assumptions";
import { Amount, ZERO } from "./amount";
import { athenaQueries } from "./derivers/athena";
import { firehoseObjects, firehoseSource } from "./derivers/firehose";
import { glueRuns } from "./derivers/glue";
import { lambdaFlow } from "./derivers/lambda";
import { busEvents, queueMessages, topicPublishes } from "./derivers/messaging";
import { scheduledRuns } from "./derivers/schedules";
import { streamFlow } from "./derivers/kinesis";
import { ResourceGraph } from "./graph";

export interface DeriveOptions {
  readonly workload?: Workload;
  readonly limits?: Limits;
  /** The stack's region: bounds that are regional quotas (Firehose Direct PUT) are read for it. */
  readonly region?: string;
}

/** Records a second (expected and ceiling) and their size: what a stream or a Direct PUT Firehose carries. */
export interface RecordFlow {
  readonly recordsPerSec: Amount;
  readonly recordBytes: number;
}

/** A stream's traffic: records a second (expected and ceiling), the record size and the shards. */
export interface StreamFlow extends RecordFlow {
  /** Shards expected (provisioned: shardCount; on-demand: what AWS scales to). */
  readonly shards: number;
}

/** One Kinesis event source mapping of a function, as the batch formulas need it. */
export interface StreamSource {
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

/** What reaches a Lambda function in a month. */
export interface LambdaFlow {
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

/** The flows between resources, each computed by the service module named beside it. */
export interface UsageContext {
  readonly graph: ResourceGraph;
  readonly workload: Workload | undefined;
  readonly limits: Limits | undefined;
  readonly region: string | undefined;
  /** A Kinesis stream's traffic (derivers/kinesis.ts). */
  stream(s: StackResource): StreamFlow;
  /** What reaches a Lambda function: invocations, records, duration (derivers/lambda.ts). */
  lambda(fn: StackResource): LambdaFlow;
  /** The records a Firehose receives, from its source stream or Direct PUT (derivers/firehose.ts). */
  firehoseSource(h: StackResource): RecordFlow;
  /** Objects (buffer flushes) a Firehose delivers a month (derivers/firehose.ts). */
  firehoseObjects(h: StackResource): Amount;
  /** Runs a month from schedules and scheduled rules targeting the resource (derivers/schedules.ts). */
  scheduledRuns(target: StackResource): number;
  /** Runs a month of a Glue job or crawler; undefined when nothing starts it (derivers/glue.ts). */
  glueRuns(r: StackResource): number | undefined;
  /** Queries a month a workgroup runs (derivers/athena.ts). */
  athenaQueries(wg: StackResource): Amount;
  /** Messages a month sent to a queue (derivers/messaging.ts). */
  queueMessages(q: StackResource): Amount;
  /** Messages a month published to a topic (derivers/messaging.ts). */
  topicPublishes(topic: StackResource): Amount;
  /** Custom events a month published to a bus (derivers/messaging.ts). */
  busEvents(bus: StackResource): Amount;
}

export class DerivationContext implements UsageContext {
  public readonly workload: Workload | undefined;
  public readonly limits: Limits | undefined;
  public readonly region: string | undefined;
  private readonly streams = new Map<string, StreamFlow>();
  private readonly lambdas = new Map<string, LambdaFlow>();
  private readonly inProgress = new Set<string>();

  public constructor(
    public readonly graph: ResourceGraph,
    options: DeriveOptions,
  ) {
    this.workload = options.workload;
    this.limits = options.limits;
    this.region = options.region;
  }

  public stream(s: StackResource): StreamFlow {
    const cached = this.streams.get(s.urn);
    if (cached) return cached;
    const flow = streamFlow(this, s);
    this.streams.set(s.urn, flow);
    return flow;
  }

  public lambda(fn: StackResource): LambdaFlow {
    const cached = this.lambdas.get(fn.urn);
    if (cached) return cached;
    if (this.inProgress.has(fn.urn)) return EMPTY_LAMBDA_FLOW;
    this.inProgress.add(fn.urn);
    const flow = lambdaFlow(this, fn);
    this.lambdas.set(fn.urn, flow);
    this.inProgress.delete(fn.urn);
    return flow;
  }

  public firehoseSource(h: StackResource): RecordFlow {
    return firehoseSource(this, h);
  }

  public firehoseObjects(h: StackResource): Amount {
    return firehoseObjects(this, h);
  }

  public scheduledRuns(target: StackResource): number {
    return scheduledRuns(this, target);
  }

  public glueRuns(r: StackResource): number | undefined {
    return glueRuns(this, r);
  }

  public athenaQueries(wg: StackResource): Amount {
    return athenaQueries(this, wg);
  }

  public queueMessages(q: StackResource): Amount {
    return queueMessages(this, q);
  }

  public topicPublishes(topic: StackResource): Amount {
    return topicPublishes(this, topic);
  }

  public busEvents(bus: StackResource): Amount {
    return busEvents(this, bus);
  }
}

/** What a function sees of itself when its own sources lead back to it. */
const EMPTY_LAMBDA_FLOW: LambdaFlow = { invocations: ZERO, records: ZERO, recordBytes: 0, durationMs: ASSUMPTIONS.defaultDurationMs, batch: false, streamSources: [] };
