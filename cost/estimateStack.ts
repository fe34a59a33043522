/**
 * Price a whole stack: expected and ceiling monthly cost per resource and in
 * total. Usage comes from {@link deriveUsage}; a usage file overrides it
 * (by type, then by logical name). Pure.
 */
import type { Limits, Workload } from "../environments/schema";
import { StackResource, containsUnknown } from "../model/resources";
import { SECONDS_PER_MONTH } from "./constants";
import { capacityAtPeak } from "./capacity";
import { applyEnforcement } from "./enforcement";
import { CostError } from "./errors";
import { at } from "./estimators/types";
import { checkUsage, pricingOf, sum } from "./priceResource";
import { priceBook } from "./prices/catalogue";
import { ResourceCostItem, StackCost, Usage, UsageFile } from "./types";
import { ASSUMPTIONS, deriveUsage } from "./usage/derive";
import { ResourceGraph } from "./usage/graph";

export interface EstimateOptions {
  /** AWS region whose prices apply (the stack's `aws:region`). */
  region: string;
  /** The environment's workload profile: drives the expected figure. */
  workload?: Workload;
  /** The environment's limits: bound the ceiling. */
  limits?: Limits;
  /** Usage overrides (they win over derived usage). */
  usage?: UsageFile;
}

/** Reserved concurrency bounds a function's requests x duration by reserved x the month (expected and ceiling alike). */
function capLambdaCeiling(props: Readonly<Record<string, unknown>>, usage: Usage): void {
  const reserved = typeof props.reservedConcurrentExecutions === "number" ? props.reservedConcurrentExecutions : undefined;
  const duration = usage.request_duration_ms ?? 0;
  if (reserved === undefined || reserved < 0 || duration <= 0 || usage.monthly_requests === undefined) return;
  usage.monthly_requests = Math.min(usage.monthly_requests, (reserved * SECONDS_PER_MONTH * 1000) / duration);
}

/** Placeholder until applyEnforcement classifies the item. */
const UNCLASSIFIED = { ceilingEnforcement: null, ceilingBound: "", guaranteedCeilingMonthlyUsd: null } as const;

/**
 * Prices `resources`. The plan and each cost policy price the same stack in one
 * check: the last answer is kept and returned, frozen, while the resources
 * (the same objects, in the same order) and the options are the same.
 */
export function estimateStack(resources: readonly StackResource[], options: EstimateOptions): StackCost {
  const key = JSON.stringify(options);
  const last = lastEstimate;
  if (last && last.key === key && last.resources.length === resources.length && last.resources.every((r, i) => r === resources[i])) return last.cost;
  const cost = deepFreeze(priceStack(resources, options));
  lastEstimate = { resources: [...resources], key, cost };
  return cost;
}

let lastEstimate: { readonly resources: readonly StackResource[]; readonly key: string; readonly cost: StackCost } | undefined;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function priceStack(resources: readonly StackResource[], options: EstimateOptions): StackCost {
  const prices = priceBook(options.region);
  const graph = new ResourceGraph(resources);
  const derived = deriveUsage(graph, { workload: options.workload, limits: options.limits, region: options.region });
  const items: ResourceCostItem[] = [];
  const unpriced = new Set<string>();
  const cannotPrice: { urn: string; reason: string }[] = [];

  for (const r of resources) {
    if (!r.custom) continue; // components are never priced
    let pricing;
    try {
      pricing = pricingOf(r.type);
    } catch (err) {
      if (!(err instanceof CostError)) throw err;
      cannotPrice.push({ urn: r.urn, reason: err.message });
      continue;
    }
    if (pricing.kind === "free") continue;
    if (pricing.kind === "unpriced") {
      unpriced.add(r.type);
      continue;
    }
    const unknown = (pricing.estimator.priceProps ?? []).find((p) => containsUnknown(at(r.inputs, p)));
    if (unknown !== undefined) {
      cannotPrice.push({ urn: r.urn, reason: `input ${unknown} is not known until the update runs (preview)` });
      continue;
    }
    const d = derived.get(r.urn);
    const overrides: Usage = { ...(options.usage?.byType[r.type] ?? {}), ...(options.usage?.byName[r.name] ?? {}) };
    checkUsage(r.type, overrides, `usage file, ${r.name}: `);
    const expectedUsage: Usage = { ...(d?.expected ?? {}), ...overrides };
    if (r.type === "aws:lambda/function:Function") capLambdaCeiling(r.inputs, expectedUsage);
    const ceiling = d?.ceiling ?? { usage: {} };
    const { estimator } = pricing;
    const expected = estimator.price({ props: r.inputs, usage: expectedUsage, prices });
    const expectedMonthlyUsd = sum(expected.map((l) => l.monthlyUsd));
    if ("unbounded" in ceiling) {
      items.push({ urn: r.urn, type: r.type, name: r.name, expectedMonthlyUsd, ceilingMonthlyUsd: null, unboundedReason: ceiling.unbounded, expected, ceiling: [], usage: expectedUsage, ...UNCLASSIFIED });
      continue;
    }
    // The ceiling never sits below the expected usage (overrides included).
    const ceilingUsage: Usage = { ...expectedUsage };
    for (const [k, v] of Object.entries(ceiling.usage)) ceilingUsage[k] = Math.max(v, expectedUsage[k] ?? 0);
    if (r.type === "aws:lambda/function:Function") capLambdaCeiling(r.inputs, ceilingUsage);
    const ceilingLines = estimator.price({ props: r.inputs, usage: ceilingUsage, prices });
    items.push({ urn: r.urn, type: r.type, name: r.name, expectedMonthlyUsd, ceilingMonthlyUsd: sum(ceilingLines.map((l) => l.monthlyUsd)), expected, ceiling: ceilingLines, usage: expectedUsage, ...UNCLASSIFIED });
  }

  const unbounded = items.some((i) => i.ceilingMonthlyUsd === null);
  const enforced = applyEnforcement(resources, items, options.region, prices, options.workload?.averageRecordBytes ?? ASSUMPTIONS.defaultRecordBytes);
  return {
    expectedMonthlyUsd: sum(items.map((i) => i.expectedMonthlyUsd)),
    ceilingMonthlyUsd: unbounded ? null : sum(items.map((i) => i.ceilingMonthlyUsd ?? 0)),
    ceilingUnbounded: unbounded,
    guaranteedCeilingMonthlyUsd: enforced.guaranteedCeilingMonthlyUsd,
    brake: enforced.brake,
    capacity: options.workload ? capacityAtPeak(resources, options.region, options.workload) : [],
    items,
    unpriced: [...unpriced].sort(),
    cannotPrice,
  };
}
