/**
 * capacity-at-peak over whole stacks: dev and prod carry their declared peak;
 * a copy of prod whose peakTps is 30,000 does not (4 shards carry 4,000
 * records/s), and under prod's production tier that is a mandatory violation.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { capacityAtPeak } from "../../cost";
import { Environment, loadStackFile } from "../../environments";
import { StackResource } from "../../model/resources";
import { synthesizeStack } from "../../platform/synth";
import { evaluatePoliciesSync } from "../../policies/offline";
import { guardrailsOfEnvironment } from "../../policies/stackFile";

const ROOT = path.resolve(__dirname, "..", "..");

/** capacity-at-peak's violations under the guardrails of `env`'s own stack file (its tier, its workload). */
function capacityViolations(env: Environment, resources: readonly StackResource[]) {
  const report = evaluatePoliciesSync(resources, {
    config: guardrailsOfEnvironment(env).config,
    costContext: { region: env.awsRegion, workload: env.workload, limits: env.limits },
    now: new Date("2026-11-28T12:00:00Z"),
  });
  return report.violations.filter((v) => v.policy === "capacity-at-peak");
}

describe("capacity-at-peak", function () {
  this.timeout(120_000);
  const stacks: Record<string, { env: Environment; resources: StackResource[] }> = {};
  before(async () => {
    for (const name of ["dev", "prod"]) {
      const env = loadStackFile(path.join(ROOT, `Pulumi.${name}.yaml`), "retail-data-platform");
      stacks[name] = { env, resources: (await synthesizeStack(env)).resources };
    }
  });

  it("dev and prod carry their declared peak: no violation, headroom above 1 on every bound", () => {
    for (const name of ["dev", "prod"]) {
      const { env, resources } = stacks[name];
      assert.deepEqual(capacityViolations(env, resources), [], name);
      const bounds = capacityAtPeak(resources, env.awsRegion, env.workload);
      assert.deepEqual(bounds.map((b) => b.name).sort(), ["realtime-aggregates", "realtime-processor", "realtime-transactions"], name);
      for (const b of bounds) assert.ok(b.headroom > 1, `${name} ${b.name} ${b.headroom}`);
    }
  });

  it("prod's stream: 4 shards x min(1,000 records/s, 1 MiB/s / 900 B) = 4,000 records/s for a 3,000 tx/s peak", () => {
    const { env, resources } = stacks["prod"];
    const stream = capacityAtPeak(resources, env.awsRegion, env.workload).find((b) => b.name === "realtime-transactions")!;
    assert.deepEqual([stream.needed, stream.capacity], [3000, 4000]);
  });

  it("a copy of prod whose peakTps is 30,000 gets a mandatory violation naming the stream", () => {
    const { env, resources } = stacks["prod"];
    const copy: Environment = { ...env, workload: { ...env.workload, peakTps: 30_000 } };
    const vs = capacityViolations(copy, resources);
    assert.ok(vs.length > 0);
    assert.ok(vs.every((v) => v.level === "mandatory"));
    const stream = vs.find((v) => v.message.startsWith("realtime-transactions "))!;
    assert.equal(stream.message, "realtime-transactions must carry the declared peak of 30,000 tx/s: it needs 30,000 records/s and allows 4,000 (4 shards x min(1,000 records/s, 1 MiB/s / 900 B); headroom 0.13x).");
  });

  it("is advisory in the development tier: the same shortfall in dev does not block", () => {
    const { env, resources } = stacks["dev"];
    const vs = capacityViolations({ ...env, workload: { ...env.workload, peakTps: 5_000 } }, resources);
    assert.ok(vs.length > 0 && vs.every((v) => v.level === "advisory"));
  });
});
