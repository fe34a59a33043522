/** Reading references the derivers share: Lambda environment variables naming a resource, JSON-encoded inputs. */
import { StackResource, containsUnknown } from "../../model/resources";
import { at } from "../estimators/types";
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

/** A JSON object from text (a policy, a pattern, a state machine definition), or undefined. */
export function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
