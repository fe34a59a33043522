/**
 * The quota data the enforced ceilings rely on: every entry sourced and dated,
 * every priced region complete, a missing region an error (never a fallback).
 */
import { strict as assert } from "node:assert";
import { PRICED_REGIONS } from "../../cost";
import { QuotaMissingError, budgetsDelayHours, quota, quotaEntry, quotaKeys } from "../../cost/quotas";

describe("cost: documented default quotas", () => {
  it("every priced region resolves the same quota keys, each with a value, unit, AWS source and date", () => {
    const keys = quotaKeys("eu-west-3");
    for (const region of PRICED_REGIONS) {
      assert.deepEqual(quotaKeys(region), keys, region);
      for (const k of keys) {
        const e = quotaEntry(region, k);
        assert.ok(Number.isFinite(e.value) && e.value > 0, `${region} ${k} value`);
        assert.ok(e.unit.length > 0, `${region} ${k} unit`);
        assert.match(e.source, /^https:\/\/docs\.aws\.amazon\.com\//, `${region} ${k} source`);
        assert.match(e.asOf, /^\d{4}-\d{2}-\d{2}$/, `${region} ${k} asOf`);
      }
    }
  });

  it("holds the regional on-demand Kinesis maximum and Direct PUT quotas the issue names", () => {
    assert.equal(quota("eu-west-3", "kinesis.onDemand.maxWriteMiBps"), 200);
    assert.equal(quota("us-east-1", "kinesis.onDemand.maxWriteMiBps"), 10240);
    assert.equal(quota("eu-west-3", "firehose.directPut.recordsPerSecond"), 100000);
    assert.equal(quota("eu-west-1", "firehose.directPut.MiBps"), 5);
  });

  it("a quota missing for the stack's region is a one-line QuotaMissingError with exit code 2", () => {
    assert.throws(
      () => quota("ap-south-2", "kinesis.onDemand.maxWriteMiBps"),
      (e: unknown) => e instanceof QuotaMissingError && e.exitCode === 2 && !e.message.includes("\n") && e.message.startsWith("cost/quotas/quotas.json: quota kinesis.onDemand.maxWriteMiBps is missing for region ap-south-2"),
    );
  });

  it("the brake's delay is AWS Budgets' documented cadence: daily billing data plus up to 12 h to the next evaluation", () => {
    assert.equal(budgetsDelayHours("eu-west-3"), 36);
  });
});
