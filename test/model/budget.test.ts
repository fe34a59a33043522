import assert from "node:assert/strict";
import { budgetOfStack, BudgetCandidate } from "../../model/budget";
import { UNKNOWN } from "../../model/resources";

const budget = (name: string, inputs: Record<string, unknown>): BudgetCandidate => ({ urn: `urn:pulumi:s::p::aws:budgets/budget:Budget::${name}`, name, type: "aws:budgets/budget:Budget", inputs });

describe("model/budget: budgetOfStack", () => {
  it("takes the strictest of several budgets, after normalising periods to a month", () => {
    // 900 a quarter (300/month) is stricter than 400 a month; 6,000 a year is 500/month.
    const found = budgetOfStack([budget("monthly", { limitAmount: "400", timeUnit: "MONTHLY" }), budget("quarterly", { limitAmount: 900, timeUnit: "QUARTERLY" }), budget("annual", { limitAmount: "6000", timeUnit: "ANNUALLY" })]);
    assert.deepEqual(found.budget, { urn: "urn:pulumi:s::p::aws:budgets/budget:Budget::quarterly", name: "quarterly", monthlyUsd: 300 });
    assert.deepEqual(found.problems, []);
  });
  it("ignores other resource types and reports budgets that are not USD cost budgets", () => {
    const found = budgetOfStack([
      { urn: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", name: "b", type: "aws:s3/bucket:Bucket", inputs: { limitAmount: 1 } },
      budget("usage", { budgetType: "USAGE", limitAmount: 5, timeUnit: "MONTHLY" }),
      budget("euros", { limitAmount: 5, limitUnit: "EUR" }),
      budget("daily", { limitAmount: 5, timeUnit: "DAILY" }),
      budget("zero", { limitAmount: "0" }),
    ]);
    assert.equal(found.budget, undefined);
    assert.deepEqual(found.problems, [
      "usage must be a COST budget in USD with timeUnit MONTHLY, QUARTERLY or ANNUALLY (got USAGE, USD, MONTHLY)",
      "euros must be a COST budget in USD with timeUnit MONTHLY, QUARTERLY or ANNUALLY (got COST, EUR, MONTHLY)",
      "daily must be a COST budget in USD with timeUnit MONTHLY, QUARTERLY or ANNUALLY (got COST, USD, DAILY)",
      'zero.limitAmount must be a positive amount (got "0")',
    ]);
  });
  it("is unknown, not absent, when a budget's amount is not known during preview", () => {
    const found = budgetOfStack([budget("a", { limitAmount: 100 }), budget("b", { limitAmount: UNKNOWN })]);
    assert.equal(found.budget, undefined);
    assert.equal(found.unknown, "b.limitAmount is not known during preview");
  });
});
