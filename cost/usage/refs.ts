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

/** Lambda functions whose environment variables name the resource (the first such variable of each). */
export function envWriters(g: ResourceGraph, r: StackResource): EnvWriter[] {
  const out: EnvWriter[] = [];
  for (const fn of g.ofType(T.lambda)) {
    const vars = at(fn.inputs, "environment.variables");
    if (!vars || typeof vars !== "object") continue;
    for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
      if (g.refersTo(v, r) || (containsUnknown(v) && fn.dependencies.includes(r.urn))) {
        out.push({ fn, variable: k, vars: vars as Record<string, unknown> });
        break;
      }
    }
  }
  return out;
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
