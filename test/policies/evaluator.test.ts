import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType, validateStackResourcesOfType } from "@pulumi/policy";
import { evaluatePolicies as evaluateAsync, evaluatePoliciesSync as evaluatePolicies, loadPolicyConfig, PolicyConfigError, POLICY_NAMES, resolvePolicyConfig } from "../../policies/offline";
import { awsProvider, res, UNKNOWN } from "./helpers";
import { guardrailsOfEnvironment } from "../../policies/stackFile";
import { loadEnv } from "../helpers/stacks";


/** A resource policy that records what it saw. */
function spyResourcePolicy(seen: { type: string; props: Record<string, unknown>; config: unknown }[]): ResourceValidationPolicy {
  return {
    name: "spy-resource",
    description: "Records queues.",
    configSchema: { properties: { limit: { type: "integer", minimum: 1, default: 3 }, label: { type: "string" } } },
    validateResource: validateResourceOfType(aws.sqs.Queue, (queue, args, report) => {
      seen.push({ type: args.type, props: { ...queue }, config: args.getConfig() });
      if ((queue.messageRetentionSeconds ?? 0) > 60) report("Queue retention must be at most 60 seconds.");
    }),
  };
}

describe("offline evaluator", () => {
  const queue = res("aws:sqs/queue:Queue", "q", { messageRetentionSeconds: 120, kmsMasterKeyId: "k" });
  const stream = res("aws:kinesis/stream:Stream", "s", { shardCount: 1 }, { dependsOn: [queue], parent: queue });
  const stack = [awsProvider(), queue, stream];

  describe("resource policies", () => {
    it("see inputs as props, only for the validateResourceOfType class", () => {
      const seen: { type: string; props: Record<string, unknown>; config: unknown }[] = [];
      const report = evaluatePolicies(stack, { policies: [spyResourcePolicy(seen)] });
      assert.deepEqual(seen.map((s) => s.type), ["aws:sqs/queue:Queue"]);
      assert.equal(seen[0].props["messageRetentionSeconds"], 120);
      assert.deepEqual(report.violations, [{ policy: "spy-resource", level: "mandatory", urn: queue.urn, message: "Queue retention must be at most 60 seconds." }]);
    });
    it("get the config merged over the configSchema defaults", () => {
      const seen: { type: string; props: Record<string, unknown>; config: unknown }[] = [];
      evaluatePolicies(stack, { policies: [spyResourcePolicy(seen)], config: { "spy-resource": { label: "x" } } });
      assert.deepEqual(seen[0].config, { limit: 3, label: "x" });
    });
    it("report a rule reading a preview unknown as cannot-verify, neither pass nor violation", () => {
      const report = evaluatePolicies([{ ...queue, inputs: { messageRetentionSeconds: UNKNOWN } }], { policies: [spyResourcePolicy([])] });
      assert.deepEqual(report.violations, []);
      assert.equal(report.cannotVerify.length, 1);
      assert.equal(report.cannotVerify[0].urn, queue.urn);
      assert.match(report.cannotVerify[0].message, /messageRetentionSeconds can't be known during preview/);
    });
  });

  describe("stack policies", () => {
    it("see every resource with parent, dependencies and provider resolved", () => {
      let seen: PolicyResource[] = [];
      const policy: StackValidationPolicy = { name: "spy-stack", description: "Records.", validateStack: (args) => void (seen = args.resources) };
      evaluatePolicies(stack, { policies: [policy] });
      const s = seen.find((r) => r.name === "s")!;
      assert.equal(seen.length, 3);
      assert.equal(s.parent?.urn, queue.urn);
      assert.deepEqual(s.dependencies.map((d) => d.urn), [queue.urn]);
      assert.equal(s.provider?.type, "pulumi:providers:aws");
      assert.equal(s.provider?.props["region"], "eu-west-3");
      assert.ok(s.isType(aws.kinesis.Stream));
      assert.ok(!s.isType(aws.sqs.Queue));
    });
    it("filter with validateStackResourcesOfType", () => {
      let names: string[] = [];
      const policy: StackValidationPolicy = {
        name: "spy-typed",
        description: "Records streams.",
        validateStack: validateStackResourcesOfType(aws.kinesis.Stream, (streams, args) => void (names = args.resources.map((r) => r.name).concat(streams.map((x) => String(x.shardCount))))),
      };
      evaluatePolicies(stack, { policies: [policy] });
      assert.deepEqual(names, ["s", "1"]);
    });
  });

  describe("enforcement levels", () => {
    const policy = spyResourcePolicy([]);
    const level = (config?: Record<string, unknown>, own?: "mandatory") =>
      evaluatePolicies(stack, { policies: [{ ...policy, ...(own ? { enforcementLevel: own } : {}) }], ...(config ? { config: config as never } : {}) }).violations.map((v) => v.level);
    // Mandatory, so that nothing is lax by omission; a stack's tier sets the real levels (policies/guardrails.ts).
    it("default to the pack's level (mandatory)", () => assert.deepEqual(level(), ["mandatory"]));
    it("take the policy's own level over the pack's", () => assert.deepEqual(level(undefined, "mandatory"), ["mandatory"]));
    it("take `all` over the policy's own level", () => assert.deepEqual(level({ all: "advisory" }, "mandatory"), ["advisory"]));
    it("take the policy's config over `all`", () => assert.deepEqual(level({ all: "advisory", "spy-resource": "mandatory" }), ["mandatory"]));
    it("run nothing for a disabled policy", () => assert.deepEqual(level({ "spy-resource": { enforcementLevel: "disabled" } }), []));
    it("report remediate as mandatory", () => assert.deepEqual(level({ "spy-resource": "remediate" }), ["mandatory"]));
  });

  it("awaits a policy that returns a promise, as CrossGuard does, in pack order", async () => {
    const order: string[] = [];
    const later: StackValidationPolicy = {
      name: "async",
      description: "Async.",
      validateStack: async (_args, report) => {
        await new Promise((r) => setTimeout(r, 5));
        order.push("async");
        report("async policy must be awaited");
      },
    };
    const sync: StackValidationPolicy = { name: "sync", description: "Sync.", validateStack: (_args, report) => (order.push("sync"), report("sync ran")) };
    const report = await evaluateAsync(stack, { policies: [later, sync] });
    assert.deepEqual(report.violations.map((v) => `${v.policy}: ${v.message}`), ["async: async policy must be awaited", "sync: sync ran"]);
    assert.deepEqual(order, ["async", "sync"]);
  });

  it("counts an async policy's preview unknown as cannot verify, and names it when it rejects", async () => {
    const unknown: StackValidationPolicy = { name: "reads-unknown", description: "x", validateStack: async (args) => void String((args.resources[0].props as Record<string, unknown>)["messageRetentionSeconds"]) };
    const report = await evaluateAsync([{ ...queue, inputs: { messageRetentionSeconds: UNKNOWN } }], { policies: [unknown] });
    assert.deepEqual(report.cannotVerify.map((c) => c.policy), ["reads-unknown"]);
    const broken: StackValidationPolicy = { name: "broken-async", description: "x", validateStack: async () => Promise.reject(new Error("late boom")) };
    await assert.rejects(evaluateAsync(stack, { policies: [broken] }), /policy broken-async failed: late boom/);
  });

  it("the sync evaluator refuses a policy that returns a promise, naming the async one", () => {
    const policy: StackValidationPolicy = { name: "async", description: "Async.", validateStack: async () => undefined };
    assert.throws(() => evaluatePolicies(stack, { policies: [policy] }), /policy async returned a promise: evaluate it with evaluatePolicies, which awaits it/);
  });

  it("names the policy when it fails", () => {
    const policy: StackValidationPolicy = { name: "broken", description: "Throws.", validateStack: () => { throw new Error("boom"); } };
    assert.throws(() => evaluatePolicies(stack, { policies: [policy] }), /policy broken failed: boom/);
  });
});

describe("policy pack config", () => {
  const tmp = (name: string, content: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it("fills in configSchema defaults", () => {
    const file = tmp("dev.json", JSON.stringify({ "lambda-concurrency-bounded": "mandatory" }));
    assert.deepEqual(loadPolicyConfig(file)["lambda-concurrency-bounded"], { maxReservedConcurrency: 10, enforcementLevel: "mandatory" });
  });

  const cases: [string, unknown, RegExp][] = [
    ["a value of the wrong type", { "kinesis-stream-bounded": { maxShards: "two" } }, /bad.json: kinesis-stream-bounded.maxShards must be an integer \(got "two"\)$/],
    ["a value below the minimum", { "lambda-concurrency-bounded": { maxReservedConcurrency: 0 } }, /bad.json: lambda-concurrency-bounded.maxReservedConcurrency must be at least 1 \(got 0\)$/],
    ["an unknown option", { "s3-versioning": { strict: true } }, /bad.json: s3-versioning.strict is not a known option \(got true\)$/],
    ["an unknown policy", { "s3-no-public": "mandatory" }, /bad.json: s3-no-public is not a policy of the retail-guardrails pack$/],
    ["a bad enforcement level", { all: "strict" }, /bad.json: all.enforcementLevel must be one of "advisory", "mandatory", "remediate", "disabled" \(got "strict"\)$/],
    ["a bad list item", { "iam-no-wildcard-resource-write": { allowedActions: ["cloudwatch:PutMetricData", "everything"] } }, /iam-no-wildcard-resource-write.allowedActions\[1\] must match/],
    ["a workload that breaks the environment schema", { "budget-expected-cost": { workload: { averageTps: 10 } } }, /bad.json: budget-expected-cost.workload.peakTps must be a positive number$/],
  ];
  for (const [what, doc, expected] of cases) {
    it(`rejects ${what} with a one-line error naming file, policy, field and rule`, () => {
      const file = tmp("bad.json", JSON.stringify(doc));
      assert.throws(() => loadPolicyConfig(file), (err: unknown) => {
        assert.ok(err instanceof PolicyConfigError);
        assert.equal(err.exitCode, 2);
        assert.ok(!err.message.includes("\n"));
        assert.match(err.message, expected);
        return true;
      });
    });
  }

  it("rejects a file that is not JSON", () => {
    assert.throws(() => loadPolicyConfig(tmp("broken.json", "{ nope")), /broken.json: is not valid JSON/);
  });

  it("rejects a missing file", () => {
    assert.throws(() => loadPolicyConfig("/nonexistent/dev.json"), /dev.json: cannot be read \(no such file\)/);
  });

  it("accepts the whole pack's config when running a few policies", () => {
    const config = guardrailsOfEnvironment(loadEnv("dev")).config;
    assert.deepEqual(evaluatePolicies([], { config, policies: [spyResourcePolicy([])] }).violations, []);
  });

  it("the evaluator validates a config it is handed directly", () => {
    assert.throws(() => evaluatePolicies([], { config: { "kinesis-stream-bounded": { maxShards: -1 } } }), PolicyConfigError);
    assert.equal(resolvePolicyConfig({}).length, POLICY_NAMES.length);
  });
});
