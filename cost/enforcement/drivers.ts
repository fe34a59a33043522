/**
 * What drives each resource's usage: the activities a brake action can stop
 * (`stream:<urn>`, `athena:<urn>`...) or that nothing stops (`setting`). A part
 * is covered by the brake only when every activity driving it is stopped by
 * one of the stack's actions. Pure: reads the resource graph only.
 */
import { StackResource } from "../../model/resources";
import { at, strAt } from "../estimators/types";
import { gatesOf } from "../usage/gates";
import { ResourceGraph } from "../usage/graph";

export const T = {
  stream: "aws:kinesis/stream:Stream",
  lambda: "aws:lambda/function:Function",
  esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  table: "aws:dynamodb/table:Table",
  buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  notification: "aws:s3/bucketNotification:BucketNotification",
  workgroup: "aws:athena/workgroup:Workgroup",
  queue: "aws:sqs/queue:Queue",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  bus: "aws:cloudwatch/eventBus:EventBus",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  glueJob: "aws:glue/job:Job",
  crawler: "aws:glue/crawler:Crawler",
  rsWorkgroup: "aws:redshiftserverless/workgroup:Workgroup",
  rsNamespace: "aws:redshiftserverless/namespace:Namespace",
} as const;

/** An activity nothing the brake does can stop (schedules, alarms, seats...). */
export const SETTING = "setting";

export type Activity = string;

/** The kind of an activity: `stream`, `directput`, `athena`, `glue`, `landing`, `redshift` or `setting`. */
export function activityKind(a: Activity): string {
  return a.split(":")[0];
}

export class DriverGraph {
  private readonly memo = new Map<string, Set<Activity>>();
  private readonly inProgress = new Set<string>();

  public constructor(private readonly g: ResourceGraph) {}

  /** The resource with this URN. */
  public resource(urn: string): StackResource | undefined {
    return this.g.resources.find((r) => r.urn === urn);
  }

  /** The activities that drive a resource's usage (never empty: `setting` when nothing else). */
  public of(r: StackResource): Set<Activity> {
    const hit = this.memo.get(r.urn);
    if (hit) return hit;
    if (this.inProgress.has(r.urn)) return new Set();
    this.inProgress.add(r.urn);
    const out = this.compute(r);
    if (out.size === 0) out.add(SETTING);
    this.inProgress.delete(r.urn);
    this.memo.set(r.urn, out);
    return out;
  }

  private compute(r: StackResource): Set<Activity> {
    const g = this.g;
    const out = new Set<Activity>();
    const addAll = (xs: Iterable<Activity>) => {
      for (const x of xs) out.add(x);
    };
    switch (r.type) {
      case T.stream:
        out.add(`stream:${r.urn}`);
        break;
      case T.firehose: {
        const s = g.resolveFrom(r, at(r.inputs, "kinesisSourceConfiguration.kinesisStreamArn"), T.stream);
        out.add(s ? `stream:${s.urn}` : `directput:${r.urn}`);
        break;
      }
      case T.workgroup:
        out.add(`athena:${r.urn}`);
        break;
      case T.glueJob:
      case T.crawler:
        out.add(`glue:${r.urn}`);
        break;
      case T.rsWorkgroup:
      case T.rsNamespace:
        out.add(`redshift:${r.urn}`);
        break;
      case T.lambda:
        addAll(this.lambdaDrivers(r));
        break;
      case T.logGroup:
        addAll(this.logDrivers(r));
        break;
      case T.table:
      case T.bus:
        for (const fn of this.envWriters(r)) addAll(this.of(fn));
        break;
      case T.queue:
        for (const m of g.ofType(T.esm).filter((m) => g.links(m, at(m.inputs, "destinationConfig.onFailure.destinationArn"), r))) {
          const fn = g.resolveFrom(m, m.inputs.functionName, T.lambda);
          if (fn) addAll(this.of(fn));
        }
        for (const fn of this.envWriters(r)) addAll(this.of(fn));
        break;
      case T.topic:
        addAll(this.topicDrivers(r));
        break;
      case T.subscription: {
        const topic = g.resolveFrom(r, r.inputs.topic, T.topic);
        if (topic) addAll(this.of(topic));
        break;
      }
      case T.buckets[0]:
      case T.buckets[1]:
        addAll(this.bucketDrivers(r));
        break;
      default:
        out.add(SETTING);
    }
    return out;
  }

  private lambdaDrivers(fn: StackResource): Set<Activity> {
    const g = this.g;
    const out = new Set<Activity>();
    for (const m of g.ofType(T.esm).filter((m) => g.links(m, m.inputs.functionName, fn))) {
      const s = g.resolveFrom(m, m.inputs.eventSourceArn, T.stream);
      if (s) out.add(`stream:${s.urn}`);
    }
    for (const h of g.ofType(T.firehose)) {
      const processors = at(h.inputs, "extendedS3Configuration.processingConfiguration.processors") ?? at(h.inputs, "redshiftConfiguration.processingConfiguration.processors");
      const refs = Array.isArray(processors) ? JSON.stringify(processors) : "";
      if (refs !== "" && (processors as Record<string, unknown>[]).some((p) => (Array.isArray(p.parameters) ? (p.parameters as { parameterValue?: unknown }[]) : []).some((x) => g.links(h, x.parameterValue, fn)))) {
        for (const a of this.of(h)) out.add(a);
      }
    }
    for (const n of g.ofType(T.notification)) {
      const fns = at(n.inputs, "lambdaFunctions");
      if (Array.isArray(fns) && fns.some((x) => g.links(n, (x as Record<string, unknown>).lambdaFunctionArn, fn))) {
        const b = g.resolveFrom(n, n.inputs.bucket, ...T.buckets);
        if (b) out.add(`landing:${b.urn}`);
      }
    }
    // Schedules, rules and subscriptions: fixed by their expressions and topics (a setting).
    return out;
  }

  private logDrivers(lg: StackResource): Set<Activity> {
    const g = this.g;
    const out = new Set<Activity>();
    const name = strAt(lg.inputs, "name") ?? strAt(lg.outputs, "name");
    for (const fn of g.ofType(T.lambda)) {
      const explicit = g.links(fn, at(fn.inputs, "loggingConfig.logGroup"), lg);
      const fnName = strAt(fn.inputs, "name") ?? strAt(fn.outputs, "name") ?? fn.name;
      if (explicit || (at(fn.inputs, "loggingConfig.logGroup") === undefined && name === `/aws/lambda/${fnName}`)) for (const a of this.of(fn)) out.add(a);
    }
    for (const job of g.ofType(T.glueJob)) if (g.links(job, at(job.inputs, "defaultArguments.--continuous-log-logGroup"), lg)) out.add(`glue:${job.urn}`);
    for (const h of g.ofType(T.firehose)) {
      const logName =
        at(h.inputs, "extendedS3Configuration.cloudwatchLoggingOptions.logGroupName") ??
        at(h.inputs, "redshiftConfiguration.cloudwatchLoggingOptions.logGroupName") ??
        at(h.inputs, "redshiftConfiguration.s3Configuration.cloudwatchLoggingOptions.logGroupName");
      if (g.links(h, logName, lg)) for (const a of this.of(h)) out.add(a);
    }
    return out;
  }

  private topicDrivers(topic: StackResource): Set<Activity> {
    const g = this.g;
    const out = new Set<Activity>();
    for (const t of g.ofType(T.target)) {
      if (!g.links(t, t.inputs.arn, topic)) continue;
      const bus = g.resolveFrom(t, t.inputs.eventBusName, T.bus);
      for (const a of bus ? this.of(bus) : [SETTING]) out.add(a);
    }
    for (const fn of this.envWriters(topic)) for (const a of this.of(fn)) out.add(a);
    // Alarms and budget notifications publish at rates their periods fix: a setting.
    out.add(SETTING);
    return out;
  }

  private bucketDrivers(b: StackResource): Set<Activity> {
    const g = this.g;
    const out = new Set<Activity>();
    for (const h of g.ofType(T.firehose)) {
      const arn = at(h.inputs, "extendedS3Configuration.bucketArn") ?? at(h.inputs, "redshiftConfiguration.s3Configuration.bucketArn") ?? at(h.inputs, "s3Configuration.bucketArn");
      if (g.links(h, arn, b)) for (const a of this.of(h)) out.add(a);
    }
    for (const fn of this.envWriters(b)) for (const a of this.of(fn)) out.add(a);
    const crawled = g.ofType(T.crawler).some((c) => ((at(c.inputs, "s3Targets") as Record<string, unknown>[] | undefined) ?? []).some((t) => g.links(c, t.path, b)));
    const notified = g.ofType(T.notification).some((n) => g.links(n, n.inputs.bucket, b));
    if (crawled || notified || gatesOf(g, b).length > 0) out.add(`landing:${b.urn}`);
    for (const job of g.ofType(T.glueJob)) {
      const args = at(job.inputs, "defaultArguments");
      if (args && typeof args === "object" && Object.entries(args as Record<string, unknown>).some(([k, v]) => k !== "--TempDir" && typeof v === "string" && v.startsWith("s3://") && g.refersTo(v, b))) out.add(`glue:${job.urn}`);
    }
    for (const wg of g.ofType(T.workgroup)) if (g.links(wg, strAt(wg.inputs, "configuration.resultConfiguration.outputLocation"), b)) out.add(`athena:${wg.urn}`);
    return out;
  }

  /** Lambda functions whose environment variables name the resource (as the usage derivation reads writers). */
  private envWriters(r: StackResource): StackResource[] {
    return this.g.ofType(T.lambda).filter((fn) => {
      const vars = at(fn.inputs, "environment.variables");
      return !!vars && typeof vars === "object" && Object.values(vars as Record<string, unknown>).some((v) => this.g.refersTo(v, r) || (typeof v === "string" && v.includes("04da6b54") && fn.dependencies.includes(r.urn)));
    });
  }
}
