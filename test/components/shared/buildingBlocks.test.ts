import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../../../components/shared/iam";
import { retentionLifecycle, validateSecureBucketArgs } from "../../../components/shared/SecureBucket";

const unwrap = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

describe("shared building blocks", () => {
  describe("policyDocument", () => {
    it("writes explicit actions scoped to the given ARNs", async () => {
      const doc = JSON.parse(await unwrap(policyDocument([{ sid: "Read", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }])));
      assert.deepEqual(doc, { Version: "2012-10-17", Statement: [{ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }] });
    });

    it("refuses wildcard actions before the policy pack ever sees them", () => {
      assert.throws(() => policyDocument([{ actions: ["*"], resources: ["arn:x"] }]), /must not grant wildcard action \*/);
      assert.throws(() => policyDocument([{ sid: "All", actions: ["s3:*"], resources: ["arn:x"] }]), /All must not grant wildcard action s3:\*/);
      assert.throws(() => policyDocument([{ actions: [], resources: ["arn:x"] }]), /at least one action/);
    });
  });

  describe("SecureBucket lifecycle", () => {
    it("transitions only data that lives long enough to pay for it", () => {
      assert.deepEqual(retentionLifecycle("r", 30), { id: "r", expireAfterDays: 30 });
      assert.deepEqual(retentionLifecycle("r", 90, "p/"), { id: "r", prefix: "p/", infrequentAccessAfterDays: 30, expireAfterDays: 90 });
      assert.deepEqual(retentionLifecycle("r", 730), { id: "r", infrequentAccessAfterDays: 30, glacierAfterDays: 90, expireAfterDays: 730 });
    });

    it("rejects a bucket that keeps data forever, repeats a rule, or breaks S3's transition minimums", () => {
      const base = { kmsKeyArn: "k", versioning: false, forceDestroy: true };
      assert.throws(() => validateSecureBucketArgs("b", { ...base, lifecycle: [] }), /at least one rule with an expiration/);
      assert.throws(() => validateSecureBucketArgs("b", { ...base, lifecycle: [{ id: "a", expireAfterDays: 5 }, { id: "a", expireAfterDays: 6 }] }), /rule id a is repeated/);
      assert.throws(() => validateSecureBucketArgs("b", { ...base, lifecycle: [{ id: "a", infrequentAccessAfterDays: 10, expireAfterDays: 60 }] }), /at least 30/);
      assert.throws(() => validateSecureBucketArgs("b", { ...base, lifecycle: [{ id: "a", infrequentAccessAfterDays: 30, expireAfterDays: 30 }] }), /must come after its transitions/);
      assert.doesNotThrow(() => validateSecureBucketArgs("b", { ...base, lifecycle: [retentionLifecycle("a", 400)] }));
    });

    it("a server access log target is SSE-S3 and logs nowhere; every other bucket needs its KMS key", () => {
      const lifecycle = [retentionLifecycle("a", 30)];
      const target = { serverAccessLogTarget: { accountId: "111" }, versioning: false, forceDestroy: true, lifecycle };
      assert.doesNotThrow(() => validateSecureBucketArgs("logs", target));
      assert.throws(() => validateSecureBucketArgs("logs", { ...target, kmsKeyArn: "k" }), /must use SSE-S3 \(S3 delivers access logs to no SSE-KMS bucket\)/);
      assert.throws(() => validateSecureBucketArgs("logs", { ...target, accessLogs: { targetBucket: "other", targetPrefix: "logs/" } }), /must not log to itself or another log bucket/);
      assert.throws(() => validateSecureBucketArgs("b", { versioning: false, forceDestroy: true, lifecycle }), /kmsKeyArn is required/);
    });
  });
});
