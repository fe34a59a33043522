import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { UNKNOWN } from "../../model/resources";
import { parsePreviewDocument, parseResourceDocument, parseStackExport, readResourceDocument, SourceError } from "../../model/sources";
import { evaluatePoliciesSync as evaluatePolicies } from "../../policies/offline";
import { guardrailsOfEnvironment } from "../../policies/stackFile";
import { loadEnv } from "../helpers/stacks";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "policies");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as Record<string, unknown>;

describe("model/sources", () => {
  describe("pulumi preview --json", () => {
    const resources = readResourceDocument(path.join(FIXTURES, "preview.json"));

    it("keeps one resource per URN from the steps' newState, dropping delete steps", () => {
      assert.deepEqual(resources.map((r) => r.name), ["retail-data-platform-dev", "aws", "budget-monthly", "realtime-transactions", "realtime-processor", "realtime-failed-batches"]);
      assert.ok(!resources.some((r) => r.name === "legacy-public-bucket"));
    });

    it("takes the new state of a replacement, not the deleted one", () => {
      const queue = resources.find((r) => r.name === "realtime-failed-batches")!;
      assert.equal(queue.inputs["messageRetentionSeconds"], 1209600);
    });

    it("keeps parents, providers, dependencies and the custom flag", () => {
      const fn = resources.find((r) => r.name === "realtime-processor")!;
      assert.equal(fn.type, "aws:lambda/function:Function");
      assert.equal(fn.custom, true);
      assert.equal(fn.parent, "urn:pulumi:dev::retail-data-platform::pulumi:pulumi:Stack::retail-data-platform-dev");
      assert.match(fn.provider!, /pulumi:providers:aws::aws::/);
      assert.deepEqual(fn.dependencies, ["urn:pulumi:dev::retail-data-platform::aws:kinesis/stream:Stream::realtime-transactions"]);
      assert.equal(resources[0].custom, false);
    });

    it("keeps unknown markers as they are", () => {
      const stream = resources.find((r) => r.name === "realtime-transactions")!;
      assert.equal(stream.inputs["shardCount"], UNKNOWN);
    });

    it("reports rules that depend on unknowns as cannot-verify, not as violations", () => {
      const report = evaluatePolicies(resources, { config: guardrailsOfEnvironment(loadEnv("dev")).config, now: new Date("2026-11-28T00:00:00Z") });
      const cannot = report.cannotVerify.map((c) => `${c.policy} ${c.urn ?? ""}`);
      assert.ok(cannot.includes("kinesis-stream-bounded urn:pulumi:dev::retail-data-platform::aws:kinesis/stream:Stream::realtime-transactions"), cannot.join("\n"));
      assert.ok(cannot.includes("lambda-concurrency-bounded urn:pulumi:dev::retail-data-platform::aws:lambda/function:Function::realtime-processor"), cannot.join("\n"));
      const onUnknown = report.violations.filter((v) => ["kinesis-stream-bounded", "lambda-concurrency-bounded"].includes(v.policy));
      assert.deepEqual(onUnknown, []);
      // The deleted public bucket is not judged at all.
      assert.ok(!report.violations.some((v) => (v.urn ?? "").includes("legacy-public-bucket")));
    });
  });

  describe("pulumi stack export", () => {
    const resources = parseStackExport(fixture("stack-export.json"), "stack-export.json");

    it("reads deployment.resources, dropping pending deletions", () => {
      assert.deepEqual(resources.map((r) => r.name), ["retail-data-platform-prod", "aws", "budget-monthly", "realtime-aggregates", "core-email-hash-key-v1", "processor-policy"]);
    });

    it("keeps inputs and outputs", () => {
      const table = resources.find((r) => r.name === "realtime-aggregates")!;
      assert.equal(table.inputs["billingMode"], "PAY_PER_REQUEST");
      assert.deepEqual(table.outputs, { name: "realtime-aggregates-1a2b3c4" });
      assert.deepEqual(table.dependencies, []);
    });

    it("reveals decrypted secrets and turns encrypted ones into unknowns", () => {
      assert.equal(resources.find((r) => r.name === "core-email-hash-key-v1")!.inputs["secretString"], UNKNOWN);
      const policy = resources.find((r) => r.name === "processor-policy")!;
      assert.match(String(policy.inputs["policy"]), /"Action": "\*"/);
      const report = evaluatePolicies(resources, { config: { "iam-no-wildcard-action": "mandatory" } });
      assert.ok(report.violations.some((v) => v.policy === "iam-no-wildcard-action" && v.level === "mandatory"));
    });

    it("feeds the evaluator: provider defaultTags merge with the resource's own tags", () => {
      const report = evaluatePolicies(resources, { config: { "required-tags": "mandatory" } });
      // The table adds cost-center to the provider's three tags; the budget does not.
      const tagging = report.violations.filter((v) => v.policy === "required-tags");
      assert.deepEqual(tagging.map((v) => `${v.policy} ${v.urn}`), ["required-tags urn:pulumi:prod::retail-data-platform::aws:budgets/budget:Budget::budget-monthly"]);
      assert.match(tagging[0].message, /must carry tags cost-center/);
    });
  });

  describe("documents", () => {
    it("tells a preview from an export", () => {
      assert.equal(parseResourceDocument(fixture("preview.json")).length, 6);
      assert.equal(parseResourceDocument(fixture("stack-export.json")).length, 6);
    });

    const bad: [string, unknown, RegExp][] = [
      ["neither document", { resources: [] }, /x.json: must be a `pulumi preview --json` document/],
      ["a step without an op", { steps: [{ urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b" }] }, /x.json: steps\[0\].op must be a step operation/],
      ["a bad URN", { steps: [{ op: "create", urn: "bucket" }] }, /x.json: steps\[0\].urn must be a URN/],
      ["a create step without newState", { steps: [{ op: "create", urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b" }] }, /x.json: steps\[0\].newState is required for a create step/],
      ["export resources that are not a list", { deployment: { resources: {} } }, /x.json: deployment.resources must be a list of resources/],
      ["an export resource without type", { deployment: { resources: [{ urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b" }] } }, /x.json: deployment.resources\[0\].type must be a type token/],
    ];
    for (const [what, doc, expected] of bad) {
      it(`rejects ${what} with a one-line SourceError`, () => {
        assert.throws(() => parseResourceDocument(doc, "x.json"), (err: unknown) => err instanceof SourceError && expected.test(err.message) && !err.message.includes("\n"));
      });
    }

    it("rejects a file that is not JSON", () => {
      const file = path.join(FIXTURES, "..", "..", "..", "package.json");
      assert.throws(() => parsePreviewDocument(JSON.parse(fs.readFileSync(file, "utf8")), "package.json"), /package.json: steps must be a list of steps/);
    });
  });
});
