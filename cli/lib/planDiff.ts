/**
 * What changed between two plans of the same stack: cost deltas, new and
 * resolved policy violations, added and removed resources. Pure.
 */
import { StackPlan } from "../../platform/plan";
import { PolicyViolation } from "../../platform/engines";
import { signedPercent, signedUsd, usd } from "./format";

export interface CostSnapshot {
  expectedMonthlyUsd: number;
  ceilingMonthlyUsd: number | null;
  ceilingUnbounded: boolean;
  budgetMonthlyUsd: number | null;
  mandatoryViolations: number;
  resourceCount: number;
}

export interface StackDiff {
  stack: string;
  status: "changed" | "unchanged" | "added" | "removed" | "error";
  /** The one-line reason when status is "error". */
  error?: string;
  base: CostSnapshot | null;
  head: CostSnapshot | null;
  delta: {
    expectedMonthlyUsd: number;
    /** Percent change of the expected cost (null when the base is 0 or absent). */
    expectedPercent: number | null;
    /** null when either side's ceiling is unbounded. */
    ceilingMonthlyUsd: number | null;
    budgetMonthlyUsd: number | null;
  } | null;
  newViolations: PolicyViolation[];
  resolvedViolations: PolicyViolation[];
  addedResources: string[];
  removedResources: string[];
}

export type PlanOrError = { plan: StackPlan } | { error: string };

const snapshot = (p: StackPlan): CostSnapshot => ({
  expectedMonthlyUsd: p.cost.expectedMonthlyUsd,
  ceilingMonthlyUsd: p.cost.ceilingMonthlyUsd,
  ceilingUnbounded: p.cost.ceilingUnbounded,
  budgetMonthlyUsd: p.cost.budgetMonthlyUsd,
  mandatoryViolations: p.mandatoryViolations,
  resourceCount: p.resources.length,
});

/** A violation is "the same" on both sides when the policy, level and resource match (its message may quote changed amounts). */
const key = (v: PolicyViolation) => `${v.level}\u0000${v.policy}\u0000${v.urn ?? ""}`;
const round2 = (n: number) => Math.round(n * 100) / 100;

export function diffStack(stack: string, base: PlanOrError | undefined, head: PlanOrError | undefined): StackDiff {
  const empty = { newViolations: [], resolvedViolations: [], addedResources: [], removedResources: [] };
  if (base && "error" in base) return { stack, status: "error", error: `at the base: ${base.error}`, base: null, head: head && "plan" in head ? snapshot(head.plan) : null, delta: null, ...empty };
  if (head && "error" in head) return { stack, status: "error", error: head.error, base: base ? snapshot(base.plan) : null, head: null, delta: null, ...empty };
  const b = base?.plan;
  const h = head?.plan;
  const bUrns = new Set(b?.resources.map((r) => r.urn) ?? []);
  const hUrns = new Set(h?.resources.map((r) => r.urn) ?? []);
  const bKeys = new Set(b?.policy.violations.map(key) ?? []);
  const hKeys = new Set(h?.policy.violations.map(key) ?? []);
  const newViolations = h?.policy.violations.filter((v) => !bKeys.has(key(v))) ?? [];
  const resolvedViolations = b?.policy.violations.filter((v) => !hKeys.has(key(v))) ?? [];
  const addedResources = [...hUrns].filter((u) => !bUrns.has(u)).sort();
  const removedResources = [...bUrns].filter((u) => !hUrns.has(u)).sort();
  const be = b?.cost.expectedMonthlyUsd ?? 0;
  const he = h?.cost.expectedMonthlyUsd ?? 0;
  const bc = b ? (b.cost.ceilingUnbounded ? null : b.cost.ceilingMonthlyUsd) : 0;
  const hc = h ? (h.cost.ceilingUnbounded ? null : h.cost.ceilingMonthlyUsd) : 0;
  const delta = {
    expectedMonthlyUsd: round2(he - be),
    expectedPercent: be > 0 ? Math.round(((he - be) / be) * 1000) / 10 : null,
    ceilingMonthlyUsd: bc === null || hc === null ? null : round2(hc - bc),
    budgetMonthlyUsd: (h?.cost.budgetMonthlyUsd ?? null) !== null && (b?.cost.budgetMonthlyUsd ?? null) !== null ? round2(h!.cost.budgetMonthlyUsd! - b!.cost.budgetMonthlyUsd!) : null,
  };
  const changed =
    delta.expectedMonthlyUsd !== 0 || delta.ceilingMonthlyUsd !== 0 || (delta.budgetMonthlyUsd ?? 0) !== 0 || (b?.cost.ceilingUnbounded ?? false) !== (h?.cost.ceilingUnbounded ?? false) ||
    newViolations.length + resolvedViolations.length + addedResources.length + removedResources.length > 0;
  return {
    stack,
    status: !b ? "added" : !h ? "removed" : changed ? "changed" : "unchanged",
    base: b ? snapshot(b) : null,
    head: h ? snapshot(h) : null,
    delta,
    newViolations,
    resolvedViolations,
    addedResources,
    removedResources,
  };
}

const violationText = (v: PolicyViolation) => `${v.policy} (${v.level}) on ${v.urn ? v.urn.split("::").pop() : "the stack"}: ${v.message}`;

/** `prod: expected +$123.40/month (+8%), ceiling +$2,000.00/month; new violations: ...` */
export function diffLine(d: StackDiff): string {
  if (d.status === "error") return `${d.stack}: cannot compare (${d.error})`;
  if (d.status === "removed") return `${d.stack}: stack removed (was expected ${usd(d.base!.expectedMonthlyUsd)}/month, ceiling ${usd(d.base!.ceilingMonthlyUsd, d.base!.ceilingUnbounded)}/month)`;
  const parts: string[] = [];
  const h = d.head!;
  if (d.status === "added") {
    parts.push(`new stack, expected ${usd(h.expectedMonthlyUsd)}/month, ceiling ${usd(h.ceilingMonthlyUsd, h.ceilingUnbounded)}/month`);
  } else {
    const dl = d.delta!;
    const pct = signedPercent(dl.expectedMonthlyUsd, d.base!.expectedMonthlyUsd);
    parts.push(dl.expectedMonthlyUsd === 0 ? `expected unchanged at ${usd(h.expectedMonthlyUsd)}/month` : `expected ${signedUsd(dl.expectedMonthlyUsd)}/month${pct ? ` (${pct})` : ""} to ${usd(h.expectedMonthlyUsd)}`);
    if (dl.ceilingMonthlyUsd === 0) parts.push(`ceiling unchanged at ${usd(h.ceilingMonthlyUsd)}/month`);
    else if (dl.ceilingMonthlyUsd !== null) parts.push(`ceiling ${signedUsd(dl.ceilingMonthlyUsd)}/month to ${usd(h.ceilingMonthlyUsd)}`);
    else if (h.ceilingUnbounded && !d.base!.ceilingUnbounded) parts.push("ceiling becomes UNBOUNDED");
    else if (!h.ceilingUnbounded && d.base!.ceilingUnbounded) parts.push(`ceiling now bounded at ${usd(h.ceilingMonthlyUsd)}/month`);
    else parts.push("ceiling unbounded on both sides");
    if (dl.budgetMonthlyUsd) parts.push(`budget ${signedUsd(dl.budgetMonthlyUsd)}/month to ${usd(h.budgetMonthlyUsd)}`);
  }
  if (h.budgetMonthlyUsd !== null && !h.ceilingUnbounded && h.ceilingMonthlyUsd !== null && h.ceilingMonthlyUsd > h.budgetMonthlyUsd) parts.push(`ceiling over the ${usd(h.budgetMonthlyUsd)} budget`);
  if (d.addedResources.length || d.removedResources.length) parts.push(`resources +${d.addedResources.length}/-${d.removedResources.length}`);
  let line = `${d.stack}: ${d.status === "unchanged" ? "no change" : parts.join(", ")}`;
  if (d.newViolations.length) line += `; new violations: ${d.newViolations.map(violationText).join("; ")}`;
  if (d.resolvedViolations.length) line += `; resolved: ${d.resolvedViolations.map(violationText).join("; ")}`;
  return line;
}
