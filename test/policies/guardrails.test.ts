import assert from "node:assert/strict";
import { ConfigError, Environment } from "../../environments";
import { parseEnvironment } from "../../environments/parse";
import { guardrailConfig, optionsFromLimits, tierLevel } from "../../policies/guardrails";
import { POLICY_NAMES } from "../../policies/pack";
import { guardrailsOfEnvironment, strictDefaults } from "../../policies/stackFile";
import { copyProject, rawConfig } from "../helpers/stacks";

/** An environment parsed from a fixture-like config: prod's file with `edit` applied. */
function env(edit: (config: Record<string, unknown>) => void = () => undefined, stack = "qa"): Environment {
  const config = structuredClone(rawConfig("prod"));
  delete config["platform:guardrails"];
  edit(config);
  return parseEnvironment({ stack, project: "retail-data-platform", file: `Pulumi.${stack}.yaml`, config });
}
const level = (e: Environment, policy: string) => {
  const entry = guardrailsOfEnvironment(e).config[policy];
  return typeof entry === "string" ? entry : entry?.enforcementLevel;
};

describe("guardrails from the stack file", () => {
  it("a stack file that names no tier is production-strict: every policy mandatory but the early warning", () => {
    const e = env();
    assert.equal(e.guardrails.tier, "production");
    for (const name of POLICY_NAMES) assert.equal(level(e, name), name === "budget-early-warning" ? "advisory" : "mandatory", name);
  });

  it("the development tier makes versioning, PITR, the alarms, capacity at peak and the ceiling advisory, nothing else", () => {
    const e = env((c) => (c["platform:guardrails"] = { tier: "development" }));
    const advisory = POLICY_NAMES.filter((n) => level(e, n) === "advisory").sort();
    assert.deepEqual(advisory, ["budget-ceiling-cost", "budget-early-warning", "capacity-at-peak", "dynamodb-point-in-time-recovery", "kinesis-iterator-age-alarm", "lambda-error-alarm", "s3-versioning"]);
  });

  it("a policy the tiers do not list (a new one) is mandatory in both tiers", () => {
    assert.equal(tierLevel("production", "some-new-policy"), "mandatory");
    assert.equal(tierLevel("development", "some-new-policy"), "mandatory");
  });

  it("the bounding policies enforce the stack file's own limits", () => {
    const e = env((c) => {
      const limits = c["platform:limits"] as Record<string, Record<string, unknown>>;
      limits["lambda"]["reservedConcurrency"] = 7;
      limits["athena"]["bytesScannedCutoffPerQueryMb"] = 777;
    });
    const config = guardrailsOfEnvironment(e).config as Record<string, Record<string, unknown>>;
    assert.equal(config["lambda-concurrency-bounded"]["maxReservedConcurrency"], 7);
    assert.equal(config["athena-workgroup-bounded"]["maxBytesScannedPerQueryMb"], 777);
    assert.deepEqual(optionsFromLimits(e.limits)["lambda-event-source-bounded"], { maxBatchSize: e.limits.lambda.batchSize, maxParallelizationFactor: 1, maxRetryAttempts: e.limits.lambda.maxRetries });
    assert.equal(config["budget-expected-cost"]["region"], e.awsRegion, "the cost policies price in the stack file's region");
  });

  it("an override in the stack file wins over the tier and the limits", () => {
    const e = env((c) => (c["platform:guardrails"] = { tier: "production", policies: { "s3-versioning": "advisory", "budget-ceiling-cost": { ceilingFactor: 9 } } }));
    const config = guardrailConfig(e, POLICY_NAMES);
    assert.equal(config["s3-versioning"] && typeof config["s3-versioning"] === "object" ? config["s3-versioning"].enforcementLevel : config["s3-versioning"], "advisory");
    assert.deepEqual(config["budget-ceiling-cost"], { ceilingFactor: 9, enforcementLevel: "mandatory" });
  });

  const bad: [string, unknown, RegExp][] = [
    ["an unknown policy", { policies: { "s3-no-public": "mandatory" } }, /^Pulumi\.qa\.yaml: platform:guardrails\.policies\.s3-no-public is not a policy of the retail-guardrails pack$/],
    ["an unknown option", { policies: { "s3-versioning": { strict: true } } }, /^Pulumi\.qa\.yaml: platform:guardrails\.policies\.s3-versioning\.strict is not a known option \(got true\)$/],
    ["an option of the wrong type", { policies: { "budget-ceiling-cost": { ceilingFactor: "six" } } }, /^Pulumi\.qa\.yaml: platform:guardrails\.policies\.budget-ceiling-cost\.ceilingFactor must be a number \(got "six"\)$/],
  ];
  for (const [what, guardrails, expected] of bad) {
    it(`rejects ${what} in one line naming the stack file, the key, the value and the rule`, () => {
      const e = env((c) => (c["platform:guardrails"] = guardrails));
      assert.throws(() => guardrailsOfEnvironment(e), (err: unknown) => err instanceof ConfigError && expected.test(err.message) && !err.message.includes("\n"));
    });
  }

  const badSchema: [string, unknown, RegExp][] = [
    ["an unknown tier", { tier: "staging" }, /^Pulumi\.qa\.yaml: platform:guardrails\.tier must be one of production, development \(got "staging"\)$/],
    ["an unknown level", { policies: { "s3-versioning": "strict" } }, /^Pulumi\.qa\.yaml: platform:guardrails\.policies\.s3-versioning must be an enforcement level/],
  ];
  for (const [what, guardrails, expected] of badSchema) {
    it(`rejects ${what} when the stack file is read`, () => {
      assert.throws(() => env((c) => (c["platform:guardrails"] = guardrails)), (err: unknown) => err instanceof ConfigError && expected.test(err.message));
    });
  }

  it("strict defaults: production levels, the pack's default limits, and a summary that says so", () => {
    const d = strictDefaults("foreign");
    assert.match(d.source.summary, /^strict defaults \(no Pulumi\.foreign\.yaml\): production tier/);
    assert.equal(d.resolved.get("s3-versioning")?.level, "mandatory");
    assert.equal(d.resolved.get("lambda-concurrency-bounded")?.options["maxReservedConcurrency"], 10);
  });

  it("copyProject makes a project folder of its own (fixture helper)", () => {
    const dir = copyProject({ "Pulumi.qa.yaml": () => undefined }, "Pulumi.prod.yaml");
    assert.ok(dir.includes("platform-project-"));
  });
});
