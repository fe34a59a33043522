/**
 * What drives each resource's usage: the activities a brake action can stop
 * (`stream:<urn>`, `athena:<urn>`...) or that nothing stops (`setting`). A part
 * is covered by the brake only when every activity driving it is stopped by
 * one of the stack's actions. Pure: reads the resource graph only.
 */
import { StackResource } from "../../model/resources";
import { at, strAt } from "../estimators/types";
import { gatesOf } from "../usage/gates";
import { envWriters, firehoseBucketArn, firehoseLogGroup, functionsLoggingTo } from "../usage/refs";
import { ResourceGraph } from "../usage/graph";
import { T } from "../usage/tokens";


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
    return this.g.memo("drivers:byUrn", () => new Map(this.g.resources.map((r) => [r.urn, r]))).get(urn);
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
        for (const m of g.linking(T.esm, "drivers:onFailure", (m) => [at(m.inputs, "destinationConfig.onFailure.destinationArn")], r)) {
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
    for (const m of g.linking(T.esm, "drivers:functionName", (m) => [m.inputs.functionName], fn)) {
      const s = g.resolveFrom(m, m.inputs.eventSourceArn, T.stream);
      if (s) out.add(`stream:${s.urn}`);
    }
    for (const h of g.linking(T.firehose, "drivers:processors", processorRefs, fn)) for (const a of this.of(h)) out.add(a);
    for (const n of g.linking(T.notification, "drivers:lambdaFunctions", (n) => arrayAt(n, "lambdaFunctions").map((x) => x.lambdaFunctionArn), fn)) {
      const b = g.resolveFrom(n, n.inputs.bucket, ...T.buckets);
      if (b) out.add(`landing:${b.urn}`);
    }
    // Schedules, rules and subscriptions: fixed by their expressions and topics (a setting).
    return out;
  }

  private logDrivers(lg: StackResource): Set<Activity> {
    const g = this.g;
    const out = new Set<Activity>();
    for (const fn of functionsLoggingTo(g, lg)) for (const a of this.of(fn)) out.add(a);
    for (const job of g.linking(T.glueJob, "drivers:continuousLogGroup", (job) => [at(job.inputs, "defaultArguments.--continuous-log-logGroup")], lg)) out.add(`glue:${job.urn}`);
    for (const h of g.linking(T.firehose, "cloudwatchLoggingOptions.logGroupName", (h) => [firehoseLogGroup(h)], lg)) for (const a of this.of(h)) out.add(a);
    return out;
  }

  private topicDrivers(topic: StackResource): Set<Activity> {
    const g = this.g;
    const out = new Set<Activity>();
    for (const t of g.linking(T.target, "drivers:arn", (t) => [t.inputs.arn], topic)) {
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
    for (const h of g.linking(T.firehose, "bucketArn", (h) => [firehoseBucketArn(h)], b)) for (const a of this.of(h)) out.add(a);
    for (const fn of this.envWriters(b)) for (const a of this.of(fn)) out.add(a);
    const crawled = g.linking(T.crawler, "drivers:s3Targets", (c) => arrayAt(c, "s3Targets").map((t) => t.path), b).length > 0;
    const notified = g.linking(T.notification, "drivers:bucket", (n) => [n.inputs.bucket], b).length > 0;
    if (crawled || notified || gatesOf(g, b).length > 0) out.add(`landing:${b.urn}`);
    for (const job of this.glueJobsWriting().get(b.urn) ?? []) out.add(`glue:${job.urn}`);
    for (const wg of g.linking(T.workgroup, "drivers:outputLocation", (wg) => [strAt(wg.inputs, "configuration.resultConfiguration.outputLocation")], b)) out.add(`athena:${wg.urn}`);
    return out;
  }

  /** Glue jobs by the buckets an s3:// argument of theirs names (not the temporary directory), in stack order. */
  private glueJobsWriting(): Map<string, StackResource[]> {
    return this.g.memo("drivers:glueArgs", () => {
      const byBucket = new Map<string, StackResource[]>();
      for (const job of this.g.ofType(T.glueJob)) {
        const args = at(job.inputs, "defaultArguments");
        if (!args || typeof args !== "object") continue;
        const named = new Set<string>();
        for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
          if (k === "--TempDir" || typeof v !== "string" || !v.startsWith("s3://")) continue;
          for (const type of T.buckets) {
            const hit = this.g.resolve(v, type);
            if (hit) named.add(hit.urn);
          }
        }
        for (const urn of named) byBucket.set(urn, [...(byBucket.get(urn) ?? []), job]);
      }
      return byBucket;
    });
  }

  /** Lambda functions whose environment variables name the resource (as the usage derivation reads writers). */
  private envWriters(r: StackResource): StackResource[] {
    return envWriters(this.g, r).map((w) => w.fn);
  }
}

/** Objects of an array input (empty when absent or not an array). */
function arrayAt(r: StackResource, path: string): Record<string, unknown>[] {
  const v = at(r.inputs, path);
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === "object") : [];
}

/** The references a Firehose's processors hold (the transformation's ARN among their parameter values). */
function processorRefs(h: StackResource): unknown[] {
  const processors = arrayAt(h, "extendedS3Configuration.processingConfiguration.processors");
  const list = processors.length > 0 ? processors : arrayAt(h, "redshiftConfiguration.processingConfiguration.processors");
  return list.flatMap((p) => (Array.isArray(p.parameters) ? (p.parameters as { parameterValue?: unknown }[]).map((x) => x.parameterValue) : []));
}
