import { strict as assert } from "node:assert";
import { StackPlan, budgetFromResources, planStack, pipelineResolver, resolveBudget } from "../../platform/plan";
import { StackResource, UNKNOWN } from "../../model/resources";
import type { PolicyResource } from "@pulumi/policy";
import { findBudget } from "../../policies/cost";
import { PlanOrError, diffLine, diffStack } from "../../cli/lib/planDiff";
import { bar, signedPercent, signedUsd, usd } from "../../cli/lib/format";

const P = "urn:pulumi:qa::shop::";
const res = (type: string, name: string, extra: Partial<StackResource> = {}): StackResource => ({
  urn: `${P}${type}::${name}`,
  type,
  name,
  custom: !type.startsWith("acme:") && type !== "pulumi:pulumi:Stack",
  dependencies: [],
  inputs: {},
  ...extra,
});

describe("platform/plan (pure)", () => {
  const root = res("pulumi:pulumi:Stack", "shop-qa");
  const comp = res("acme:ingest:Ingest", "ingest", { parent: root.urn });
  const inner = res("acme:ingest:Worker", "worker", { parent: comp.urn, custom: false });
  const fn = res("aws:lambda/function:Function", "fn", { parent: inner.urn });
  const loose = res("aws:sqs/queue:Queue", "q", { parent: root.urn });
  const orphan = res("aws:s3/bucket:Bucket", "b", { parent: `${P}acme:gone:Gone::gone` });

  it("maps each resource to the top-level component above it, through nested components", () => {
    const of = pipelineResolver([root, comp, inner, fn, loose, orphan]);
    assert.equal(of(fn.urn), "ingest");
    assert.equal(of(inner.urn), "ingest");
    assert.equal(of(comp.urn), "ingest");
    assert.equal(of(loose.urn), "(stack)");
    assert.equal(of(root.urn), "(stack)");
    assert.equal(of(orphan.urn), "(stack)", "a parent missing from the document counts as the root");
  });

  it("reads the monthly budget from an AWS Budget resource, converting quarters and years", () => {
    const budget = (inputs: Record<string, unknown>) => res("aws:budgets/budget:Budget", "b", { inputs });
    assert.equal(budgetFromResources([budget({ limitAmount: "300.00", timeUnit: "MONTHLY", budgetType: "COST", limitUnit: "USD" })]), 300);
    assert.equal(budgetFromResources([budget({ limitAmount: "900", timeUnit: "QUARTERLY" })]), 300);
    assert.equal(budgetFromResources([budget({ limitAmount: 1200, timeUnit: "ANNUALLY" })]), 100);
    assert.equal(budgetFromResources([budget({ limitAmount: UNKNOWN })]), null);
    assert.equal(budgetFromResources([budget({ limitAmount: "50", budgetType: "USAGE" })]), null);
    assert.equal(budgetFromResources([budget({ limitAmount: "50", limitUnit: "GB" })]), null);
  });

  it("reads the strictest of two budgets, the one the cost policies judge against", () => {
    const two = [res("aws:budgets/budget:Budget", "loose", { inputs: { limitAmount: "300" } }), res("aws:budgets/budget:Budget", "tight", { inputs: { limitAmount: "600", timeUnit: "QUARTERLY" } })];
    assert.equal(budgetFromResources(two), 200);
    const seenByPolicy = findBudget(two.map((r) => ({ urn: r.urn, name: r.name, type: r.type, props: r.inputs }) as unknown as PolicyResource));
    assert.equal(seenByPolicy.budget?.monthlyUsd, 200);
    assert.equal(seenByPolicy.budget?.name, "tight");
  });

  it("takes --budget over the Budget resource over the environment's budget", () => {
    const b = [res("aws:budgets/budget:Budget", "b", { inputs: { limitAmount: "300" } })];
    assert.deepEqual(resolveBudget(b, { budgetOverrideUsd: 42, budgetFallbackUsd: 7 }), { usd: 42, source: "override" });
    assert.deepEqual(resolveBudget(b, { budgetFallbackUsd: 7 }), { usd: 300, source: "budget-resource" });
    assert.deepEqual(resolveBudget([], { budgetFallbackUsd: 7 }), { usd: 7, source: "environment" });
    assert.deepEqual(resolveBudget([], {}), { usd: null, source: null });
  });

  it("plans with injected engines: cost per pipeline, percentages, mandatory count, violations sorted mandatory first", async () => {
    const plan = await planStack(
      { stack: "qa", region: "eu-west-1", resources: [root, comp, inner, fn, loose], budgetFallbackUsd: 100 },
      {
        cost: {
          estimateStack: () => ({
            expectedMonthlyUsd: 30,
            ceilingMonthlyUsd: 150,
            ceilingUnbounded: false,
            guaranteedCeilingMonthlyUsd: 150,
            brake: null,
            capacity: [],
            items: [
              { urn: fn.urn, type: fn.type, name: fn.name, expectedMonthlyUsd: 20, ceilingMonthlyUsd: 100, expected: [], ceiling: [], usage: {}, ceilingEnforcement: "aws-setting", ceilingBound: "", guaranteedCeilingMonthlyUsd: 100 },
              { urn: loose.urn, type: loose.type, name: loose.name, expectedMonthlyUsd: 10, ceilingMonthlyUsd: 50, expected: [], ceiling: [], usage: {}, ceilingEnforcement: "fixed", ceilingBound: "", guaranteedCeilingMonthlyUsd: 50 },
            ],
            unpriced: [],
            cannotPrice: [],
          }),
        },
        policy: {
          evaluatePolicies: async () => ({
            violations: [
              { policy: "b-advice", level: "advisory", urn: fn.urn, message: "m1" },
              { policy: "z-rule", level: "mandatory", urn: null, message: "m2" },
              { policy: "a-rule", level: "mandatory", urn: fn.urn, message: "m3" },
            ],
            cannotVerify: [],
          }),
          loadPolicyConfig: () => ({}),
          guardrailsOfEnvironment: () => { throw new Error("not used"); },
          strictDefaults: () => { throw new Error("not used"); },
        },
      },
    );
    assert.deepEqual(plan.pipelines.map((p) => [p.name, p.type, p.resourceCount, p.expectedMonthlyUsd, p.ceilingMonthlyUsd]), [
      ["ingest", "acme:ingest:Ingest", 3, 20, 100],
      ["(stack)", null, 2, 10, 50],
    ]);
    assert.equal(plan.cost.expectedPercentOfBudget, 30);
    assert.equal(plan.cost.ceilingPercentOfBudget, 150);
    assert.equal(plan.mandatoryViolations, 2);
    assert.deepEqual(plan.policy.violations.map((v) => v.policy), ["a-rule", "z-rule", "b-advice"]);
    assert.deepEqual(plan.types.map((t) => t.type), ["acme:ingest:Ingest", "acme:ingest:Worker", "aws:lambda/function:Function", "aws:sqs/queue:Queue", "pulumi:pulumi:Stack"]);
  });

  it("says so when planned without engines, never a silent pass", async () => {
    const plan = await planStack({ stack: "qa", region: "eu-west-1", resources: [root, fn] }, {});
    assert.equal(plan.cost.engineAvailable, false);
    assert.equal(plan.policy.engineAvailable, false);
    assert.deepEqual(plan.cost.unpriced, ["aws:lambda/function:Function"]);
    assert.equal(plan.policy.cannotVerify.length, 1);
  });
});

describe("cli/lib/planDiff (pure)", () => {
  const plan = (expected: number, ceiling: number | null, violations: { policy: string; level: "mandatory" | "advisory"; urn: string | null; message: string }[] = [], urns = ["a"]): PlanOrError =>
    ({
      plan: {
        stack: "prod",
        region: "eu-west-3",
        resources: urns.map((u) => ({ urn: u, type: "t", name: u, pipeline: "(stack)" })),
        pipelines: [],
        types: [],
        cost: { expectedMonthlyUsd: expected, ceilingMonthlyUsd: ceiling, ceilingUnbounded: ceiling === null, guaranteedCeilingMonthlyUsd: ceiling, brake: null, capacity: [], budgetMonthlyUsd: 2500, budgetSource: "budget-resource", expectedPercentOfBudget: null, ceilingPercentOfBudget: null, guaranteedPercentOfBudget: null, allowedCeiling: null, items: [], unpriced: [], cannotPrice: [], engineAvailable: true },
        policy: { violations, cannotVerify: [], engineAvailable: true, guardrails: null },
        mandatoryViolations: violations.filter((v) => v.level === "mandatory").length,
      } satisfies StackPlan,
    });

  it("prints the issue's line: expected and ceiling deltas, new violations", () => {
    const v = { policy: "s3-versioning", level: "mandatory" as const, urn: "urn:pulumi:prod::p::aws:s3/bucket:Bucket::raw", message: "S3 bucket raw must have versioning enabled." };
    const d = diffStack("prod", plan(1542.6, 7000), plan(1666, 9000, [v], ["a", "b"]));
    assert.equal(d.status, "changed");
    assert.deepEqual(d.delta, { expectedMonthlyUsd: 123.4, expectedPercent: 8, ceilingMonthlyUsd: 2000, budgetMonthlyUsd: 0 });
    assert.deepEqual(d.addedResources, ["b"]);
    assert.equal(diffLine(d), "prod: expected +$123.40/month (+8%) to $1,666.00, ceiling +$2,000.00/month to $9,000.00, ceiling over the $2,500.00 budget, resources +1/-0; new violations: s3-versioning (mandatory) on raw: S3 bucket raw must have versioning enabled.");
  });

  it("a violation whose message only quotes new amounts is not new", () => {
    const at = (m: string) => [{ policy: "budget-early-warning", level: "advisory" as const, urn: "x", message: m }];
    const d = diffStack("prod", plan(10, 20, at("81%")), plan(10, 20, at("97%")));
    assert.equal(d.status, "unchanged");
    assert.equal(diffLine(d), "prod: no change");
  });

  it("unbounded ceilings, added, removed and erroring stacks", () => {
    assert.match(diffLine(diffStack("prod", plan(10, 20), plan(10, null))), /ceiling becomes UNBOUNDED/);
    assert.match(diffLine(diffStack("qa", undefined, plan(10, 20))), /^qa: new stack, expected \$10\.00\/month, ceiling \$20\.00\/month/);
    assert.match(diffLine(diffStack("old", plan(10, 20), undefined)), /^old: stack removed/);
    assert.equal(diffLine(diffStack("dev", { error: "Pulumi.dev.yaml: bad" }, plan(1, 2))), "dev: cannot compare (at the base: Pulumi.dev.yaml: bad)");
  });
});

describe("cli/lib/format", () => {
  it("formats money, signed deltas, percentages and bars", () => {
    assert.equal(usd(1234.5), "$1,234.50");
    assert.equal(usd(null), "n/a");
    assert.equal(usd(5, true), "unbounded");
    assert.equal(signedUsd(-3), "-$3.00");
    assert.equal(signedUsd(0.001), "$0.00");
    assert.equal(signedPercent(8, 100), "+8%");
    assert.equal(signedPercent(0.01, 2000), "+<0.1%");
    assert.equal(signedPercent(5, 0), "");
    assert.equal(bar(50, 100, 10), "[#####-----]");
    assert.equal(bar(300, 100, 10), "[##########]!");
  });
});
