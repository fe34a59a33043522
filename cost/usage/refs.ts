/** Reading references the derivers share: Lambda environment variables naming a resource, JSON-encoded inputs. */
import { StackResource, containsUnknown } from "../../model/resources";
import { at, strAt } from "../estimators/types";
import { ResourceGraph } from "./graph";
import { T } from "./tokens";

/** A Lambda function whose environment variable `variable` names a resource. */
export interface EnvWriter {
  readonly fn: StackResource;
  readonly variable: string;
  readonly vars: Record<string, unknown>;
}

/**
 * Lambda functions whose environment variables name the resource (the first
 * such variable of each), in stack order. Indexed once per target type: the
 * derivers ask it for every table, bucket, topic, queue, bus and workgroup.
 */
export function envWriters(g: ResourceGraph, r: StackResource): EnvWriter[] {
  const index = g.memo(`envWriters\n${r.type}`, () => {
    const byTarget = new Map<string, EnvWriter[]>();
    for (const fn of g.ofType(T.lambda)) {
      const vars = at(fn.inputs, "environment.variables");
      if (!vars || typeof vars !== "object") continue;
      const named = new Set<string>();
      const add = (urn: string, variable: string) => {
        if (named.has(urn)) return;
        named.add(urn);
        const list = byTarget.get(urn) ?? [];
        list.push({ fn, variable, vars: vars as Record<string, unknown> });
        byTarget.set(urn, list);
      };
      for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
        const hit = g.resolve(v, r.type);
        if (hit) add(hit.urn, k);
        if (containsUnknown(v)) for (const d of fn.dependencies) add(d, k);
      }
    }
    return byTarget;
  });
  return [...(index.get(r.urn) ?? [])];
}

/**
 * Functions logging to the log group: explicitly (loggingConfig.logGroup) or, without one, by the group Lambda
 * creates for them (/aws/lambda/<function name>), in stack order. Indexed once per graph.
 */
export function functionsLoggingTo(g: ResourceGraph, lg: StackResource): StackResource[] {
  const name = strAt(lg.inputs, "name") ?? strAt(lg.outputs, "name");
  const explicit = g.linking(T.lambda, "loggingConfig.logGroup", (fn) => [at(fn.inputs, "loggingConfig.logGroup")], lg);
  const byDefaultName = name === undefined ? [] : (defaultLogGroups(g).get(name) ?? []);
  return g.inStackOrder([...new Set([...explicit, ...byDefaultName])]);
}

/** Functions without loggingConfig.logGroup by the group they log to: /aws/lambda/<function name>. */
function defaultLogGroups(g: ResourceGraph): Map<string, StackResource[]> {
  return g.memo("defaultLogGroups", () => {
    const byName = new Map<string, StackResource[]>();
    for (const fn of g.ofType(T.lambda)) {
      if (at(fn.inputs, "loggingConfig.logGroup") !== undefined) continue;
      const group = `/aws/lambda/${strAt(fn.inputs, "name") ?? strAt(fn.outputs, "name") ?? fn.name}`;
      byName.set(group, [...(byName.get(group) ?? []), fn]);
    }
    return byName;
  });
}

/** The log group a Firehose writes delivery errors to (S3 or Redshift destination). */
export function firehoseLogGroup(h: StackResource): unknown {
  return (
    at(h.inputs, "extendedS3Configuration.cloudwatchLoggingOptions.logGroupName") ??
    at(h.inputs, "redshiftConfiguration.cloudwatchLoggingOptions.logGroupName") ??
    at(h.inputs, "redshiftConfiguration.s3Configuration.cloudwatchLoggingOptions.logGroupName")
  );
}

/** The bucket a Firehose delivers (or stages) to. */
export function firehoseBucketArn(h: StackResource): unknown {
  return at(h.inputs, "extendedS3Configuration.bucketArn") ?? at(h.inputs, "redshiftConfiguration.s3Configuration.bucketArn") ?? at(h.inputs, "s3Configuration.bucketArn");
}

/** A JSON object from text (a policy, a pattern, a state machine definition), or undefined. */
export function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
