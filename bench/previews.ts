/**
 * Large `pulumi preview --json` documents for the scaling benchmarks: one
 * synthesized stack repeated, each copy under its own names (logical names,
 * physical names and the ARNs built from them), as if many teams' copies of
 * the platform lived in one stack. Like a real first preview, a share of the
 * references between resources is not known yet (only the dependency says
 * which resource they point at), and a few price-relevant inputs are unknown.
 * Pure: the caller synthesizes the stack and writes the document.
 */
import { StackResource, UNKNOWN } from "../model/resources";

/** Renames every name of the stack for copy `k` (copy 0 keeps the original names). */
function renamer(prefixes: readonly string[], k: number): (text: string) => string {
  if (k === 0) return (t) => t;
  const words = new RegExp(`(^|[^A-Za-z0-9_])(${prefixes.join("|")})(?=[-_/]|$)`, "g");
  return (t) => t.replace(words, (_, before: string, word: string) => `${before}${word}${k}`);
}

/** `urn:...::<type>::<name>`: renames the name only (the type chain stays). */
function renameUrn(urn: string, rename: (t: string) => string): string {
  const i = urn.lastIndexOf("::");
  return `${urn.slice(0, i + 2)}${rename(urn.slice(i + 2))}`;
}

/** True for a string input that names another resource (an ARN or an autonamed physical name). */
const isReference = (v: unknown): v is string => typeof v === "string" && (v.startsWith("arn:aws:") || /-[0-9a-f]{8}$/.test(v));

/** Replaces every third reference with the preview unknown (outputs of resources not created yet). */
function hideReferences(value: unknown, counter: { n: number }): unknown {
  if (isReference(value)) return counter.n++ % 3 === 0 ? UNKNOWN : value;
  if (Array.isArray(value)) return value.map((v) => hideReferences(v, counter));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideReferences(v, counter)]));
  return value;
}

/**
 * The words every name of the stack starts with: its top-level components'
 * names (realtime, core, budget, brake, ...) and the project's name, so a copy
 * renames everything, whatever components the stack gains.
 */
export function namePrefixesOf(resources: readonly StackResource[], project: string): string[] {
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
  const top = resources.filter((r) => !r.custom && r.parent === root && r.urn !== root).map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2));
  return [...new Set([...top, project, project.replace(/-/g, "_")])];
}

/**
 * A preview of `total` resources (stack root included): `resources` repeated,
 * the stack root and the providers shared by every copy. `namePrefixes` are the
 * words every name of the stack starts with (its top-level components and the
 * project), renamed per copy.
 */
export function repeatedStackPreview(resources: readonly StackResource[], total: number, namePrefixes: readonly string[]): { steps: unknown[] } {
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(resources[0]?.urn ?? "") ?? [];
  const rootUrn = root?.urn ?? `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const shared = new Set(resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => r.urn));
  const steps: unknown[] = [{ op: "same", urn: rootUrn, newState: { urn: rootUrn, type: "pulumi:pulumi:Stack", custom: false, inputs: {}, outputs: {} } }];
  for (const r of resources) if (shared.has(r.urn)) steps.push({ op: "same", urn: r.urn, newState: { urn: r.urn, type: r.type, custom: true, parent: rootUrn, inputs: r.inputs } });
  const copyable = resources.filter((r) => r !== root && !shared.has(r.urn));
  const counter = { n: 0 };
  for (let k = 0; steps.length < total; k++) {
    const rename = renamer(namePrefixes, k);
    const urnOf = (urn: string) => (urn === rootUrn || shared.has(urn) ? urn : renameUrn(urn, rename));
    for (const [i, r] of copyable.entries()) {
      if (steps.length >= total) break;
      const inputs = hideReferences(JSON.parse(rename(JSON.stringify(r.inputs))), counter) as Record<string, unknown>;
      if ((k * copyable.length + i) % 25 === 7) for (const key of ["memorySize", "shardCount", "timeout"]) if (key in inputs) inputs[key] = UNKNOWN;
      const urn = urnOf(r.urn);
      const state = { urn, type: r.type, custom: r.custom, parent: r.parent ? urnOf(r.parent) : rootUrn, inputs, dependencies: r.dependencies.map(urnOf), ...(r.provider ? { provider: r.provider } : {}) };
      steps.push({ op: "create", urn, newState: state });
    }
  }
  return { steps };
}
