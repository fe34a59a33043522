/**
 * Usage derivation: each resource's monthly usage (expected and ceiling) from
 * the environment's workload and limits AND the resource graph, by the
 * formulas documented in docs/cost.md. Works on any StackResource[] (our
 * program under mocks, a preview, a state export). Pure.
 *
 * Laid out as Infracost lays out its resources: the named assumptions
 * (assumptions.ts), the flows between resources (context.ts), one deriver per
 * service family (derivers/), a registry by type token (derivers/index.ts).
 */
import { DerivationContext, DeriveOptions } from "./context";
import { Derived } from "./derived";
import { DERIVERS } from "./derivers";
import { ResourceGraph } from "./graph";

export { ASSUMPTIONS } from "./assumptions";
export type { DeriveOptions } from "./context";
export type { Ceiling, Derived } from "./derived";

/** Derived usage by URN, for every resource whose type has a deriver and something to derive. */
export function deriveUsage(graph: ResourceGraph, options: DeriveOptions = {}): Map<string, Derived> {
  const ctx = new DerivationContext(graph, options);
  const out = new Map<string, Derived>();
  for (const r of graph.resources) {
    const d = DERIVERS[r.type]?.derive(r, ctx);
    if (d) out.set(r.urn, d);
  }
  return out;
}
