/**
 * The plan of one stack: its resources grouped by pipeline and type, its cost
 * (expected, ceiling, budget) and its policy verdicts. Shared by the CLI's
 * `plan`, `check`, `diff` and `compare`. Pure apart from the engines passed in:
 * callers synthesize or parse the resources and read config files.
 */
import { Limits, Workload } from "../environments";
import type { PolicyPackConfig } from "../policies/offline";
import type { BrakeSummary, CapacityBound, UsageFile } from "../cost";
import { CostItem, Engines, GuardrailSource, PolicyFinding, PolicyViolation } from "./engines";
import { budgetOfStack } from "../model/budget";
import { StackResource } from "../model/resources";
import { BUDGET_TYPE, STACK_ROOT_TYPE } from "../model/types";

export { STACK_ROOT_TYPE, BUDGET_TYPE };
/** Label of resources that belong to no component. */
export const NO_PIPELINE = "(stack)";

export interface PlanInput {
  readonly stack: string;
  readonly region: string;
  readonly resources: readonly StackResource[];
  readonly workload?: Workload;
  readonly limits?: Limits;
  readonly usage?: UsageFile;
  /** Parsed policy pack config (undefined: the pack's defaults). */
  readonly policyConfig?: PolicyPackConfig;
  /** Where the guardrails (levels, limits) came from, for the report. */
  readonly guardrails?: GuardrailSource;
  /** Wins over everything (e.g. `check --budget`). */
  readonly budgetOverrideUsd?: number;
  /** Used when the stack has no AWS Budget resource (e.g. the environment's budget). */
  readonly budgetFallbackUsd?: number;
}

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** Name of the top-level component the resource belongs to, or "(stack)". */
  pipeline: string;
}

export interface PipelineSummary {
  /** Top-level component name, e.g. "realtime". */
  name: string;
  /** Its type token, e.g. "platform:pipelines:Realtime" (null for "(stack)"). */
  type: string | null;
  resourceCount: number;
  expectedMonthlyUsd: number;
  ceilingMonthlyUsd: number | null;
}

export type BudgetSource = "override" | "budget-resource" | "environment" | null;

export interface StackPlan {
  stack: string;
  region: string;
  resources: PlannedResource[];
  pipelines: PipelineSummary[];
  /** Resource count per type, sorted by type. */
  types: { type: string; count: number }[];
  cost: {
    expectedMonthlyUsd: number;
    ceilingMonthlyUsd: number | null;
    ceilingUnbounded: boolean;
    /** The most the stack can cost by what AWS and the spend brake enforce (null: a part is not enforced). */
    guaranteedCeilingMonthlyUsd: number | null;
    /** The spend brake's share of the budget, its delay and worst case (null: it covers no part). */
    brake: BrakeSummary | null;
    /** Each bound's capacity at the declared peak and its headroom (capacity / need). */
    capacity: CapacityBound[];
    budgetMonthlyUsd: number | null;
    budgetSource: BudgetSource;
    /** expected / budget x 100, rounded to 0.1 (null without a budget). */
    expectedPercentOfBudget: number | null;
    ceilingPercentOfBudget: number | null;
    guaranteedPercentOfBudget: number | null;
    /** What budget-ceiling-cost allows the guaranteed ceiling: the budget x the tier's ceilingFactor (null: no budget or no factor given). */
    allowedCeiling: { factor: number; monthlyUsd: number } | null;
    items: CostItem[];
    unpriced: string[];
    cannotPrice: { urn: string; reason: string }[];
    /** False when the plan was made without the cost engine (nothing was priced). */
    engineAvailable: boolean;
  };
  policy: {
    violations: PolicyViolation[];
    cannotVerify: PolicyFinding[];
    /** False when the plan was made without the policy pack (nothing was checked). */
    engineAvailable: boolean;
    /** The stack file and tier the verdicts were judged with, or the strict defaults (null: unknown). */
    guardrails: GuardrailSource | null;
  };
  /** Number of mandatory violations: the stack fails when above 0. */
  mandatoryViolations: number;
}

/** Plans one stack from its resources. */
export async function planStack(input: PlanInput, engines: Engines): Promise<StackPlan> {
  const { resources } = input;
  const pipelineOf = pipelineResolver(resources);
  const costContext = {
    region: input.region,
    ...(input.workload ? { workload: input.workload } : {}),
    ...(input.limits ? { limits: input.limits } : {}),
    ...(input.usage !== undefined ? { usage: input.usage } : {}),
  };

  const stackCost = engines.cost
    ? engines.cost.estimateStack(resources, costContext)
    : { expectedMonthlyUsd: 0, ceilingMonthlyUsd: 0, ceilingUnbounded: false, guaranteedCeilingMonthlyUsd: 0, brake: null, capacity: [], items: [], unpriced: unique(resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).map((r) => r.type)), cannotPrice: [] };
  const report = engines.policy
    ? await engines.policy.evaluatePolicies(resources, { ...(input.policyConfig !== undefined ? { config: input.policyConfig } : {}), costContext })
    : { violations: [], cannotVerify: [{ policy: "policy-pack", urn: null, message: "planned without the policy pack: no policy was evaluated" }] };

  const budget = resolveBudget(resources, input);
  const planned: PlannedResource[] = resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, pipeline: pipelineOf(r.urn) }));

  const byPipeline = new Map<string, PipelineSummary>();
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  for (const r of planned) {
    let p = byPipeline.get(r.pipeline);
    if (!p) {
      const top = [...byUrn.values()].find((x) => x.name === r.pipeline && !x.custom && pipelineOf(x.urn) === r.pipeline);
      p = { name: r.pipeline, type: r.pipeline === NO_PIPELINE ? null : (top?.type ?? null), resourceCount: 0, expectedMonthlyUsd: 0, ceilingMonthlyUsd: 0 };
      byPipeline.set(r.pipeline, p);
    }
    p.resourceCount += 1;
  }
  for (const item of stackCost.items) {
    const p = byPipeline.get(pipelineOf(item.urn));
    if (!p) continue;
    p.expectedMonthlyUsd = round2(p.expectedMonthlyUsd + item.expectedMonthlyUsd);
    p.ceilingMonthlyUsd = p.ceilingMonthlyUsd === null || item.ceilingMonthlyUsd === null ? null : round2(p.ceilingMonthlyUsd + item.ceilingMonthlyUsd);
  }
  const pipelines = [...byPipeline.values()].sort((a, b) => (a.name === NO_PIPELINE ? 1 : b.name === NO_PIPELINE ? -1 : a.name.localeCompare(b.name)));

  const typeCounts = new Map<string, number>();
  for (const r of resources) typeCounts.set(r.type, (typeCounts.get(r.type) ?? 0) + 1);

  const percent = (v: number | null) => (v === null || budget.usd === null || budget.usd <= 0 ? null : Math.round((v / budget.usd) * 1000) / 10);
  const violations = [...report.violations].sort(byLevelPolicyUrn);
  return {
    stack: input.stack,
    region: input.region,
    resources: planned,
    pipelines,
    types: [...typeCounts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => ({ type, count })),
    cost: {
      expectedMonthlyUsd: stackCost.expectedMonthlyUsd,
      ceilingMonthlyUsd: stackCost.ceilingMonthlyUsd,
      ceilingUnbounded: stackCost.ceilingUnbounded,
      guaranteedCeilingMonthlyUsd: stackCost.guaranteedCeilingMonthlyUsd,
      brake: stackCost.brake,
      capacity: stackCost.capacity,
      budgetMonthlyUsd: budget.usd,
      budgetSource: budget.source,
      expectedPercentOfBudget: percent(stackCost.expectedMonthlyUsd),
      ceilingPercentOfBudget: stackCost.ceilingUnbounded ? null : percent(stackCost.ceilingMonthlyUsd),
      guaranteedPercentOfBudget: percent(stackCost.guaranteedCeilingMonthlyUsd),
      allowedCeiling: allowedCeiling(input.policyConfig, budget.usd),
      items: stackCost.items,
      unpriced: stackCost.unpriced,
      cannotPrice: stackCost.cannotPrice,
      engineAvailable: engines.cost !== undefined,
    },
    policy: { violations, cannotVerify: report.cannotVerify, engineAvailable: engines.policy !== undefined, guardrails: input.guardrails ?? null },
    mandatoryViolations: violations.filter((v) => v.level === "mandatory").length,
  };
}

/** budget x the ceilingFactor the plan's policy config gives budget-ceiling-cost (the pack's default applies otherwise: not shown). */
function allowedCeiling(config: PolicyPackConfig | undefined, budgetUsd: number | null): { factor: number; monthlyUsd: number } | null {
  const cfg = config?.["budget-ceiling-cost"];
  const factor = typeof cfg === "object" && cfg !== null && "ceilingFactor" in cfg ? (cfg as { ceilingFactor?: unknown }).ceilingFactor : undefined;
  return typeof factor === "number" && budgetUsd !== null && budgetUsd > 0 ? { factor, monthlyUsd: round2(budgetUsd * factor) } : null;
}

/**
 * Maps a URN to the top-level component it sits under (the ancestor just below
 * the stack root), by the parent chain. Resources outside any component map to "(stack)".
 */
export function pipelineResolver(resources: readonly StackResource[]): (urn: string) => string {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, string>();
  const isRoot = (urn: string | undefined) => urn === undefined || byUrn.get(urn)?.type === STACK_ROOT_TYPE || !byUrn.has(urn);
  return (urn) => {
    const hit = memo.get(urn);
    if (hit !== undefined) return hit;
    let cur = byUrn.get(urn);
    const seen = new Set<string>();
    let label = NO_PIPELINE;
    while (cur && !seen.has(cur.urn)) {
      seen.add(cur.urn);
      if (cur.type === STACK_ROOT_TYPE) break;
      if (isRoot(cur.parent)) {
        label = cur.custom ? NO_PIPELINE : cur.name;
        break;
      }
      cur = byUrn.get(cur.parent!);
    }
    memo.set(urn, label);
    return label;
  };
}

/** The monthly budget: the override, else the stack's AWS Budget resource, else the fallback. */
export function resolveBudget(resources: readonly StackResource[], input: Pick<PlanInput, "budgetOverrideUsd" | "budgetFallbackUsd">): { usd: number | null; source: BudgetSource } {
  if (input.budgetOverrideUsd !== undefined) return { usd: input.budgetOverrideUsd, source: "override" };
  const fromResource = budgetFromResources(resources);
  if (fromResource !== null) return { usd: fromResource, source: "budget-resource" };
  if (input.budgetFallbackUsd !== undefined) return { usd: input.budgetFallbackUsd, source: "environment" };
  return { usd: null, source: null };
}

/** The monthly limit of the stack's budget (model/budget.ts: the strictest, periods normalised), in USD. */
export function budgetFromResources(resources: readonly StackResource[]): number | null {
  return budgetOfStack(resources).budget?.monthlyUsd ?? null;
}

function byLevelPolicyUrn(a: PolicyViolation, b: PolicyViolation): number {
  if (a.level !== b.level) return a.level === "mandatory" ? -1 : 1;
  return a.policy.localeCompare(b.policy) || (a.urn ?? "").localeCompare(b.urn ?? "") || a.message.localeCompare(b.message);
}

const unique = (xs: string[]) => [...new Set(xs)].sort();
const round2 = (n: number) => Math.round(n * 100) / 100;
