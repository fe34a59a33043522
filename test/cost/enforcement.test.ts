/**
 * Enforced ceilings on this repository's stacks: every priced part says how
 * its ceiling is enforced, dev's guaranteed ceiling fits its budget, prod's fits
 * its budget x 6, and an on-demand stream is priced at the region's documented
 * maximum (the quota), never at an alarm threshold.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { CEILING_ENFORCEMENTS, estimateStack } from "../../cost";
import { capacityAtPeak } from "../../cost/capacity";
import { Environment, loadStackFile } from "../../environments";
import { StackResource } from "../../model/resources";
import { synthesizeStack } from "../../platform/synth";

const ROOT = path.resolve(__dirname, "..", "..");

describe("cost: enforced ceilings", function () {
  this.timeout(120_000);
  const stacks: Record<string, { env: Environment; resources: StackResource[] }> = {};
  before(async () => {
    for (const name of ["dev", "prod"]) {
      const env = loadStackFile(path.join(ROOT, `Pulumi.${name}.yaml`), "retail-data-platform");
      stacks[name] = { env, resources: (await synthesizeStack(env)).resources };
    }
  });
  const cost = (name: string) => {
    const { env, resources } = stacks[name];
    return estimateStack(resources, { region: env.awsRegion, workload: env.workload, limits: env.limits });
  };

  it("every priced part of dev and prod has a ceilingEnforcement and a bound; the stacks a numeric guaranteed ceiling", () => {
    for (const name of ["dev", "prod"]) {
      const c = cost(name);
      assert.equal(typeof c.guaranteedCeilingMonthlyUsd, "number", name);
      for (const i of c.items) {
        assert.ok((CEILING_ENFORCEMENTS as readonly (string | null)[]).includes(i.ceilingEnforcement), `${name} ${i.name}: ${i.ceilingEnforcement} (${i.ceilingBound})`);
        assert.ok(i.ceilingBound.length > 0, `${name} ${i.name}`);
        assert.equal(typeof i.guaranteedCeilingMonthlyUsd, "number", `${name} ${i.name}`);
      }
    }
  });

  it("dev's guaranteed ceiling is at most dev's budget; prod's at most its budget x 6", () => {
    assert.ok(cost("dev").guaranteedCeilingMonthlyUsd! <= stacks["dev"].env.budget.monthlyUsd, String(cost("dev").guaranteedCeilingMonthlyUsd));
    assert.ok(cost("prod").guaranteedCeilingMonthlyUsd! <= stacks["prod"].env.budget.monthlyUsd * 6, String(cost("prod").guaranteedCeilingMonthlyUsd));
  });

  it("the brake's worst case runs for AWS Budgets' documented 36 h at the highest ACTUAL stage's share", () => {
    const b = cost("dev").brake!;
    assert.equal(b.delayHours, 36);
    assert.equal(b.thresholdPercent, 40);
    assert.equal(b.shareUsd, 60);
    assert.ok(b.tighter);
    assert.ok(b.covered.includes("realtime-history-delivery") && b.covered.includes("realtime-analytics"), b.covered.join());
  });

  it("fixed-price parts are fixed; the provisioned stream, reserved concurrency and onDemandThroughput are AWS settings in prod", () => {
    const byName = new Map(cost("prod").items.map((i) => [i.name, i]));
    assert.equal(byName.get("realtime-live")!.ceilingEnforcement, "fixed");
    assert.equal(byName.get("budget-monthly")!.ceilingEnforcement, "fixed");
    assert.equal(byName.get("realtime-transactions")!.ceilingEnforcement, "aws-setting");
    assert.equal(byName.get("realtime-processor")!.ceilingEnforcement, "aws-setting");
    assert.match(byName.get("realtime-aggregates")!.ceilingBound, /^onDemandThroughput maxima 1000 WRU\/s, 500 RRU\/s$/);
    // Athena's query count is the workload's figure: only the brake bounds it.
    assert.equal(byName.get("realtime-analytics")!.ceilingEnforcement, "brake");
  });

  it("an on-demand stream is priced at the region's documented maximum (a quota), and what it feeds is not enforced", () => {
    const { env } = stacks["prod"];
    const onDemand: Environment = { ...env, limits: { ...env.limits, kinesis: { mode: "on-demand", maxWriteMBps: 4 } } };
    return synthesizeStack(onDemand).then(({ resources }) => {
      const c = estimateStack(resources, { region: env.awsRegion, workload: env.workload, limits: onDemand.limits });
      const stream = c.items.find((i) => i.name === "realtime-transactions")!;
      assert.equal(stream.ceilingEnforcement, "aws-quota");
      assert.match(stream.ceilingBound, /regional maximum of 200 MiB\/s/);
      assert.ok(stream.guaranteedCeilingMonthlyUsd! > 40 * stream.ceilingMonthlyUsd! * 0.5, `${stream.guaranteedCeilingMonthlyUsd} vs ${stream.ceilingMonthlyUsd}`);
      const firehose = c.items.find((i) => i.name === "realtime-history-delivery")!;
      assert.equal(firehose.ceilingEnforcement, null);
      assert.equal(c.guaranteedCeilingMonthlyUsd, null);
    });
  });
});

describe("cost: enforced ceilings with every pipeline (prod's stack file selecting all four)", function () {
  this.timeout(180_000);
  let env: Environment;
  let resources: StackResource[];
  let items: Map<string, ReturnType<typeof estimateStack>["items"][number]>;
  before(async () => {
    const prod = loadStackFile(path.join(ROOT, "Pulumi.prod.yaml"), "retail-data-platform");
    env = { ...prod, pipelines: ["realtime", "datalake", "streaming-warehouse", "batch-etl"] };
    resources = (await synthesizeStack(env)).resources;
    items = new Map(estimateStack(resources, { region: env.awsRegion, workload: env.workload, limits: env.limits }).items.map((i) => [i.name, i]));
  });

  it("P2's Firehose reads its event stream, so it and what it feeds are bounded by the stream's maximum shards, not Direct PUT's quota", () => {
    const hose = items.get("warehouse-events")!;
    assert.equal(hose.ceilingEnforcement, "aws-setting", hose.ceilingBound);
    assert.match(hose.ceilingBound, /warehouse-event-stream/);
    // Kinesis: 1,000 records/s per shard (900-byte records stay under 1 MiB/s); Firehose bills each record in 5 KB steps (both published).
    const records = env.limits.kinesis.mode === "provisioned" ? env.limits.kinesis.maxShards * 1000 * 30.4167 * 86_400 : NaN;
    const billedGb = hose.ceiling.find((l) => /ingest/i.test(l.component))?.quantity ?? 0;
    assert.ok(Math.abs(billedGb - (records * 5 * 1024) / 1024 ** 3) / billedGb < 0.01, `${billedGb} GB`);
    assert.equal(items.get("warehouse-event-stream")!.ceilingEnforcement, "aws-setting");
    for (const part of ["warehouse-staging", "warehouse-delivery-logs"]) assert.equal(items.get(part)!.ceilingEnforcement, "aws-setting", `${part}: ${items.get(part)!.ceilingBound}`);
  });

  it("the event stream carries prod's declared peak (Paris' Direct PUT quota, 1,165 records/s of 900 B, could not)", () => {
    const bound = capacityAtPeak(resources, env.awsRegion, env.workload).find((b) => b.name === "warehouse-event-stream")!;
    assert.equal(bound.needed, env.workload.peakTps);
    assert.ok(bound.headroom >= 1, `${bound.capacity} for ${bound.needed}`);
    assert.equal(capacityAtPeak(resources, env.awsRegion, env.workload).filter((b) => b.name === "warehouse-events").length, 0, "Firehose reads at the stream's pace");
  });

  it("P3's Glue jobs are bounded by the nightly schedule that starts their state machine", () => {
    for (const job of ["batch-raw-to-transformed", "batch-quality-check", "batch-transformed-to-enriched"]) {
      assert.notEqual(items.get(job)!.ceilingEnforcement, null, `${job}: ${items.get(job)!.ceilingBound}`);
    }
  });
});
