import { strict as assert } from "node:assert";
import { BUDGET_NOTIFICATIONS, validateBudgetArgs } from "../../components/BudgetGuardrail";
import { StackResource } from "../../model/resources";
import { loadEnv, one, synthesized } from "../helpers/stacks";

describe("BudgetGuardrail", () => {
  it("rejects a non-positive limit and an empty or oversized address list before any resource exists", () => {
    const ok = { monthlyUsd: 10, alertEmails: ["a@example.com"], alertTopicArn: "arn", costAllocationTag: { key: "environment", value: "dev" }, anomalyThresholdUsd: 5 };
    assert.doesNotThrow(() => validateBudgetArgs(ok));
    assert.throws(() => validateBudgetArgs({ ...ok, monthlyUsd: 0 }), /monthlyUsd must be a positive number \(got 0\)/);
    assert.throws(() => validateBudgetArgs({ ...ok, alertEmails: [] }), /at least one address/);
    assert.throws(() => validateBudgetArgs({ ...ok, alertEmails: Array.from({ length: 11 }, (_, i) => `a${i}@example.com`) }), /at most 10/);
  });

  for (const stack of ["dev", "prod"]) {
    describe(`on the ${stack} stack`, () => {
      let resources: StackResource[];
      const env = loadEnv(stack);
      before(async () => {
        resources = (await synthesized(stack)).resources;
      });

      it("declares a monthly cost budget at the environment's limit, filtered by the stack's cost-allocation tag", () => {
        const budget = one(resources, "aws:budgets/budget:Budget", "budget-monthly");
        assert.equal(budget.inputs["budgetType"], "COST");
        assert.equal(budget.inputs["timeUnit"], "MONTHLY");
        assert.equal(budget.inputs["limitAmount"], env.budget.monthlyUsd.toFixed(2));
        assert.equal(budget.inputs["limitUnit"], "USD");
        assert.deepEqual(budget.inputs["costFilters"], [{ name: "TagKeyValue", values: [`user:environment$${stack}`] }]);
      });

      it("notifies at 80% and 100% of actual spend and 100% of forecast, by e-mail and on the alert topic", () => {
        const budget = one(resources, "aws:budgets/budget:Budget", "budget-monthly");
        const notifications = budget.inputs["notifications"] as any[];
        assert.deepEqual(
          notifications.map((n) => [n.notificationType, n.threshold, n.thresholdType, n.comparisonOperator]),
          BUDGET_NOTIFICATIONS.map((n) => [n.type, n.percent, "PERCENTAGE", "GREATER_THAN"]),
        );
        assert.deepEqual(BUDGET_NOTIFICATIONS.map((n) => `${n.type}:${n.percent}`), ["ACTUAL:80", "ACTUAL:100", "FORECASTED:100"]);
        for (const n of notifications) {
          assert.deepEqual(n.subscriberEmailAddresses, env.budget.alertEmails);
          assert.match(n.subscriberSnsTopicArns[0], /^arn:aws:sns:eu-west-3:123456789012:core-alerts/);
        }
      });

      it("watches the stack's tag with Cost Anomaly Detection and alerts above the threshold", () => {
        const monitor = one(resources, "aws:costexplorer/anomalyMonitor:AnomalyMonitor");
        assert.equal(monitor.inputs["monitorType"], "CUSTOM");
        assert.deepEqual(JSON.parse(monitor.inputs["monitorSpecification"] as string), { Tags: { Key: "environment", Values: [stack], MatchOptions: ["EQUALS"] } });
        const sub = one(resources, "aws:costexplorer/anomalySubscription:AnomalySubscription");
        assert.deepEqual((sub.inputs["thresholdExpression"] as any).dimension.values, [String(env.budget.anomalyThresholdUsd)]);
        assert.equal((sub.inputs["subscribers"] as any[])[0].type, "SNS");
      });

      it("activates the environment tag for cost allocation, kept when one stack is destroyed", () => {
        // A user tag is invisible to Budgets and Cost Explorer until activated (issue 11, item 3).
        const tag = one(resources, "aws:costexplorer/costAllocationTag:CostAllocationTag");
        assert.deepEqual(tag.inputs, { tagKey: "environment", status: "Active" });
        const budget = one(resources, "aws:budgets/budget:Budget", "budget-monthly");
        const brakeBudget = one(resources, "aws:budgets/budget:Budget", "brake-budget");
        const monitor = one(resources, "aws:costexplorer/anomalyMonitor:AnomalyMonitor");
        for (const r of [budget, brakeBudget, monitor]) assert.ok(r.dependencies.includes(tag.urn), `${r.name} waits for the tag's activation`);
      });

      it("creates the budget and the anomaly subscription after the topic policy that lets them publish", () => {
        // Both check their SNS subscriber at creation: the topic alone is not enough (issue 11, item 8).
        const topicPolicy = one(resources, "aws:sns/topicPolicy:TopicPolicy", "core-alerts-policy");
        for (const [type, name] of [["aws:budgets/budget:Budget", "budget-monthly"], ["aws:costexplorer/anomalySubscription:AnomalySubscription", undefined]] as const) {
          const r = one(resources, type, name);
          assert.ok(r.dependencies.includes(topicPolicy.urn), `${r.name} depends on ${topicPolicy.name}`);
        }
        // The brake's budget publishes to its own signals topic.
        const signalsPolicy = one(resources, "aws:sns/topicPolicy:TopicPolicy", "brake-signals-policy");
        assert.ok(one(resources, "aws:budgets/budget:Budget", "brake-budget").dependencies.includes(signalsPolicy.urn));
      });

      it("lets Budgets and Cost Anomaly Detection publish to the encrypted alert topic", () => {
        const policy = JSON.parse(one(resources, "aws:sns/topicPolicy:TopicPolicy", "core-alerts-policy").inputs["policy"] as string);
        const allow = policy.Statement.find((s: any) => s.Sid === "AlertPublishers");
        assert.ok(allow.Principal.Service.includes("budgets.amazonaws.com"));
        assert.ok(allow.Principal.Service.includes("costalerts.amazonaws.com"));
        const keyPolicy = JSON.parse(one(resources, "aws:kms/key:Key").inputs["policy"] as string);
        assert.ok(keyPolicy.Statement.some((s: any) => s.Sid === "AlertPublishersUseKey" && s.Principal.Service.includes("budgets.amazonaws.com")));
      });
    });
  }
});
