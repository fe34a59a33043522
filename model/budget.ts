/**
 * The budget of a stack: one rule for the plan's "% of budget" and for the
 * cost policies' verdicts, so the two can never disagree.
 *
 * - Only `aws:budgets/budget:Budget` resources of `budgetType` COST (the
 *   default) in USD count; a USAGE budget or another unit is reported, not used.
 * - Periods are normalised to a month: QUARTERLY / 3, ANNUALLY / 12 (AWS
 *   Budgets' `timeUnit`; DAILY budgets are not a monthly guardrail, reported).
 * - With several, the strictest (smallest monthly amount) is the stack's
 *   budget: the tightest promise the team made is the one we check.
 * - A field not known during preview makes the budget unknown ("cannot
 *   verify"), never a silent pass.
 */
import { containsUnknown } from "./resources";
import { BUDGET_TYPE } from "./types";

/** What the rule reads of a resource: its URN, logical name, type and inputs. */
export interface BudgetCandidate {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface StackBudget {
  readonly urn: string;
  readonly name: string;
  /** The limit per month, in USD (rounded to cents). */
  readonly monthlyUsd: number;
}

export interface BudgetOfStack {
  /** The strictest well-formed cost budget, normalised to a month. */
  readonly budget?: StackBudget;
  /** Budgets that cannot serve as the stack's budget, one line each ("<name> must ..."). */
  readonly problems: readonly string[];
  /** Set when a budget's fields are not known during preview. */
  readonly unknown?: string;
}

/** Months per AWS Budgets `timeUnit`. */
export const MONTHS_PER_TIME_UNIT: Readonly<Record<string, number>> = { MONTHLY: 1, QUARTERLY: 3, ANNUALLY: 12 };

/** The stack's monthly USD cost budget: the strictest of several, periods normalised. */
export function budgetOfStack(resources: readonly BudgetCandidate[]): BudgetOfStack {
  const found: StackBudget[] = [];
  const problems: string[] = [];
  for (const b of resources.filter((r) => r.type === BUDGET_TYPE)) {
    const fields = { budgetType: b.inputs["budgetType"] ?? "COST", timeUnit: b.inputs["timeUnit"] ?? "MONTHLY", limitUnit: b.inputs["limitUnit"] ?? "USD", limitAmount: b.inputs["limitAmount"] };
    const shown = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    const unknown = Object.entries(fields).find(([, v]) => containsUnknown(v));
    if (unknown) return { problems, unknown: `${b.name}.${unknown[0]} is not known during preview` };
    const months = typeof fields.timeUnit === "string" ? MONTHS_PER_TIME_UNIT[fields.timeUnit] : undefined;
    if (fields.budgetType !== "COST" || fields.limitUnit !== "USD" || months === undefined) {
      problems.push(`${b.name} must be a COST budget in USD with timeUnit MONTHLY, QUARTERLY or ANNUALLY (got ${shown(fields.budgetType)}, ${shown(fields.limitUnit)}, ${shown(fields.timeUnit)})`);
      continue;
    }
    const amount = typeof fields.limitAmount === "number" || typeof fields.limitAmount === "string" ? Number(fields.limitAmount) : NaN;
    if (!Number.isFinite(amount) || amount <= 0) {
      problems.push(`${b.name}.limitAmount must be a positive amount (got ${JSON.stringify(fields.limitAmount ?? null)})`);
      continue;
    }
    found.push({ urn: b.urn, name: b.name, monthlyUsd: Math.round((amount / months) * 100) / 100 });
  }
  found.sort((a, b) => a.monthlyUsd - b.monthlyUsd || a.urn.localeCompare(b.urn));
  return { problems, ...(found[0] ? { budget: found[0] } : {}) };
}
