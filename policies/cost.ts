/**
 * Cost guardrails: the stack declares a monthly AWS Budget, and the cost
 * engine's estimate (../cost, `estimateStack`) fits it: expected cost within
 * the budget, ceiling within budget x factor, a warning from 80%.
 *
 * The workload profile, region and limits the estimate needs come from the
 * stack file (Pulumi.<stack>.yaml): inside CrossGuard policies/stackFile.ts
 * reads it and hands them over as this policy's config; the offline evaluator
 * passes the same values directly.
 */
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { LimitsSchema, WorkloadSchema } from "../environments";
import { BudgetOfStack, budgetOfStack, StackBudget } from "../model/budget";
import type { EstimateOptions, StackCost } from "../cost";
import { StackResource } from "../model/resources";
import { AWS_PROVIDER_TYPE } from "../model/types";
import { fmtUsd, isUnknown, peek, reportCannotVerify, toStackResource, unwrapProxy } from "./common";

// ---- The cost engine (cost/index.ts), loaded lazily -------------------------------------------------

export type CostOptions = EstimateOptions;
export type { StackCost };

export type EstimateStack = (resources: readonly StackResource[], options: CostOptions) => StackCost;

/** Raised when ../cost is not there (yet); the cost policies then report "cannot verify". */
export class CostEngineUnavailableError extends Error {
  public override readonly name = "CostEngineUnavailableError";
}

/** The real engine, loaded on first use so the pack still loads when cost/ is missing. */
export function defaultEstimateStack(): EstimateStack {
  let mod: { estimateStack?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require("../cost") as { estimateStack?: unknown };
  } catch (err) {
    throw new CostEngineUnavailableError(`the cost engine (cost/index.ts) cannot be loaded: ${(err as Error).message.split("\n")[0]}`);
  }
  if (typeof mod.estimateStack !== "function") throw new CostEngineUnavailableError("the cost engine (cost/index.ts) does not export estimateStack");
  return mod.estimateStack as EstimateStack;
}

// ---- Config -------------------------------------------------------------------------------------

/** What every cost policy's config carries so the estimate can run without stack config. */
export interface CostContextConfig {
  /** AWS region prices are read for; default: the stack's AWS provider region. */
  region?: string;
  /** The environment's workload profile (same shape as `platform:workload`). */
  workload?: unknown;
  /** The environment's limits (same shape as `platform:limits`). */
  limits?: unknown;
  /** The cost engine's usage file, when given. */
  usage?: unknown;
}

/** Config keys the offline evaluator fills from its `costContext`. */
export const COST_CONTEXT_KEYS = ["region", "workload", "limits", "usage"] as const;

const costContextSchema: Record<string, PolicyConfigJSONSchema> = {
  region: { type: "string", pattern: "^[a-z]{2}(-gov)?-[a-z]+-\\d$" },
  workload: { type: "object" },
  limits: { type: "object" },
  usage: { type: "object" },
};

/**
 * Zod checks for config options the JSON schema only types as objects; the
 * offline config loader runs them too, so a bad workload is a config error.
 */
export const COST_CONTEXT_CHECKS: Readonly<Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } }>> = {
  workload: WorkloadSchema,
  limits: LimitsSchema,
};

// ---- The budget -----------------------------------------------------------------------------------

/** The stack's budget as the plan reads it (model/budget.ts), from what CrossGuard shows of each resource. */
export function findBudget(resources: readonly PolicyResource[]): BudgetOfStack {
  return budgetOfStack(resources.map((r) => ({ urn: r.urn, name: r.name, type: r.type, inputs: unwrapProxy(r.props) as Record<string, unknown> })));
}

// ---- Running the estimate -----------------------------------------------------------------------

interface Estimate {
  readonly budget: StackBudget;
  readonly cost: StackCost;
}

/** The AWS provider's region, when the stack sets one. */
function providerRegion(resources: readonly PolicyResource[]): string | undefined {
  for (const r of resources) {
    if (r.type !== AWS_PROVIDER_TYPE) continue;
    const region = peek(r.props, "region");
    if (typeof region === "string" && !isUnknown(region)) return region;
  }
  return undefined;
}

function estimate(args: StackValidationArgs, report: ReportViolation, engine: () => EstimateStack): Estimate | undefined {
  const found = findBudget(args.resources);
  if (found.unknown !== undefined) {
    reportCannotVerify(report, undefined, found.unknown);
    return undefined;
  }
  if (!found.budget) return undefined; // budget-declared reports it
  const config = args.getConfig<CostContextConfig>();
  const region = config.region ?? providerRegion(args.resources);
  if (!region) {
    reportCannotVerify(report, undefined, "no region to price in: set the policy's `region` option or the AWS provider's region");
    return undefined;
  }
  const workload = config.workload === undefined ? undefined : parseOption("workload", WorkloadSchema, config.workload);
  const limits = config.limits === undefined ? undefined : parseOption("limits", LimitsSchema, config.limits);
  let estimateStack: EstimateStack;
  try {
    estimateStack = engine();
  } catch (err) {
    if (err instanceof CostEngineUnavailableError) {
      reportCannotVerify(report, undefined, err.message);
      return undefined;
    }
    throw err;
  }
  try {
    const cost = estimateStack(args.resources.map(toStackResource), {
      region,
      ...(workload ? { workload } : {}),
      ...(limits ? { limits } : {}),
      // The offline evaluator passes a parsed usage file; a pack config's is validated by offline/config.ts.
      ...(config.usage !== undefined ? { usage: config.usage as EstimateOptions["usage"] } : {}),
    });
    return { budget: found.budget, cost };
  } catch (err) {
    // A region the price catalogue does not hold: the cost cannot be judged, which must not fail the preview.
    if ((err as Error).name === "UnknownRegionError") {
      reportCannotVerify(report, undefined, (err as Error).message);
      return undefined;
    }
    throw err;
  }
}

function parseOption<T>(key: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`policy config ${key}.${issue.path.map(String).join(".")} ${issue.message}`);
}

/** Unpriceable resources make the expected cost a lower bound: a pass cannot be proven. */
function unpricedNote(cost: StackCost): string | undefined {
  if (cost.cannotPrice.length === 0) return undefined;
  const first = cost.cannotPrice[0];
  const more = cost.cannotPrice.length > 1 ? ` and ${cost.cannotPrice.length - 1} more` : "";
  return `${first.urn} cannot be priced (${first.reason})${more}`;
}

// ---- The policies ---------------------------------------------------------------------------------

export interface CostPolicies {
  readonly budgetDeclared: StackValidationPolicy;
  readonly budgetExpectedCost: StackValidationPolicy;
  readonly budgetCeilingCost: StackValidationPolicy;
  readonly budgetEarlyWarning: StackValidationPolicy;
}

/** Builds the cost policies around an engine (tests pass a stub; the pack passes the real one). */
export function makeCostPolicies(engine: () => EstimateStack = defaultEstimateStack): CostPolicies {
  const budgetDeclared: StackValidationPolicy = {
    name: "budget-declared",
    description: "The stack must declare a monthly AWS Budget in USD.",
    validateStack: (args, report) => {
      const found = findBudget(args.resources);
      if (found.unknown !== undefined) reportCannotVerify(report, undefined, found.unknown);
      else if (!found.budget && found.problems.length === 0) report("The stack must declare an AWS Budget (aws.budgets.Budget, COST, MONTHLY, USD).");
      for (const p of found.problems) report(`Budget ${p}.`);
    },
  };

  const budgetExpectedCost: StackValidationPolicy = {
    name: "budget-expected-cost",
    description: "The expected monthly cost must not exceed the stack's budget.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...costContextSchema } },
    validateStack: (args, report) => {
      const e = estimate(args, report, engine);
      if (!e) return;
      const { cost, budget } = e;
      if (cost.expectedMonthlyUsd > budget.monthlyUsd) {
        report(`Expected monthly cost ${fmtUsd(cost.expectedMonthlyUsd)} must not exceed the budget ${fmtUsd(budget.monthlyUsd)} (${budget.name}).`, budget.urn);
        return;
      }
      const note = unpricedNote(cost);
      if (note) reportCannotVerify(report, budget.urn, `expected monthly cost ${fmtUsd(cost.expectedMonthlyUsd)} is a lower bound: ${note}`);
    },
  };

  const budgetCeilingCost: StackValidationPolicy = {
    name: "budget-ceiling-cost",
    description: "The guaranteed ceiling (every part at what AWS or the spend brake enforces) must be bounded and within the budget times a factor.",
    configSchema: {
      properties: {
        ...costContextSchema,
        ceilingFactor: { type: "number", minimum: 1, default: 2 },
      },
    },
    validateStack: (args, report) => {
      const e = estimate(args, report, engine);
      if (!e) return;
      const { cost, budget } = e;
      const factor = args.getConfig<{ ceilingFactor: number }>().ceilingFactor ?? 2;
      const guaranteed = cost.guaranteedCeilingMonthlyUsd;
      if (guaranteed === null) {
        const open = cost.items.filter((i) => i.guaranteedCeilingMonthlyUsd === null);
        if (open.length === 0) report("Guaranteed ceiling must be bounded (the cost engine reports a part nothing enforces).", budget.urn);
        for (const i of open) report(`Guaranteed ceiling must be bounded: nothing enforces the ceiling of ${i.name} (${i.type}): ${i.ceilingBound || i.unboundedReason || "no upper bound"}.`, i.urn);
        return;
      }
      const allowed = budget.monthlyUsd * factor;
      if (guaranteed > allowed) {
        report(`Guaranteed ceiling ${fmtUsd(guaranteed)} must not exceed the budget ${fmtUsd(budget.monthlyUsd)} x ${factor} = ${fmtUsd(allowed)} (${budget.name}).`, budget.urn);
        return;
      }
      const note = unpricedNote(cost);
      if (note) reportCannotVerify(report, budget.urn, `guaranteed ceiling ${fmtUsd(guaranteed)} is a lower bound: ${note}`);
    },
  };

  const budgetEarlyWarning: StackValidationPolicy = {
    name: "budget-early-warning",
    description: "Warns when the expected monthly cost reaches a share of the budget (80% by default).",
    enforcementLevel: "advisory",
    configSchema: {
      properties: {
        ...costContextSchema,
        warnAtPercent: { type: "number", exclusiveMinimum: 0, maximum: 100, default: 80 },
      },
    },
    validateStack: (args, report) => {
      const e = estimate(args, report, engine);
      if (!e) return;
      const { cost, budget } = e;
      const percent = args.getConfig<{ warnAtPercent: number }>().warnAtPercent ?? 80;
      const share = (cost.expectedMonthlyUsd / budget.monthlyUsd) * 100;
      if (share >= percent) {
        report(`Expected monthly cost ${fmtUsd(cost.expectedMonthlyUsd)} is ${share.toFixed(0)}% of the budget ${fmtUsd(budget.monthlyUsd)} (${budget.name}); it should stay below ${percent}%.`, budget.urn);
      }
    },
  };

  return { budgetDeclared, budgetExpectedCost, budgetCeilingCost, budgetEarlyWarning };
}

const defaults = makeCostPolicies();

export const budgetDeclared = defaults.budgetDeclared;
export const budgetExpectedCost = defaults.budgetExpectedCost;
export const budgetCeilingCost = defaults.budgetCeilingCost;
export const budgetEarlyWarning = defaults.budgetEarlyWarning;

export const costPolicies: StackValidationPolicy[] = [budgetDeclared, budgetExpectedCost, budgetCeilingCost, budgetEarlyWarning];
