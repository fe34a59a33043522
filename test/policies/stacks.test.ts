/**
 * The pack over whole stacks: this repository's dev and prod stacks (our
 * program under Pulumi mocks) and a deliberately misconfigured fixture stack.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Environment, loadStackFile, PIPELINE_KINDS } from "../../environments";
import { StackResource } from "../../model/resources";
import { synthesizeStack } from "../../platform/synth";
import { evaluatePoliciesSync as evaluatePolicies, POLICY_NAMES, PolicyReport, violatedPolicies } from "../../policies/offline";
import { guardrailsOfEnvironment } from "../../policies/stackFile";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = new Date("2026-11-28T12:00:00Z");

/** The pack as plan runs it: the guardrails of `guardrailsOf`'s stack file (default: the stack's own). */
function evaluateEnv(env: Environment, resources: readonly StackResource[], guardrailsOf: Environment = env): PolicyReport {
  return evaluatePolicies(resources, {
    config: guardrailsOfEnvironment(guardrailsOf).config,
    costContext: { region: env.awsRegion, workload: env.workload, limits: env.limits },
    now: NOW,
  });
}

const show = (r: PolicyReport, level: "mandatory" | "advisory") =>
  r.violations.filter((v) => v.level === level).map((v) => `${v.policy}: ${v.message}`).join("\n");

describe("the pack over whole stacks", function () {
  this.timeout(60_000);
  const stacks: Record<string, { env: Environment; resources: StackResource[] }> = {};

  before(async () => {
    for (const name of ["dev", "prod"]) {
      const env = loadStackFile(path.join(ROOT, `Pulumi.${name}.yaml`), "retail-data-platform");
      stacks[name] = { env, resources: (await synthesizeStack(env)).resources };
    }
  });

  it("dev has zero mandatory violations", () => {
    const { env, resources } = stacks["dev"];
    const report = evaluateEnv(env, resources);
    assert.equal(show(report, "mandatory"), "");
  });

  it("prod has zero mandatory violations", () => {
    const { env, resources } = stacks["prod"];
    assert.equal(show(evaluateEnv(env, resources), "mandatory"), "");
  });

  it("dev and prod have nothing the pack cannot verify (no unknowns under mocks)", () => {
    for (const name of ["dev", "prod"]) {
      const { env, resources } = stacks[name];
      assert.deepEqual(evaluateEnv(env, resources).cannotVerify, [], name);
    }
  });

  it("prod's own resources break dev's tighter limits", () => {
    const { env, resources } = stacks["prod"];
    const report = evaluateEnv(env, resources, stacks["dev"].env);
    assert.ok(violatedPolicies(report, "mandatory").includes("lambda-concurrency-bounded"), show(report, "mandatory"));
  });

  it("a stack with every pipeline breaks no scaling, security, operations or tagging rule under prod's config", async () => {
    const base = stacks["prod"].env;
    const env: Environment = { ...base, pipelines: [...PIPELINE_KINDS] };
    const { resources } = await synthesizeStack(env);
    for (const type of ["aws:glue/job:Job", "aws:redshiftserverless/workgroup:Workgroup", "aws:athena/workgroup:Workgroup", "aws:kinesis/stream:Stream"]) {
      assert.ok(resources.some((r) => r.type === type), `the stack should hold a ${type}`);
    }
    const report = evaluateEnv(env, resources);
    // The budgets are sized for the realtime pipeline alone, so only the cost rules may object (P2's event
    // stream has prod's shards, which carry the peak; Paris' Direct PUT quota of 1 MiB/s could not).
    const other = report.violations.filter((v) => v.level === "mandatory" && !v.policy.startsWith("budget-"));
    assert.deepEqual(other.map((v) => `${v.policy}: ${v.message}`), []);
    assert.deepEqual(report.cannotVerify, []);
  });

  it("a deliberately misconfigured stack trips every policy", () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "fixtures", "policies", "misconfigured-stack.json"), "utf8")) as { resources: StackResource[] };
    const { env } = stacks["dev"];
    const report = evaluateEnv(env, fixture.resources);
    assert.deepEqual(violatedPolicies(report), [...POLICY_NAMES].sort(), JSON.stringify(report.cannotVerify, null, 1));
  });
});
