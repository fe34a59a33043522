import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { REPO, devYaml, prodYaml, run, runJson, tempProject } from "./helpers";
import { copyProject } from "../helpers/stacks";
import { UNKNOWN_STACK } from "../helpers/unknownStack";

/** The repository's stack names, by file name: whatever stack files a team has added. */
const repoStacks = () => fs.readdirSync(REPO).flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? []).sort();
const stackNamed = (stacks: any[], name: string) => stacks.find((s: any) => s.stack === name);

describe("platform plan", () => {
  let all: { code: number; json: any; stderr: string };
  before(async () => {
    all = await runJson(["plan", "--stack", "all"]);
  });

  it("plans every Pulumi.<stack>.yaml in JSON with the documented shape", () => {
    assert.deepEqual(all.json.stacks.map((s: any) => s.stack), repoStacks());
    assert.ok(repoStacks().includes("dev") && repoStacks().includes("prod"));
    assert.deepEqual(all.json.errors, []);
    for (const s of all.json.stacks) {
      assert.equal(s.region, "eu-west-3");
      assert.ok(s.resources.length > 50);
      for (const r of s.resources) assert.deepEqual(Object.keys(r).slice(0, 3), ["urn", "type", "name"]);
      for (const k of ["expectedMonthlyUsd", "ceilingMonthlyUsd", "ceilingUnbounded", "guaranteedCeilingMonthlyUsd", "brake", "capacity", "budgetMonthlyUsd", "items", "unpriced"]) assert.ok(k in s.cost, k);
      assert.equal(typeof s.cost.guaranteedCeilingMonthlyUsd, "number", s.stack);
      for (const i of s.cost.items) assert.ok(["fixed", "aws-setting", "aws-quota", "brake"].includes(i.ceilingEnforcement), `${s.stack} ${i.name}: ${i.ceilingEnforcement}`);
      assert.equal(typeof s.cost.expectedMonthlyUsd, "number");
      assert.ok(Array.isArray(s.policy.violations) && Array.isArray(s.policy.cannotVerify));
      for (const v of s.policy.violations) {
        assert.ok(["mandatory", "advisory"].includes(v.level));
        assert.equal(typeof v.policy, "string");
        assert.equal(typeof v.message, "string");
      }
    }
  });

  it("sets the guaranteed ceiling against what budget-ceiling-cost allows (budget x the tier's factor), not the bare budget", async function () {
    this.timeout(300_000);
    const prod = stackNamed(all.json.stacks, "prod");
    assert.deepEqual(prod.cost.allowedCeiling, { factor: 6, monthlyUsd: prod.cost.budgetMonthlyUsd * 6 });
    const text = await run(["plan", "--stack", "prod"]);
    assert.match(text.stdout, /guaranteed .* of budget, within budget x 6 = \$15,000\.00/);
    // The same stack with a budget its guaranteed ceiling exceeds x 6: the line and the verdict say so.
    const dir = tempProject({ tight: prodYaml().replace("monthlyUsd: 2500", "monthlyUsd: 2000") });
    const tight = await run(["plan", "--stack", "tight"], dir);
    assert.equal(tight.code, 1);
    assert.match(tight.stdout, /guaranteed .* of budget {2}OVER budget x 6 = \$12,000\.00/);
    assert.match(tight.stdout, /budget-ceiling-cost .*must not exceed the budget \$2,000\.00 x 6 = \$12,000\.00/);
  });

  it("takes the budget from the stack's AWS Budget resource", () => {
    const [dev, prod] = [stackNamed(all.json.stacks, "dev"), stackNamed(all.json.stacks, "prod")];
    assert.equal(dev.cost.budgetMonthlyUsd, 150);
    assert.equal(prod.cost.budgetMonthlyUsd, 2500);
    assert.equal(dev.cost.budgetSource, "budget-resource");
  });

  it("groups resources by top-level component (pipeline)", () => {
    const dev = stackNamed(all.json.stacks, "dev");
    const names = dev.pipelines.map((p: any) => p.name);
    assert.ok(names.includes("realtime") && names.includes("core") && names.includes("budget"), names.join(","));
    assert.equal(dev.pipelines.find((p: any) => p.name === "realtime").type, "platform:pipelines:Realtime");
    const stream = dev.resources.find((r: any) => r.type === "aws:kinesis/stream:Stream");
    assert.equal(stream.pipeline, "realtime");
    const total = dev.pipelines.reduce((n: number, p: any) => n + p.resourceCount, 0);
    assert.equal(total, dev.resources.length);
  });

  it("exits 1 exactly when a stack has a mandatory violation", () => {
    const mandatory = all.json.stacks.some((s: any) => s.policy.violations.some((v: any) => v.level === "mandatory"));
    assert.equal(all.code, mandatory ? 1 : 0);
  });

  it("prints resources by pipeline and type, cost against budget and policy verdicts as a table", async () => {
    const r = await run(["plan", "--stack", "dev"]);
    assert.match(r.stdout, /^stack dev \(eu-west-3\): \d+ resources, (PASS|FAIL)/);
    assert.match(r.stdout, /resources by pipeline:\n\s+brake\s+platform:guardrails:BrakeGuardrail\s.*\n\s+budget\s+platform:guardrails:BudgetGuardrail/);
    assert.match(r.stdout, /guaranteed\s+\$[\d,.]+\s+\[[#-]{20}\]!?\s+[\d.]+% of budget/);
    assert.match(r.stdout, /brake: \d+% of \$150\.00 = \$[\d,.]+ share \+ \$[\d,.]+ worst case in the 36 h until AWS Budgets reports the spend/);
    assert.match(r.stdout, /capacity at peak \(headroom = capacity \/ need\):\n\s+realtime-transactions\s+50 records\/s needed\s+1,000 allowed\s+20\.00x/);
    assert.match(r.stdout, /resources by type:/);
    assert.match(r.stdout, /budget \$150\.00 \(the stack's AWS Budget\)/);
    assert.match(r.stdout, /expected\s+\$[\d,.]+\s+\[[#-]{20}\]!?\s+[\d.]+% of budget/);
    assert.match(r.stdout, /policy verdicts \(guardrails: Pulumi\.\w+\.yaml, (production|development) tier\):\n\s+mandatory \(\d+\)/);
    assert.doesNotMatch(r.stdout, /stack prod/);
  });

  it("prints Markdown for pull-request summaries", async () => {
    const r = await run(["plan", "--stack", "prod", "--format", "markdown"]);
    assert.match(r.stdout, /^### prod \(eu-west-3\): /);
    assert.match(r.stdout, /\| Expected \| \$[\d,.]+ \| [\d.]+% \|/);
    assert.match(r.stdout, /\| Pipeline \| Component \| Resources \| Expected \| Ceiling \|/);
  });

  it("rejects an unknown stack with one line and exit 2", async () => {
    const r = await run(["plan", "--stack", UNKNOWN_STACK]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), `platform: unknown stack ${UNKNOWN_STACK} (stacks: ${repoStacks().join(", ")}, or all)`);
    assert.equal(r.stdout, "");
  });

  it("plans a team's third stack file (a copy of prod under a generated name) beside dev and prod, changing nothing of theirs", async function () {
    this.timeout(300_000);
    // prepare: dev and prod as in the repository, plus a copy of prod
    const extra = `${UNKNOWN_STACK}-copy`;
    const dir = tempProject({ dev: devYaml(), prod: prodYaml(), [extra]: prodYaml() });
    // act
    const r = await runJson(["plan", "--stack", "all"], dir);
    // assess
    assert.deepEqual(r.json.stacks.map((s: any) => s.stack), ["dev", "prod", extra].sort());
    for (const name of ["dev", "prod"]) assert.deepEqual(stackNamed(r.json.stacks, name), stackNamed(all.json.stacks, name), name);
    const copy = stackNamed(r.json.stacks, extra);
    assert.equal(copy.cost.expectedMonthlyUsd, stackNamed(all.json.stacks, "prod").cost.expectedMonthlyUsd);
    assert.equal(copy.policy.guardrails.summary, `Pulumi.${extra}.yaml, production tier`);
    const unknown = await run(["diagram", "--stack", UNKNOWN_STACK], dir);
    assert.equal(unknown.stderr.trim(), `platform: unknown stack ${UNKNOWN_STACK} (stacks: ${["dev", "prod", extra].sort().join(", ")}, or all)`);
  });

  it("rejects a bad --format with exit 2", async () => {
    const r = await run(["plan", "--format", "yaml"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^platform: option '--format <format>' argument 'yaml' is invalid/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  });

  it("gives an invalid stack file's one-line error and exit 2, and still plans the other stacks", async () => {
    const dir = tempProject({ dev: devYaml(), broken: devYaml().replace("monthlyUsd: 150", "monthlyUsd: -5") });
    const r = await runJson(["plan"], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), "platform: Pulumi.broken.yaml: platform:budget.monthlyUsd must be a positive number (got -5)");
    assert.deepEqual(r.json.stacks.map((s: any) => s.stack), ["dev"]);
    assert.deepEqual(r.json.errors, [{ stack: "broken", message: "Pulumi.broken.yaml: platform:budget.monthlyUsd must be a positive number (got -5)" }]);
  });

  it("has --help", async () => {
    const r = await run(["plan", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--stack <name>/);
    assert.match(r.stdout, /--format <format>/);
    assert.ok(REPO);
  });
});

describe("platform plan: a config the program rejects", () => {
  it("gives the component's one-line reason and exit 2, and still plans the other stacks", async () => {
    // Valid for the schema, rejected by RealtimeAnalyticsPipeline: the processor cannot keep up with 2 shards.
    const rejected = devYaml().replace("maxShards: 1", "maxShards: 2").replace("reservedConcurrency: 2", "reservedConcurrency: 1");
    const dir = tempProject({ dev: devYaml(), tight: rejected });
    const r = await runJson(["plan"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr.trim(), /^platform: Pulumi\.tight\.yaml: the program rejects this configuration: RealtimeAnalyticsPipeline: limits\.lambda\.reservedConcurrency \(1\) must cover/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.deepEqual(r.json.stacks.map((s: any) => s.stack), ["dev"]);
    assert.equal(r.json.errors[0].stack, "tight");
  });
});

describe("platform plan: a new environment is one stack file, judged strictly by its own figures", () => {
  it("a copy of prod with a $50 budget and PITR off fails: mandatory budget and PITR violations, nothing from other limits", async function () {
    this.timeout(300_000);
    const dir = copyProject({ "Pulumi.staging.yaml": (doc) => {
      const config = doc["config"] as Record<string, Record<string, unknown>>;
      config["platform:budget"]["monthlyUsd"] = 50;
      config["platform:protection"]["pointInTimeRecovery"] = false;
      delete config["platform:guardrails"];
    } }, "Pulumi.prod.yaml");
    const r = await run(["plan", "--stack", "staging", "--format", "json"], dir);
    assert.equal(r.code, 1, r.stderr);
    const s = JSON.parse(r.stdout).stacks[0];
    const mandatory = new Set(s.policy.violations.filter((v: { level: string }) => v.level === "mandatory").map((v: { policy: string }) => v.policy));
    assert.ok(mandatory.has("budget-expected-cost"), [...mandatory].join());
    assert.ok(mandatory.has("dynamodb-point-in-time-recovery"), [...mandatory].join());
    const bounds = ["kinesis-stream-bounded", "lambda-concurrency-bounded", "lambda-event-source-bounded", "dynamodb-throughput-bounded", "athena-workgroup-bounded", "glue-job-bounded", "redshift-serverless-bounded"];
    assert.deepEqual(s.policy.violations.filter((v: { policy: string }) => bounds.includes(v.policy)), []);
    assert.equal(s.policy.guardrails.summary, "Pulumi.staging.yaml, production tier");
  });
});
