/**
 * The stack fixture that selects all four pipelines synthesizes under mocks
 * through the real program (provider, core, budget, registry), and every
 * resource of the kinds the guardrails care about carries its bound.
 */
import * as assert from "node:assert/strict";
import { loadEngines } from "../../../platform/engines";
import { planStack } from "../../../platform/plan";
import { synthesizeStack, SynthResult } from "../../../platform/synth";
import { BATCH_ETL_METADATA } from "../../../components/BatchEtlPipeline";
import { DATALAKE_METADATA } from "../../../components/DataLakePipeline";
import { STREAMING_WAREHOUSE_METADATA } from "../../../components/StreamingWarehousePipeline";
import { fixtureEnv, ofType } from "./helpers";

describe("stack fixture selecting all four pipelines", () => {
  const env = fixtureEnv("Pulumi.all.yaml");
  let synth: SynthResult;
  before(async () => {
    synth = await synthesizeStack(env);
  });

  it("selects and declares the four pipeline components", () => {
    assert.deepEqual(env.pipelines, ["realtime", "datalake", "streaming-warehouse", "batch-etl"]);
    for (const type of ["platform:pipelines:Realtime", "platform:pipelines:DataLake", "platform:pipelines:StreamingWarehouse", "platform:pipelines:BatchEtl"]) {
      assert.equal(ofType(synth.resources, type).length, 1, type);
    }
    for (const key of ["datalake.athenaWorkgroup", "streaming-warehouse.deliveryStream", "batch-etl.stateMachineArn", "realtime.streamName"]) {
      assert.ok(key in synth.outputs, `missing output ${key}`);
    }
  });

  it("builds every resource type the stage metadata claims, under the claiming component", () => {
    for (const [m, type] of [[DATALAKE_METADATA, "platform:pipelines:DataLake"], [STREAMING_WAREHOUSE_METADATA, "platform:pipelines:StreamingWarehouse"], [BATCH_ETL_METADATA, "platform:pipelines:BatchEtl"]] as const) {
      const component = ofType(synth.resources, type)[0];
      const byUrn = new Map(synth.resources.map((r) => [r.urn, r] as const));
      const descends = (urn: string | undefined): boolean => urn !== undefined && (urn === component.urn || descends(byUrn.get(urn)?.parent));
      const types = new Set(synth.resources.filter((r) => descends(r.parent)).map((r) => r.type));
      for (const stage of m.stages) for (const t of stage.resourceTypes) assert.ok(types.has(t), `${m.kind} ${stage.stage} claims ${t}, which it does not build`);
    }
  });

  it("never collides: every URN is unique", () => {
    const urns = synth.resources.map((r) => r.urn);
    assert.equal(new Set(urns).size, urns.length);
  });

  it("bounds every Glue job by limits.glue", () => {
    const jobs = ofType(synth.resources, "aws:glue/job:Job");
    assert.ok(jobs.length >= 4);
    for (const j of jobs) {
      assert.equal(j.inputs["workerType"], env.limits.glue.workerType, j.name);
      assert.ok((j.inputs["numberOfWorkers"] as number) <= env.limits.glue.maxWorkers, j.name);
      assert.ok((j.inputs["timeout"] as number) <= env.limits.glue.timeoutMinutes, j.name);
      assert.deepEqual(j.inputs["executionProperty"], { maxConcurrentRuns: 1 }, j.name);
    }
  });

  it("bounds every Redshift Serverless workgroup in RPUs and monthly RPU-hours", () => {
    const workgroups = ofType(synth.resources, "aws:redshiftserverless/workgroup:Workgroup");
    const limits = ofType(synth.resources, "aws:redshiftserverless/usageLimit:UsageLimit");
    assert.equal(workgroups.length, 2);
    assert.equal(limits.length, workgroups.length);
    for (const wg of workgroups) {
      assert.equal(wg.inputs["baseCapacity"], env.limits.redshift.baseRpu);
      assert.equal(wg.inputs["maxCapacity"], env.limits.redshift.maxRpu);
    }
    for (const l of limits) {
      assert.equal(l.inputs["amount"], env.limits.redshift.monthlyRpuHours);
      assert.equal(l.inputs["period"], "monthly");
      assert.equal(l.inputs["breachAction"], "emit-metric");
    }
  });

  it("enforces the bytes-scanned cutoff on every Athena workgroup", () => {
    const wgs = ofType(synth.resources, "aws:athena/workgroup:Workgroup");
    assert.equal(wgs.length, 2);
    for (const wg of wgs) {
      const c = wg.inputs["configuration"] as { enforceWorkgroupConfiguration: boolean; bytesScannedCutoffPerQuery: number };
      assert.equal(c.enforceWorkgroupConfiguration, true);
      assert.equal(c.bytesScannedCutoffPerQuery, env.limits.athena.bytesScannedCutoffPerQueryMb * 1024 * 1024);
    }
  });

  it("keeps every log group for a bounded time, encrypted", () => {
    for (const lg of ofType(synth.resources, "aws:cloudwatch/logGroup:LogGroup")) {
      assert.ok(typeof lg.inputs["retentionInDays"] === "number", `${lg.name} has no retention`);
      assert.ok(lg.inputs["kmsKeyId"], `${lg.name} is not encrypted`);
    }
  });

  it("encrypts every bucket, state machine, delivery stream and warehouse", () => {
    assert.equal(
      ofType(synth.resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").length,
      ofType(synth.resources, "aws:s3/bucket:Bucket").length,
    );
    for (const sm of ofType(synth.resources, "aws:sfn/stateMachine:StateMachine")) {
      assert.equal((sm.inputs["encryptionConfiguration"] as { type: string }).type, "CUSTOMER_MANAGED_KMS_KEY");
    }
    for (const ns of ofType(synth.resources, "aws:redshiftserverless/namespace:Namespace")) {
      assert.match(ns.inputs["kmsKeyId"] as string, /^arn:aws:kms:/);
      assert.equal(ns.inputs["manageAdminPassword"], true);
    }
    // Every delivery stream reads an encrypted Kinesis stream (Firehose's own SSE is for Direct PUT).
    for (const d of ofType(synth.resources, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) {
      const source = ofType(synth.resources, "aws:kinesis/stream:Stream").find((s) => d.dependencies.includes(s.urn));
      assert.equal(source?.inputs["encryptionType"], "KMS", d.name);
    }
  });

  it("passes the offline policy pack under its stack file's guardrails (production tier), except the ceiling rule naming each unbounded part", async () => {
    const engines = loadEngines();
    assert.ok(engines.policy, "the policy pack is available offline");
    const policyConfig = engines.policy.guardrailsOfEnvironment(env).config;
    const plan = await planStack({ stack: env.stack, region: env.awsRegion, resources: synth.resources, workload: env.workload, limits: env.limits, policyConfig, budgetFallbackUsd: env.budget.monthlyUsd }, engines);
    const mandatory = plan.policy.violations.filter((v) => v.level === "mandatory");
    // The landing zones are bounded by their upload gates and the crawler is gone; P2's Firehose reads its
    // bounded event stream. Only what the fixture's on-demand streams feed (priced at maxWriteMBps, an alarm
    // threshold) is named by the ceiling rule.
    assert.deepEqual([...new Set(mandatory.map((v) => v.policy))], ["budget-ceiling-cost"]);
    for (const v of mandatory) assert.match(v.message, /^Guaranteed ceiling must be bounded: .*(follows on-demand stream|on-demand)/);
    const unbounded = mandatory.map((v) => v.message).join("\n");
    for (const part of ["realtime-history-delivery", "warehouse-events"]) assert.ok(unbounded.includes(`ceiling of ${part} `), part);
    for (const part of ["datalake-raw", "batch-raw", "datalake-curated", "batch-raw-to-transformed", "batch-file-check-logs"]) assert.ok(!unbounded.includes(`ceiling of ${part} `), part);
    const items = new Map(plan.cost.items.map((i) => [i.name, i]));
    for (const part of ["datalake-raw", "batch-raw", "datalake-curated", "batch-transformed", "batch-file-check-logs"]) {
      // Enforced: by the gate's settings, or by the brake where it covers the part and binds first.
      assert.ok(["aws-setting", "brake"].includes(items.get(part)?.ceilingEnforcement ?? "none"), part);
    }
    assert.match(items.get("datalake-raw")!.ceilingBound, /upload gate datalake-upload-gate's daily slots/);
  });

  it("creates no NAT gateway", () => {
    for (const vpc of ofType(synth.resources, "awsx:ec2:Vpc")) assert.deepEqual(vpc.inputs["natGateways"], { strategy: "None" });
  });
});
