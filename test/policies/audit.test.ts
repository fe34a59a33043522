/**
 * Audit policies: KMS key rotation stays on, every bucket holding customer
 * data logs its requests to a separate log bucket, and that log bucket is
 * SSE-S3 (S3 delivers server access logs to no SSE-KMS bucket). Each case
 * here passed the pack before these rules existed.
 */
import assert from "node:assert/strict";
import { StackResource } from "../../model/resources";
import { kmsKeyRotation, s3AccessLogging } from "../../policies/audit";
import { s3Encryption } from "../../policies/security";
import { messages, res, run } from "./helpers";

const LOGGING = "aws:s3/bucketLogging:BucketLogging";

/** A bucket and its default encryption, configured the SecureBucket way (both inputs name it by an Output). */
function bucket(name: string, sseAlgorithm: string, tags?: Record<string, string>): StackResource[] {
  const b = res("aws:s3/bucket:Bucket", name, tags ? { tags } : {});
  const encryption = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `${name}-encryption`, {
    bucket: `${name}-1`,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm, ...(sseAlgorithm.startsWith("aws:kms") ? { kmsMasterKeyId: "arn:aws:kms:eu-west-3:1:key/k" } : {}) } }],
  }, { dependsOn: [b] });
  return [b, { ...encryption, propertyDependencies: { bucket: [b.urn] } }];
}

/** A BucketLogging of `source` into `target`, with the property dependencies the engine records. */
function logging(source: StackResource, target: StackResource): StackResource {
  const r = res(LOGGING, `${source.name}-access-logs`, { bucket: `${source.name}-1`, targetBucket: `${target.name}-1`, targetPrefix: `${source.name}/` }, { dependsOn: [source, target] });
  return { ...r, propertyDependencies: { bucket: [source.urn], targetBucket: [target.urn] } };
}

describe("audit policies", () => {
  describe("kms-key-rotation", () => {
    const key = (inputs: Record<string, unknown>) => [res("aws:kms/key:Key", "data-key", inputs)];

    it("fails a key whose rotation is off or unset, and passes one that rotates", () => {
      assert.match(messages(run(kmsKeyRotation, key({ enableKeyRotation: false })))[0], /KMS key data-key must enable automatic key rotation \(enableKeyRotation true\)/);
      assert.equal(run(kmsKeyRotation, key({})).violations.length, 1, "rotation is off by default on a new key");
      assert.deepEqual(run(kmsKeyRotation, key({ enableKeyRotation: true })).violations, []);
    });

    it("fails a rotation period AWS refuses (90..2560 days)", () => {
      assert.match(messages(run(kmsKeyRotation, key({ enableKeyRotation: true, rotationPeriodInDays: 30 })))[0], /rotationPeriodInDays must be 90\.\.2560 \(got 30\)/);
      assert.deepEqual(run(kmsKeyRotation, key({ enableKeyRotation: true, rotationPeriodInDays: 365 })).violations, []);
    });

    it("leaves asymmetric and HMAC keys alone: AWS rotates symmetric encryption keys only", () => {
      assert.deepEqual(run(kmsKeyRotation, key({ customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" })).violations, []);
      assert.deepEqual(run(kmsKeyRotation, key({ customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" })).violations, []);
    });
  });

  describe("s3-access-logging", () => {
    const [logs, logsEncryption] = bucket("access-logs", "AES256");
    const [history, historyEncryption] = bucket("history", "aws:kms");

    it("fails a bucket of customer data without server access logs", () => {
      const report = run(s3AccessLogging, [history, historyEncryption]);
      assert.deepEqual(report.violations.map((v) => v.urn), [history.urn]);
      assert.match(report.violations[0].message, /S3 bucket history must log data access: add a BucketLogging with a targetBucket/);
    });

    it("passes it once it logs to the log bucket; the log bucket itself is exempt", () => {
      assert.deepEqual(run(s3AccessLogging, [logs, logsEncryption, history, historyEncryption, logging(history, logs)]).violations, []);
    });

    it("fails a bucket logging to itself (each delivery would be logged again)", () => {
      assert.match(messages(run(s3AccessLogging, [history, historyEncryption, logging(history, history)]))[0], /must not write its access logs to itself/);
    });

    it("reads which bucket is which from each input's own dependencies, not the logging's dependencies on both", () => {
      // The target depends on nothing and is not logged: without per-input matching, the logging (which depends on
      // both buckets) would pass for the target too, and the target would not be recognised as the log bucket.
      const [other, otherEncryption] = bucket("quarantine", "aws:kms");
      const report = run(s3AccessLogging, [logs, logsEncryption, history, historyEncryption, other, otherEncryption, logging(history, logs)]);
      assert.deepEqual(report.violations.map((v) => v.urn), [other.urn]);
    });

    it("exempts a bucket tagged data-classification=no-customer-data", () => {
      const [scripts, scriptsEncryption] = bucket("scripts", "aws:kms", { "data-classification": "no-customer-data" });
      assert.deepEqual(run(s3AccessLogging, [scripts, scriptsEncryption]).violations, []);
    });
  });

  describe("s3-encryption of the log bucket: SSE-S3, the only encryption S3 delivers server access logs to", () => {
    it("fails a log bucket encrypted with SSE-KMS, and passes it with SSE-S3", () => {
      const [history, historyEncryption] = bucket("history", "aws:kms");
      const [kmsLogs, kmsLogsEncryption] = bucket("access-logs", "aws:kms");
      const report = run(s3Encryption, [history, historyEncryption, kmsLogs, kmsLogsEncryption, logging(history, kmsLogs)]);
      assert.deepEqual(report.violations.map((v) => v.urn), [kmsLogs.urn]);
      assert.match(report.violations[0].message, /access-logs encryption must use AES256 as a server access log target \(S3 delivers access logs to SSE-S3 buckets only\) \(got aws:kms\)/);
      const [logs, logsEncryption] = bucket("access-logs", "AES256");
      assert.deepEqual(run(s3Encryption, [history, historyEncryption, logs, logsEncryption, logging(history, logs)]).violations, []);
    });

    it("still fails SSE-S3 on a bucket that is no log target", () => {
      const [history, historyEncryption] = bucket("history", "AES256");
      assert.match(messages(run(s3Encryption, [history, historyEncryption]))[0], /history encryption must use aws:kms or aws:kms:dsse \(got AES256\)/);
    });
  });
});
