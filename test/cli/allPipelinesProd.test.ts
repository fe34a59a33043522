/**
 * Issue 13's promise, end to end: a team that selects every pipeline in prod
 * (prod's own stack file, all four pipelines, a budget that covers them) gets
 * PASS from our own guardrails, every priced part says what enforces its
 * ceiling, and the stack has a numeric guaranteed ceiling.
 */
import * as assert from "node:assert/strict";
import { CEILING_ENFORCEMENTS } from "../../cost";
import { prodYaml, runJson, tempProject } from "./helpers";

const ALL_FOUR = "platform:pipelines:\n    - realtime\n    - datalake\n    - streaming-warehouse\n    - batch-etl\n";

describe("platform plan: prod's stack file with all four pipelines and a large budget", function () {
  this.timeout(300_000);

  it("plans with exit 0: no mandatory violation, every priced part enforced, a numeric guaranteed ceiling within the budget x its factor", async () => {
    // prepare
    const yaml = prodYaml().replace("platform:pipelines:\n    - realtime\n", ALL_FOUR).replace("monthlyUsd: 2500", "monthlyUsd: 100000");
    assert.ok(yaml.includes("- batch-etl") && yaml.includes("monthlyUsd: 100000"), "prod's file changed as intended");
    const dir = tempProject({ allprod: yaml });
    // act
    const r = await runJson(["plan", "--stack", "allprod"], dir);
    // assess
    const [stack] = r.json.stacks;
    const mandatory = stack.policy.violations.filter((v: { level: string }) => v.level === "mandatory");
    assert.deepEqual(mandatory.map((v: { policy: string; message: string }) => `${v.policy}: ${v.message}`), []);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(stack.pipelines.map((p: { name: string }) => p.name).filter((n: string) => !["brake", "budget", "core", "(stack)"].includes(n)).sort(), ["batch", "datalake", "realtime", "warehouse"]);
    assert.equal(typeof stack.cost.guaranteedCeilingMonthlyUsd, "number");
    assert.equal(stack.cost.allowedCeiling.factor, 6);
    assert.ok(stack.cost.guaranteedCeilingMonthlyUsd <= stack.cost.allowedCeiling.monthlyUsd, `${stack.cost.guaranteedCeilingMonthlyUsd} > ${stack.cost.allowedCeiling.monthlyUsd}`);
    for (const item of stack.cost.items) {
      assert.ok((CEILING_ENFORCEMENTS as readonly unknown[]).includes(item.ceilingEnforcement), `${item.name}: ${item.ceilingEnforcement} (${item.ceilingBound})`);
    }
    assert.equal(stack.cost.capacity.filter((b: { headroom: number }) => b.headroom < 1).length, 0);
  });
});
