/**
 * Server access logs, priced: the log bucket of each synthesized stack
 * stores a record per request to the buckets that log to it, and pays no
 * requests for them (S3 delivers access logs free of request charges,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html).
 * The bounds follow the logged buckets': a log of the gated landing zones is
 * bounded as their uploads are (test/cost/derive.test.ts keeps an ungated
 * zone unbounded).
 */
import { strict as assert } from "node:assert";
import { ResourceGraph, deriveUsage } from "../../cost";
import type { Derived } from "../../cost/usage/derived";
import { one } from "../helpers/stacks";
import { StackName, synthesizedStack } from "../iam/helpers";

async function logBucketUsage(stack: StackName): Promise<{ derived: Derived; logged: number }> {
  const { env, resources } = await synthesizedStack(stack);
  const usage = deriveUsage(new ResourceGraph(resources), { workload: env.workload, limits: env.limits, region: env.awsRegion });
  const logBucket = one(resources, "aws:s3/bucket:Bucket", "core-access-logs");
  return { derived: usage.get(logBucket.urn)!, logged: resources.filter((r) => r.type === "aws:s3/bucketLogging:BucketLogging").length };
}

describe("cost of server access logs", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: the log bucket stores the logged buckets' requests, bounded as they are, and pays no request`, async () => {
      const { derived, logged } = await logBucketUsage(stack);
      assert.ok(logged >= 3, `${logged} buckets log to it`);
      assert.ok("usage" in derived.ceiling, "the ceiling is bounded: every logged bucket's writes are");
      const expected = derived.expected;
      const ceiling = derived.ceiling.usage;
      assert.ok((expected["standard.storage_gb"] ?? 0) > 0, "log records take storage");
      assert.ok((ceiling["standard.storage_gb"] ?? 0) > (expected["standard.storage_gb"] ?? 0));
      assert.equal(expected["standard.monthly_tier_1_requests"], 0, "log delivery is not billed as PUT requests");
    });
  }

  it("all pipelines: the log of the gated landing zones is bounded as their uploads are", async () => {
    const { derived } = await logBucketUsage("all");
    assert.ok("usage" in derived.ceiling, `bounded: ${"unbounded" in derived.ceiling ? derived.ceiling.unbounded : ""}`);
  });
});
