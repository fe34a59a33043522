/**
 * The dev and prod stacks, synthesized under Pulumi mocks, priced end to end:
 * every resource priced or known-free, expected and ceiling figures, and the
 * links the usage formulas rely on actually resolve in the real program.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { estimateStack, type StackCost } from "../../cost";
import { loadStackFile, readProjectName, type Environment } from "../../environments";
import { synthesizeStack } from "../../platform/synth";

const ROOT = path.join(__dirname, "..", "..");

describe("cost of the dev and prod stacks", function () {
  this.timeout(60_000);
  const costs = new Map<string, { env: Environment; cost: StackCost }>();

  before(async () => {
    const project = readProjectName(ROOT);
    for (const stack of ["dev", "prod"]) {
      const env = loadStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), project);
      const { resources } = await synthesizeStack(env);
      costs.set(stack, { env, cost: estimateStack(resources, { region: env.awsRegion, workload: env.workload, limits: env.limits }) });
    }
  });

  for (const stack of ["dev", "prod"]) {
    describe(stack, () => {
      it("prices every resource: nothing unpriced, nothing it cannot price", () => {
        const { cost } = costs.get(stack)!;
        assert.deepEqual(cost.unpriced, []);
        assert.deepEqual(cost.cannotPrice, []);
      });

      it("has an expected cost under its budget and a bounded ceiling above it", () => {
        const { env, cost } = costs.get(stack)!;
        assert.ok(cost.expectedMonthlyUsd > 0);
        assert.ok(cost.expectedMonthlyUsd < env.budget.monthlyUsd, `expected ${cost.expectedMonthlyUsd} vs budget ${env.budget.monthlyUsd}`);
        assert.equal(cost.ceilingUnbounded, false, cost.items.find((i) => i.unboundedReason)?.unboundedReason);
        assert.ok(cost.ceilingMonthlyUsd! >= cost.expectedMonthlyUsd);
        for (const i of cost.items) assert.ok(i.ceilingMonthlyUsd! + 1e-9 >= i.expectedMonthlyUsd, i.name);
      });

      it("derives usage through the graph: stream -> processor -> logs, table, quarantine; stream -> Firehose -> history", () => {
        const { cost } = costs.get(stack)!;
        const byName = (suffix: string) => {
          const i = cost.items.find((x) => x.name.endsWith(suffix));
          assert.ok(i, `no item ending with ${suffix}`);
          return i;
        };
        assert.ok(byName("-processor").usage.monthly_requests > 0, "processor invocations");
        assert.ok(byName("-processor-logs").usage.monthly_data_ingested_gb > 0, "processor logs");
        assert.ok(byName("-aggregates").expectedMonthlyUsd > 0, "aggregates table");
        assert.ok(byName("-history-delivery").usage.monthly_data_ingested_gb > 0, "Firehose ingestion");
        assert.ok(byName("-history").usage["standard.storage_gb"] > 0, "history storage");
        assert.ok(byName("-history-transform").usage.monthly_requests > 0, "Firehose transform invocations");
        assert.ok(byName("-analytics").usage.monthly_queries > 0, "Athena queries");
      });
    });
  }

  it("prod (on-demand stream, PITR, QuickSight) costs more than dev", () => {
    assert.ok(costs.get("prod")!.cost.expectedMonthlyUsd > costs.get("dev")!.cost.expectedMonthlyUsd);
  });
});
