import assert from "node:assert/strict";
import { StackResource } from "../../model/resources";
import {
  dynamodbPointInTimeRecovery,
  encryptionAtRest,
  iamNoWildcardAction,
  iamNoWildcardResourceWrite,
  lambdaRuntimeSupported,
  LAMBDA_RUNTIMES,
  s3Encryption,
  s3PublicAccessBlock,
  s3TlsOnly,
  s3Versioning,
} from "../../policies/security";
import { drop, messages, replace, res, run, UNKNOWN, withInputs } from "./helpers";

/** A bucket configured the SecureBucket way: every related resource depends on it. */
function secureBucket(name = "history"): StackResource[] {
  const bucket = res("aws:s3/bucket:Bucket", name, { forceDestroy: false });
  const on = { dependsOn: [bucket] };
  return [
    bucket,
    res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `${name}-public-access`, { bucket: `${name}-1`, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, on),
    res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${name}-encryption`, {
      bucket: `${name}-1`, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-3:1:key/k" }, bucketKeyEnabled: true }],
    }, on),
    res("aws:s3/bucketPolicy:BucketPolicy", `${name}-tls-only`, {
      bucket: `${name}-1`,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }] }),
    }, on),
    res("aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`, { bucket: `${name}-1`, versioningConfiguration: { status: "Enabled" } }, on),
  ];
}

const find = (stack: StackResource[], type: string) => stack.find((r) => r.type === type)!;

describe("security policies", () => {
  describe("s3-public-access-block", () => {
    const stack = secureBucket();
    const pab = find(stack, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    it("passes a bucket with all four flags", () => {
      assert.deepEqual(run(s3PublicAccessBlock, stack).violations, []);
    });
    it("reports a bucket without a public access block", () => {
      assert.match(messages(run(s3PublicAccessBlock, drop(stack, pab.type))).join(), /must have a BucketPublicAccessBlock/);
    });
    it("reports a flag left false", () => {
      assert.match(messages(run(s3PublicAccessBlock, replace(stack, withInputs(pab, { restrictPublicBuckets: false })))).join(), /must set restrictPublicBuckets to true/);
    });
    it("matches by bucket name when there is no dependency", () => {
      const named = res("aws:s3/bucket:Bucket", "named", { bucket: "named-bucket" });
      const block = res(pab.type, "named-public-access", { bucket: "named-bucket", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      assert.deepEqual(run(s3PublicAccessBlock, [named, block]).violations, []);
    });
  });

  describe("s3-encryption", () => {
    const stack = secureBucket();
    const sse = find(stack, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    it("passes SSE-KMS", () => {
      assert.deepEqual(run(s3Encryption, stack).violations, []);
    });
    it("reports a bucket without default encryption", () => {
      assert.match(messages(run(s3Encryption, drop(stack, sse.type))).join(), /must have default server-side encryption/);
    });
    it("reports an algorithm that is not allowed", () => {
      const aes = withInputs(sse, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
      assert.match(messages(run(s3Encryption, replace(stack, aes))).join(), /must use aws:kms or aws:kms:dsse \(got AES256\)/);
    });
    it("accepts AES256 when the config allows it", () => {
      const aes = withInputs(sse, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
      assert.deepEqual(run(s3Encryption, replace(stack, aes), { allowedAlgorithms: ["AES256"] }).violations, []);
    });
  });

  describe("s3-tls-only", () => {
    const stack = secureBucket();
    const policy = find(stack, "aws:s3/bucketPolicy:BucketPolicy");
    it("passes a deny on aws:SecureTransport false", () => {
      assert.deepEqual(run(s3TlsOnly, stack).violations, []);
    });
    it("reports a bucket without a bucket policy", () => {
      assert.match(messages(run(s3TlsOnly, drop(stack, policy.type))).join(), /must have a bucket policy denying s3:\*/);
    });
    it("reports a policy that does not deny insecure transport", () => {
      const allow = withInputs(policy, { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }) });
      assert.match(messages(run(s3TlsOnly, replace(stack, allow))).join(), /aws:SecureTransport is false/);
    });
    it("cannot verify a policy not known during preview", () => {
      const r = run(s3TlsOnly, replace(stack, withInputs(policy, { policy: UNKNOWN })));
      assert.deepEqual(r.violations, []);
      assert.equal(r.cannotVerify.length, 1);
    });
  });

  describe("s3-versioning", () => {
    const stack = secureBucket();
    const versioning = find(stack, "aws:s3/bucketVersioning:BucketVersioning");
    it("passes versioning Enabled", () => {
      assert.deepEqual(run(s3Versioning, stack).violations, []);
    });
    it("reports a bucket without versioning", () => {
      assert.match(messages(run(s3Versioning, drop(stack, versioning.type))).join(), /must have versioning enabled/);
    });
    it("reports versioning Suspended", () => {
      assert.match(messages(run(s3Versioning, replace(stack, withInputs(versioning, { versioningConfiguration: { status: "Suspended" } })))).join(), /must have versioning enabled/);
    });
  });

  describe("encryption-at-rest", () => {
    const encrypted = [
      res("aws:kinesis/stream:Stream", "s", { encryptionType: "KMS", kmsKeyId: "k", shardCount: 1 }),
      res("aws:dynamodb/table:Table", "t", { serverSideEncryption: { enabled: true, kmsKeyArn: "k" } }),
      res("aws:sqs/queue:Queue", "q", { kmsMasterKeyId: "k" }),
      res("aws:sns/topic:Topic", "n", { kmsMasterKeyId: "k" }),
    ];
    it("passes encrypted streams, tables, queues and topics", () => {
      assert.deepEqual(run(encryptionAtRest, encrypted).violations, []);
    });
    it("reports a stream without KMS", () => {
      assert.match(messages(run(encryptionAtRest, replace(encrypted, withInputs(encrypted[0], { encryptionType: "NONE" })))).join(), /Kinesis stream s must be encrypted at rest/);
    });
    it("reports a table without server-side encryption", () => {
      assert.match(messages(run(encryptionAtRest, replace(encrypted, withInputs(encrypted[1], { serverSideEncryption: { enabled: false } })))).join(), /DynamoDB table t must be encrypted/);
    });
    it("reports a queue without a key", () => {
      assert.match(messages(run(encryptionAtRest, replace(encrypted, withInputs(encrypted[2], { kmsMasterKeyId: undefined })))).join(), /SQS queue q must be encrypted/);
    });
    it("accepts SQS-managed encryption", () => {
      assert.deepEqual(run(encryptionAtRest, replace(encrypted, res("aws:sqs/queue:Queue", "q", { sqsManagedSseEnabled: true }))).violations, []);
    });
    it("reports a topic without a key", () => {
      assert.match(messages(run(encryptionAtRest, replace(encrypted, res("aws:sns/topic:Topic", "n", {})))).join(), /SNS topic n must be encrypted/);
    });
  });

  describe("dynamodb-point-in-time-recovery", () => {
    const table = res("aws:dynamodb/table:Table", "aggregates", { pointInTimeRecovery: { enabled: true } });
    it("passes PITR enabled", () => {
      assert.deepEqual(run(dynamodbPointInTimeRecovery, [table]).violations, []);
    });
    it("reports PITR disabled", () => {
      assert.match(messages(run(dynamodbPointInTimeRecovery, [withInputs(table, { pointInTimeRecovery: { enabled: false } })])).join(), /must enable pointInTimeRecovery/);
    });
  });

  const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
  const scoped = { Sid: "WriteHistory", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::history/*" };

  describe("iam-no-wildcard-action", () => {
    const policy = res("aws:iam/rolePolicy:RolePolicy", "processor-policy", { role: "r", policy: doc(scoped) });
    it("passes explicit actions", () => {
      assert.deepEqual(run(iamNoWildcardAction, [policy]).violations, []);
    });
    it("reports action *", () => {
      assert.match(messages(run(iamNoWildcardAction, [withInputs(policy, { policy: doc({ ...scoped, Action: "*" }) })])).join(), /WriteHistory must not allow wildcard action \*/);
    });
    it("reports a service wildcard", () => {
      assert.match(messages(run(iamNoWildcardAction, [withInputs(policy, { policy: doc({ ...scoped, Action: ["s3:*"] }) })])).join(), /wildcard action s3:\*/);
    });
    it("reports NotAction", () => {
      const { Action: _a, ...rest } = scoped;
      void _a;
      assert.match(messages(run(iamNoWildcardAction, [withInputs(policy, { policy: doc({ ...rest, NotAction: "iam:*" }) })])).join(), /must list actions, not NotAction/);
    });
    it("checks a role's inline policies", () => {
      const role = res("aws:iam/role:Role", "r", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "x", policy: doc({ ...scoped, Action: "*" }) }] });
      assert.match(messages(run(iamNoWildcardAction, [role])).join(), /must not allow wildcard action/);
    });
    it("ignores Deny statements", () => {
      assert.deepEqual(run(iamNoWildcardAction, [withInputs(policy, { policy: doc({ ...scoped, Effect: "Deny", Action: "*" }) })]).violations, []);
    });
  });

  describe("iam-no-wildcard-resource-write", () => {
    const policy = res("aws:iam/rolePolicy:RolePolicy", "processor-policy", { role: "r", policy: doc(scoped, { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" }) });
    it("passes scoped writes and listed exceptions on *", () => {
      assert.deepEqual(run(iamNoWildcardResourceWrite, [policy]).violations, []);
    });
    it("reports a write on resource *", () => {
      assert.match(messages(run(iamNoWildcardResourceWrite, [withInputs(policy, { policy: doc({ ...scoped, Resource: "*" }) })])).join(), /must not allow s3:PutObject on resource "\*"/);
    });
    it("allows reads on resource *", () => {
      assert.deepEqual(run(iamNoWildcardResourceWrite, [withInputs(policy, { policy: doc({ Effect: "Allow", Action: ["s3:ListAllMyBuckets", "kinesis:DescribeStream"], Resource: "*" }) })]).violations, []);
    });
    it("reports an exception the config no longer lists", () => {
      assert.match(messages(run(iamNoWildcardResourceWrite, [policy], { allowedActions: [] })).join(), /cloudwatch:PutMetricData on resource/);
    });
  });

  describe("lambda-runtime-supported", () => {
    const fn = res("aws:lambda/function:Function", "processor", { runtime: "nodejs22.x", handler: "index.handler" });
    const now = new Date("2026-11-28T12:00:00Z");
    it("passes a supported runtime", () => {
      assert.deepEqual(run(lambdaRuntimeSupported, [fn], {}, { now }).violations, []);
    });
    it("reports nodejs20.x, deprecated since 2026-04-30", () => {
      assert.match(messages(run(lambdaRuntimeSupported, [withInputs(fn, { runtime: "nodejs20.x" })], {}, { now })).join(), /must not use runtime nodejs20.x: deprecated since 2026-04-30/);
    });
    it("judges by the injected clock: nodejs20.x passed the day before its date", () => {
      assert.deepEqual(run(lambdaRuntimeSupported, [withInputs(fn, { runtime: "nodejs20.x" })], {}, { now: new Date("2026-04-29T00:00:00Z") }).violations, []);
    });
    it("reports on the deprecation date itself", () => {
      assert.equal(run(lambdaRuntimeSupported, [withInputs(fn, { runtime: "nodejs22.x" })], {}, { now: new Date(`${LAMBDA_RUNTIMES["nodejs22.x"]}T00:00:00Z`) }).violations.length, 1);
    });
    it("cannot verify a runtime missing from the data", () => {
      const r = run(lambdaRuntimeSupported, [withInputs(fn, { runtime: "nodejs99.x" })], {}, { now });
      assert.deepEqual(r.violations, []);
      assert.match(r.cannotVerify[0].message, /nodejs99.x .* not in policies\/data\/lambda-runtimes.json/);
    });
    it("passes a container image function (no runtime)", () => {
      assert.deepEqual(run(lambdaRuntimeSupported, [res(fn.type, "image", { packageType: "Image", imageUri: "x" })], {}, { now }).violations, []);
    });
  });
});
