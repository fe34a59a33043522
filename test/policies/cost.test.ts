import assert from "node:assert/strict";
import * as path from "node:path";
import { loadStackFile } from "../../environments";
import { StackResource } from "../../model/resources";
import { evaluatePoliciesSync as evaluatePolicies } from "../../policies/offline";
import { CostEngineUnavailableError, CostOptions, EstimateStack, makeCostPolicies, StackCost } from "../../policies/cost";
import { awsProvider, messages, res, run, UNKNOWN, withInputs } from "./helpers";

const ROOT = path.resolve(__dirname, "..", "..");

function stubCost(expected: number, ceiling: number | null, extra: Partial<StackCost> = {}): StackCost {
  return { expectedMonthlyUsd: expected, ceilingMonthlyUsd: ceiling, ceilingUnbounded: ceiling === null, guaranteedCeilingMonthlyUsd: ceiling, brake: null, capacity: [], items: [], unpriced: [], cannotPrice: [], ...extra };
}

/** Cost policies around a stub engine that records what it was asked. */
function withEngine(cost: StackCost) {
  const calls: { resources: readonly StackResource[]; options: CostOptions }[] = [];
  const engine: EstimateStack = (resources, options) => {
    calls.push({ resources, options });
    return cost;
  };
  return { policies: makeCostPolicies(() => engine), calls };
}

const budget = res("aws:budgets/budget:Budget", "budget-monthly", { budgetType: "COST", timeUnit: "MONTHLY", limitAmount: "150.00", limitUnit: "USD" });
const stack = [awsProvider(), budget, res("aws:kinesis/stream:Stream", "transactions", { shardCount: 1 })];

describe("cost policies", () => {
  describe("budget-declared", () => {
    const { budgetDeclared } = withEngine(stubCost(0, 0)).policies;
    it("passes a monthly USD cost budget", () => {
      assert.deepEqual(run(budgetDeclared, stack).violations, []);
    });
    it("reports a stack without a budget", () => {
      assert.match(messages(run(budgetDeclared, [awsProvider()])).join(), /must declare an AWS Budget/);
    });
    it("reports a budget in another currency", () => {
      assert.match(messages(run(budgetDeclared, [withInputs(budget, { limitUnit: "EUR" })])).join(), /budget-monthly must be a COST budget in USD with timeUnit MONTHLY, QUARTERLY or ANNUALLY \(got COST, EUR, MONTHLY\)/);
    });
    it("reports a budget without a positive amount", () => {
      assert.match(messages(run(budgetDeclared, [withInputs(budget, { limitAmount: "0" })])).join(), /limitAmount must be a positive amount/);
    });
  });

  describe("budget-expected-cost", () => {
    it("passes an expected cost within the budget", () => {
      const { policies } = withEngine(stubCost(100, 200));
      assert.deepEqual(run(policies.budgetExpectedCost, stack).violations, []);
    });
    it("reports an expected cost above the budget", () => {
      const { policies } = withEngine(stubCost(151, 200));
      const r = run(policies.budgetExpectedCost, stack);
      assert.match(messages(r).join(), /Expected monthly cost \$151.00 must not exceed the budget \$150.00 \(budget-monthly\)/);
      assert.equal(r.violations[0].urn, budget.urn);
    });
    it("is mandatory without any config", () => {
      const { policies } = withEngine(stubCost(151, 200));
      assert.equal(evaluatePolicies(stack, { policies: [policies.budgetExpectedCost] }).violations[0].level, "mandatory");
    });
    it("cannot verify a pass when resources cannot be priced", () => {
      const { policies } = withEngine(stubCost(100, 200, { cannotPrice: [{ urn: "urn:x", reason: "shardCount unknown during preview" }] }));
      const r = run(policies.budgetExpectedCost, stack);
      assert.deepEqual(r.violations, []);
      assert.match(r.cannotVerify[0].message, /lower bound: urn:x cannot be priced \(shardCount unknown during preview\)/);
    });
    it("cannot verify a budget amount unknown during preview", () => {
      const { policies } = withEngine(stubCost(100, 200));
      const r = run(policies.budgetExpectedCost, [awsProvider(), withInputs(budget, { limitAmount: UNKNOWN })]);
      assert.deepEqual(r.violations, []);
      assert.match(r.cannotVerify[0].message, /budget-monthly.limitAmount is not known during preview/);
    });
    it("cannot verify when the cost engine is missing", () => {
      const policies = makeCostPolicies(() => {
        throw new CostEngineUnavailableError("the cost engine (cost/index.ts) cannot be loaded");
      });
      const r = run(policies.budgetExpectedCost, stack);
      assert.deepEqual(r.violations, []);
      assert.match(r.cannotVerify[0].message, /cost engine/);
    });
    it("prices in the provider's region, with the config's workload", () => {
      const dev = loadStackFile(path.join(ROOT, "Pulumi.dev.yaml"), "retail-data-platform");
      const { policies, calls } = withEngine(stubCost(1, 1));
      run(policies.budgetExpectedCost, stack, { workload: dev.workload });
      assert.equal(calls[0].options.region, "eu-west-3");
      assert.deepEqual(calls[0].options.workload, dev.workload);
      assert.deepEqual(calls[0].resources.map((r) => r.urn), stack.map((r) => r.urn));
    });
    it("lets the evaluator's costContext win over the config", () => {
      const { policies, calls } = withEngine(stubCost(1, 1));
      run(policies.budgetExpectedCost, stack, { region: "us-east-1" }, { costContext: { region: "eu-west-1" } });
      assert.equal(calls[0].options.region, "eu-west-1");
    });
  });

  describe("budget-ceiling-cost", () => {
    it("passes a guaranteed ceiling within budget x factor", () => {
      const { policies } = withEngine(stubCost(100, 300));
      assert.deepEqual(run(policies.budgetCeilingCost, stack, { ceilingFactor: 2 }).violations, []);
    });
    it("reports a guaranteed ceiling above budget x factor", () => {
      const { policies } = withEngine(stubCost(100, 301));
      assert.match(messages(run(policies.budgetCeilingCost, stack, { ceilingFactor: 2 })).join(), /Guaranteed ceiling \$301.00 must not exceed the budget \$150.00 x 2 = \$300.00/);
    });
    it("judges the guaranteed ceiling, not the ceiling at the configured maxima", () => {
      const { policies } = withEngine(stubCost(100, 200, { guaranteedCeilingMonthlyUsd: 450 }));
      assert.match(messages(run(policies.budgetCeilingCost, stack, { ceilingFactor: 2 })).join(), /Guaranteed ceiling \$450.00 must not exceed/);
    });
    it("reports a part nothing enforces, naming the resource and why", () => {
      const item = { urn: "urn:s", type: "aws:kinesis/stream:Stream", name: "transactions", expectedMonthlyUsd: 10, ceilingMonthlyUsd: 40, expected: [], ceiling: [], usage: {}, ceilingEnforcement: null, ceilingBound: "priced at limits.kinesis.maxWriteMBps (an alarm threshold)", guaranteedCeilingMonthlyUsd: null };
      const { policies } = withEngine(stubCost(100, 40, { items: [item], guaranteedCeilingMonthlyUsd: null }));
      const r = run(policies.budgetCeilingCost, stack);
      assert.match(messages(r).join(), /Guaranteed ceiling must be bounded: nothing enforces the ceiling of transactions \(aws:kinesis\/stream:Stream\): priced at limits.kinesis.maxWriteMBps \(an alarm threshold\)/);
      assert.equal(r.violations[0].urn, "urn:s");
    });
  });


  describe("budget-early-warning", () => {
    it("stays quiet below 80% of the budget", () => {
      const { policies } = withEngine(stubCost(119, 200));
      assert.deepEqual(run(policies.budgetEarlyWarning, stack).violations, []);
    });
    it("warns from 80% of the budget, as advisory by default", () => {
      const { policies } = withEngine(stubCost(120, 200));
      assert.match(messages(run(policies.budgetEarlyWarning, stack)).join(), /\$120.00 is 80% of the budget \$150.00 .* below 80%/);
      assert.equal(evaluatePolicies(stack, { policies: [policies.budgetEarlyWarning] }).violations[0].level, "advisory");
    });
    it("uses the configured share", () => {
      const { policies } = withEngine(stubCost(100, 200));
      assert.equal(run(policies.budgetEarlyWarning, stack, { warnAtPercent: 50 }).violations.length, 1);
    });
  });

  describe("with the real cost engine (cost/index.ts)", function () {
    it("prices the stack and compares with the budget", () => {
      const dev = loadStackFile(path.join(ROOT, "Pulumi.dev.yaml"), "retail-data-platform");
      const real = makeCostPolicies();
      const ctx = { costContext: { region: dev.awsRegion, workload: dev.workload, limits: dev.limits } };
      assert.deepEqual(run(real.budgetExpectedCost, stack, {}, ctx).violations, []);
      const tiny = [awsProvider(), withInputs(budget, { limitAmount: "0.01" }), stack[2]];
      assert.match(messages(run(real.budgetExpectedCost, tiny, {}, ctx)).join(), /must not exceed the budget \$0.01/);
    });
    it("cannot verify a region the price catalogue does not hold", () => {
      const r = run(makeCostPolicies().budgetExpectedCost, stack, { region: "ap-south-2" });
      assert.deepEqual(r.violations, []);
      assert.match(r.cannotVerify[0].message, /region ap-south-2 is not in the price catalogue/);
    });
  });
});
