import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import aslValidator from "asl-validator";
import { synthesizeStack, SynthResult } from "../../../platform/synth";
import { BATCH_ETL_METADATA, BatchEtlPipeline, BatchEtlPipelineArgs, JdbcSource, resolveBatchEtlSettings } from "../../../components/BatchEtlPipeline";
import { KPI_COLUMNS, KPI_DASHBOARD_SQL, copyParquetSql, createKpiStagingSql, createKpiTableSql, loadStatements } from "../../../components/batchetl/sql";
import { BatchEtlDefinitionParams, batchEtlDefinition } from "../../../components/batchetl/stateMachine";
import { STAGE_KINDS } from "../../../components/stages";
import { Environment } from "../../../environments";
import {
  REPO_ROOT,
  assertLeastPrivilege,
  assertParentedUnder,
  byName,
  one,
  ofType,
  onePipeline,
  parseSql,
  pyCompile,
  resourcesOf,
  rolePolicy,
  stackEnv,
  statement,
} from "./helpers";

const SCRIPTS = path.join(REPO_ROOT, "components", "batchetl", "scripts");
const ROLE = "arn:aws:iam::123456789012:role/batch-copy-role";

function argsFor(stack: "dev" | "prod"): BatchEtlPipelineArgs {
  return { ...stackEnv(stack), kmsKeyArn: "k", alertTopicArn: "t", accessLogBucket: "access-logs" };
}

const SOURCE: JdbcSource = {
  name: "orders-db",
  engine: "postgresql",
  jdbcUrl: "jdbc:postgresql://orders.internal:5432/shop",
  secretArn: "arn:aws:secretsmanager:eu-west-3:123456789012:secret:orders-db-AbCdEf",
  subnetId: "subnet-0abc",
  availabilityZone: "eu-west-3a",
  securityGroupIds: ["sg-0abc"],
};

const PARAMS: BatchEtlDefinitionParams = {
  rawBucket: "batch-raw-1",
  rawPrefix: "incoming/",
  transformJob: "batch-raw-to-transformed",
  qualityJob: "batch-quality-check",
  enrichJob: "batch-transformed-to-enriched",
  jobTimeoutMinutes: 30,
  workgroupName: "wg",
  database: "retail",
  secretArn: "arn:aws:secretsmanager:eu-west-3:123456789012:secret:redshift!wg-admin-AbCdEf",
  loadSqls: loadStatements("batch-enriched-1", ROLE),
  alertTopicArn: "arn:aws:sns:eu-west-3:123456789012:alerts",
};

type AslState = Record<string, unknown> & { Type: string; Resource?: string; Next?: string; Catch?: { Next: string }[] };

describe("BatchEtlPipeline (P3)", () => {
  describe("settings", () => {
    it("takes Glue bounds from limits and a nightly schedule", () => {
      const s = resolveBatchEtlSettings(argsFor("dev"));
      assert.deepEqual(s.glue, { workerType: "G.1X", numberOfWorkers: 2, timeoutMinutes: 30, runsPerDay: 1 });
      assert.equal(s.schedule, "cron(0 2 * * ? *)");
      assert.equal(s.scheduleState, "ENABLED");
      assert.equal(s.breachAction, "deactivate");
      assert.equal(resolveBatchEtlSettings(argsFor("prod")).breachAction, "emit-metric");
    });

    it("disables the schedule when runsPerDay is 0", () => {
      const a = argsFor("dev");
      assert.equal(resolveBatchEtlSettings({ ...a, limits: { ...a.limits, glue: { ...a.limits.glue, runsPerDay: 0 } } }).scheduleState, "DISABLED");
    });

    it("accepts a JDBC source that names a secret, and refuses credentials in config", () => {
      assert.equal(resolveBatchEtlSettings({ ...argsFor("dev"), sources: [SOURCE] }).sources.length, 1);
      assert.throws(() => resolveBatchEtlSettings({ ...argsFor("dev"), sources: [{ ...SOURCE, jdbcUrl: "jdbc:postgresql://h:5432/shop?user=a&password=b" }] }), /jdbcUrl must not carry credentials/);
      assert.throws(() => resolveBatchEtlSettings({ ...argsFor("dev"), sources: [{ ...SOURCE, secretArn: "hunter2" }] }), /secretArn must be a Secrets Manager secret ARN/);
      assert.throws(() => resolveBatchEtlSettings({ ...argsFor("dev"), sources: [{ ...SOURCE, engine: "mysql" }] }), /jdbcUrl must start with jdbc:mysql:\/\//);
      assert.throws(() => resolveBatchEtlSettings({ ...argsFor("dev"), sources: [SOURCE, SOURCE] }), /orders-db is repeated/);
    });

    it("bounds the file size the check accepts", () => {
      assert.equal(resolveBatchEtlSettings(argsFor("dev")).maxFileBytes, 512 * 1024 * 1024);
      assert.throws(() => resolveBatchEtlSettings({ ...argsFor("dev"), maxFileMb: 0 }), /maxFileMb must be a whole number from 1 to 5120/);
    });
  });

  describe("real checks", () => {
    for (const file of ["raw_to_transformed.py", "quality_check.py", "transformed_to_enriched.py"]) {
      it(`Glue script ${file} compiles with python3`, () => pyCompile(path.join(SCRIPTS, file)));
    }

    it("the enrichment job writes the KPI columns in the warehouse table's order (COPY Parquet maps by position)", () => {
      const text = fs.readFileSync(path.join(SCRIPTS, "transformed_to_enriched.py"), "utf8");
      const list = /KPI_COLUMNS = \[([^\]]+)\]/.exec(text)![1].match(/"([a-z_]+)"/g)!.map((x) => x.replaceAll('"', ""));
      assert.deepEqual(list, KPI_COLUMNS.map((c) => c.name));
    });

    it("ships Redshift DDL, load and dashboard SQL that parse as Redshift SQL", () => {
      for (const sql of [createKpiTableSql(), createKpiStagingSql(), KPI_DASHBOARD_SQL]) parseSql(sql, "redshift");
      const load = loadStatements("batch-enriched-1", ROLE);
      for (const sql of load.filter((x) => !x.startsWith("COPY "))) parseSql(sql, "redshift");
    });

    it("builds COPY (no parser has its grammar) from validated parts, exactly", () => {
      assert.equal(
        copyParquetSql("public.daily_kpis_staging", "s3://batch-enriched-1/daily_kpis/latest/", ROLE),
        "COPY public.daily_kpis_staging FROM 's3://batch-enriched-1/daily_kpis/latest/' IAM_ROLE 'arn:aws:iam::123456789012:role/batch-copy-role' FORMAT AS PARQUET",
      );
      assert.throws(() => copyParquetSql("public.x; DROP TABLE y", "s3://b-1/p/", ROLE), /COPY table must be schema\.table/);
      assert.throws(() => copyParquetSql("public.x", "s3://b-1/p' --/", ROLE), /COPY source must be an s3:\/\/ prefix/);
      assert.throws(() => copyParquetSql("public.x", "s3://b-1/p/", "role"), /COPY role must be an IAM role ARN/);
    });

    it("the state machine definition passes asl-validator", () => {
      const { isValid, errorsText } = aslValidator(batchEtlDefinition(PARAMS));
      assert.ok(isValid, errorsText("\n"));
    });
  });

  describe("state machine definition", () => {
    const def = batchEtlDefinition(PARAMS) as { StartAt: string; TimeoutSeconds: number; States: Record<string, AslState> };
    const st = def.States;

    it("runs check -> transform -> quality -> enrich -> load in order", () => {
      const order: string[] = [];
      let name: string | undefined = def.StartAt;
      while (name && order.length < 20) {
        order.push(name);
        const s: AslState = st[name];
        name = s.Type === "Choice" ? ((s["Choices"] as { Next: string }[])[0].Next) : s.Next;
        if (name === "WaitForLoad") break;
      }
      assert.deepEqual(order, ["CheckRawFiles", "AnyRawFiles", "Transform", "QualityCheck", "Enrich", "LoadWarehouse"]);
    });

    it("runs each Glue job as a .sync task with its name and a timeout above the job's", () => {
      for (const [state, job] of [["Transform", PARAMS.transformJob], ["QualityCheck", PARAMS.qualityJob], ["Enrich", PARAMS.enrichJob]] as const) {
        assert.equal(st[state].Resource, "arn:aws:states:::glue:startJobRun.sync");
        assert.equal((st[state]["Parameters"] as { JobName: string }).JobName, job);
        assert.equal(st[state]["TimeoutSeconds"], 30 * 60 + 300);
      }
    });

    it("loads Redshift through the Data API in one batch and polls it to the end", () => {
      assert.equal(st["LoadWarehouse"].Resource, "arn:aws:states:::aws-sdk:redshiftdata:batchExecuteStatement");
      const p = st["LoadWarehouse"]["Parameters"] as { Sqls: string[]; WorkgroupName: string; SecretArn: string };
      assert.deepEqual(p.Sqls, PARAMS.loadSqls);
      assert.equal(p.WorkgroupName, "wg");
      assert.equal(st["DescribeLoad"].Resource, "arn:aws:states:::aws-sdk:redshiftdata:describeStatement");
      assert.equal(st["LoadFinished"]["Default"], "WaitForLoad");
    });

    it("notifies SNS on every failure path, then fails", () => {
      for (const [name, s] of Object.entries(st)) {
        if (s.Type === "Task" && name !== "NotifyFailure") assert.equal(s.Catch?.[0]?.Next, "NotifyFailure", `${name} has no failure notification`);
      }
      assert.equal(st["NotifyFailure"].Resource, "arn:aws:states:::sns:publish");
      assert.equal((st["NotifyFailure"]["Parameters"] as { TopicArn: string }).TopicArn, PARAMS.alertTopicArn);
      assert.equal(st["NotifyFailure"].Next, "Failed");
      assert.equal(st["LoadFailed"].Next, "NotifyFailure");
    });

    it("bounds the whole execution", () => {
      assert.equal(def.TimeoutSeconds, 3 * (30 * 60 + 300) + 3600 + 600);
    });
  });

  it("declares metadata for the five stages", () => {
    assert.deepEqual(BATCH_ETL_METADATA.stages.map((s) => s.stage), [...STAGE_KINDS]);
    assert.equal(BATCH_ETL_METADATA.latencyClass, "batch");
  });

  for (const stack of ["dev", "prod"] as const) {
    describe(`synthesized alone for ${stack}`, () => {
      let synth: SynthResult;
      const env = stackEnv(stack);
      before(async () => {
        synth = await synthesizeStack(env, onePipeline("batch-etl"));
      });

      it("children are parented to the component", () => {
        assertParentedUnder(synth.resources, "platform:pipelines:BatchEtl", "batch");
      });

      it("has RAW, TRANSFORMED and ENRICHED zones with per-zone retention", () => {
        const rules = (bucket: string) =>
          (byName(synth.resources, `${bucket}-lifecycle`).inputs["rules"] as { id: string; filter: { prefix: string }; expiration?: { days: number } }[]).filter((r) => r.expiration);
        const history = env.workload.historyRetentionDays;
        assert.deepEqual(rules("batch-raw").map((r) => [r.filter.prefix, r.expiration!.days]), [
          ["incoming/", Math.max(7, Math.min(history, 30))],
          ["quarantine/", Math.max(14, Math.min(history, 90))],
          ["rejected/", Math.max(14, Math.min(history, 90))],
        ]);
        assert.equal(rules("batch-transformed")[0].expiration!.days, history);
        assert.equal(rules("batch-enriched")[0].expiration!.days, history);
      });

      it("triggers the file check on new incoming objects, with permission scoped to the raw bucket", () => {
        const n = one(synth.resources, "aws:s3/bucketNotification:BucketNotification");
        const fn = (n.inputs["lambdaFunctions"] as { events: string[]; filterPrefix: string; lambdaFunctionArn: string }[])[0];
        assert.deepEqual(fn.events, ["s3:ObjectCreated:*"]);
        assert.equal(fn.filterPrefix, "incoming/");
        assert.match(fn.lambdaFunctionArn, /function:batch-file-check/);
        const perm = byName(synth.resources, "batch-file-check-from-s3");
        assert.equal(perm.inputs["principal"], "s3.amazonaws.com");
        assert.match(perm.inputs["sourceArn"] as string, /^arn:aws:s3:::batch-raw-/);
        const lambda = byName(synth.resources, "batch-file-check");
        const vars = (lambda.inputs["environment"] as { variables: Record<string, string> }).variables;
        assert.equal(vars["MAX_FILE_BYTES"], String(512 * 1024 * 1024));
        assert.equal(vars["QUARANTINE_PREFIX"], "quarantine/");
        assert.equal(lambda.inputs["reservedConcurrentExecutions"], 5);
        const alarm = byName(synth.resources, "batch-file-check-errors");
        assert.equal(alarm.inputs["metricName"], "Errors");
        assert.match((alarm.inputs["alarmActions"] as string[])[0], /core-alerts/);
        const p = rolePolicy(synth.resources, "batch-file-check-policy");
        assert.match(resourcesOf(statement(p, "Quarantine"))[0], /^arn:aws:s3:::batch-raw-[0-9a-f]+\/quarantine\/\*$/);
      });

      it("bounds all three Glue jobs by limits.glue", () => {
        const jobs = ofType(synth.resources, "aws:glue/job:Job");
        assert.deepEqual(jobs.map((j) => j.name).sort(), ["batch-quality-check", "batch-raw-to-transformed", "batch-transformed-to-enriched"]);
        for (const j of jobs) {
          assert.equal(j.inputs["workerType"], env.limits.glue.workerType);
          assert.equal(j.inputs["numberOfWorkers"], env.limits.glue.maxWorkers);
          assert.equal(j.inputs["timeout"], env.limits.glue.timeoutMinutes);
          assert.equal(j.inputs["maxRetries"], 0);
          assert.ok(j.inputs["securityConfiguration"]);
        }
        assert.equal(ofType(synth.resources, "aws:s3/bucketObjectv2:BucketObjectv2").length, 3);
      });

      it("orchestrates with an encrypted state machine whose definition validates", () => {
        const sm = one(synth.resources, "aws:sfn/stateMachine:StateMachine");
        const def = JSON.parse(sm.inputs["definition"] as string) as { States: Record<string, AslState> };
        const { isValid, errorsText } = aslValidator(def);
        assert.ok(isValid, errorsText("\n"));
        assert.match((def.States["Transform"]["Parameters"] as { JobName: string }).JobName, /^batch-raw-to-transformed/);
        const sqls = (def.States["LoadWarehouse"]["Parameters"] as { Sqls: string[] }).Sqls;
        assert.match(sqls[1], /^COPY public\.daily_kpis_staging FROM 's3:\/\/batch-enriched-[0-9a-f]+\/daily_kpis\/latest\/' IAM_ROLE 'arn:aws:iam::\d{12}:role\/batch-copy-role-[0-9a-f]+' FORMAT AS PARQUET$/);
        assert.deepEqual(sm.inputs["encryptionConfiguration"], { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: (sm.inputs["encryptionConfiguration"] as { kmsKeyId: string }).kmsKeyId, kmsDataKeyReusePeriodSeconds: 300 });
        // No log delivery (it needs logs:*LogDelivery on "*"): execution history and SNS instead.
        assert.equal(sm.inputs["loggingConfiguration"], undefined);
      });

      it("runs nightly from EventBridge Scheduler with a role that may only start this state machine", () => {
        const sched = one(synth.resources, "aws:scheduler/schedule:Schedule");
        assert.equal(sched.inputs["scheduleExpression"], "cron(0 2 * * ? *)");
        assert.equal(sched.inputs["state"], "ENABLED");
        assert.match((sched.inputs["target"] as { arn: string }).arn, /^arn:aws:states:.*stateMachine:batch-orchestration/);
        const p = rolePolicy(synth.resources, "batch-schedule-policy");
        assert.deepEqual(statement(p, "StartRun").Action, ["states:StartExecution"]);
      });

      it("alerts the platform topic on failed executions and failed Glue runs", () => {
        const rule = byName(synth.resources, "batch-orchestration-failures");
        const pattern = JSON.parse(rule.inputs["eventPattern"] as string) as { detail: { status: string[] } };
        assert.deepEqual(pattern.detail.status, ["FAILED", "TIMED_OUT", "ABORTED"]);
        assert.match(byName(synth.resources, "batch-orchestration-failures-topic").inputs["arn"] as string, /core-alerts/);
        assert.ok(byName(synth.resources, "batch-glue-failures"));
      });

      it("keeps a private, bounded warehouse with the environment's breach action", () => {
        const wg = one(synth.resources, "aws:redshiftserverless/workgroup:Workgroup");
        assert.equal(wg.inputs["publiclyAccessible"], false);
        assert.equal(wg.inputs["enhancedVpcRouting"], false, "isolated subnets have no route to S3 for COPY");
        assert.equal(wg.inputs["baseCapacity"], env.limits.redshift.baseRpu);
        assert.equal(wg.inputs["maxCapacity"], env.limits.redshift.maxRpu);
        assert.ok((wg.inputs["subnetIds"] as string[]).every((id) => id.startsWith("subnet-isolated-")));
        const vpc = one(synth.resources, "awsx:ec2:Vpc");
        assert.deepEqual(vpc.inputs["natGateways"], { strategy: "None" });
        assert.deepEqual((vpc.inputs["subnetSpecs"] as { type: string }[]).map((x) => x.type), ["Isolated"]);
        const limit = one(synth.resources, "aws:redshiftserverless/usageLimit:UsageLimit");
        assert.equal(limit.inputs["breachAction"], stack === "dev" ? "deactivate" : "emit-metric");
        const ns = one(synth.resources, "aws:redshiftserverless/namespace:Namespace");
        assert.equal(ns.inputs["manageAdminPassword"], true);
        assert.match((ns.inputs["iamRoles"] as string[])[0], /role\/batch-copy-role/);
        const statements = ofType(synth.resources, "aws:redshiftdata/statement:Statement").map((s) => s.inputs["sql"]);
        assert.deepEqual(statements.sort(), [createKpiStagingSql(), createKpiTableSql()].sort());
      });

      it("grants least privilege to the orchestrator, the jobs and COPY", () => {
        assertLeastPrivilege(synth.resources, "batch-", [
          "cloudwatch:PutMetricData",
          "glue:GetSecurityConfiguration",
          "redshift-data:DescribeStatement",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeNetworkInterfaces",
        ]);
        const sfn = rolePolicy(synth.resources, "batch-orchestration-policy");
        assert.equal(resourcesOf(statement(sfn, "RunJobs")).length, 3);
        assert.ok(resourcesOf(statement(sfn, "RunJobs")).every((r) => /^arn:aws:glue:eu-west-3:\d+:job\/batch-/.test(r)));
        // Any session of the orchestration role (test/iam/simulate.test.ts proves it against AWS's evaluation).
        assert.match((statement(sfn, "FollowOwnStatements").Condition as { StringLike: Record<string, string> }).StringLike["redshift-data:statement-owner-iam-userid"], /^AROA[0-9A-Z]{17}:\*$/);
        const copy = rolePolicy(synth.resources, "batch-copy-policy");
        assert.match(resourcesOf(statement(copy, "ReadLatestKpis"))[0], /batch-enriched-[0-9a-f]+\/daily_kpis\/latest\/\*$/);
        const enrich = rolePolicy(synth.resources, "batch-transformed-to-enriched-role-policy");
        assert.ok(!enrich.some((s) => resourcesOf(s).some((r) => r.includes("batch-raw-"))), "enrichment never touches RAW");
      });

      it(stack === "prod" ? "adds QuickSight on the KPIs" : "leaves QuickSight out when disabled", () => {
        const sets = ofType(synth.resources, "aws:quicksight/dataSet:DataSet");
        assert.equal(sets.length, env.quicksight.enabled ? 1 : 0);
      });
    });
  }

  describe("with a JDBC source", () => {
    let synth: SynthResult;
    before(async () => {
      // The component directly: stack config has no key for sources yet.
      synth = await synthesizeStack(stackEnv("dev"), (e: Environment) => {
        const provider = new aws.Provider("aws", { region: e.awsRegion as aws.Region });
        const p = new BatchEtlPipeline("batch", { ...e, kmsKeyArn: "arn:aws:kms:eu-west-3:123456789012:key/k", alertTopicArn: "arn:aws:sns:eu-west-3:123456789012:alerts", accessLogBucket: "access-logs", sources: [SOURCE] }, { providers: { aws: provider } });
        return { stateMachineArn: p.stateMachineArn };
      });
    });

    it("describes the source as a Glue JDBC connection attached to the transform job, its secret readable by that job only", () => {
      const c = one(synth.resources, "aws:glue/connection:Connection");
      assert.equal(c.inputs["connectionType"], "JDBC");
      // The provider marks connectionProperties secret, so the mock sees "[secret]": the values are checked in resolveBatchEtlSettings.
      assert.deepEqual(c.inputs["physicalConnectionRequirements"], { subnetId: "subnet-0abc", availabilityZone: "eu-west-3a", securityGroupIdLists: ["sg-0abc"] });
      const transform = byName(synth.resources, "batch-raw-to-transformed");
      assert.equal((transform.inputs["connections"] as string[]).length, 1);
      assert.match((transform.inputs["connections"] as string[])[0], /^batch-source-orders-db-/);
      assert.deepEqual(resourcesOf(statement(rolePolicy(synth.resources, "batch-raw-to-transformed-role-policy"), "ReadSourceSecrets")), [SOURCE.secretArn]);
      for (const other of ["batch-quality-check-role-policy", "batch-transformed-to-enriched-role-policy"]) {
        assert.ok(!rolePolicy(synth.resources, other).some((x) => x.Sid === "ReadSourceSecrets"), other);
      }
    });
  });
});
