import * as assert from "node:assert/strict";
import * as path from "node:path";
import { synthesizeStack, SynthResult } from "../../../platform/synth";
import { DATALAKE_METADATA, resolveDataLakeSettings, DataLakePipelineArgs } from "../../../components/DataLakePipeline";
import { CURATED_COLUMNS, LAKE_QUERIES, renderLakeQuery } from "../../../components/datalake/curated";
import { glueFailurePattern, glueScheduleExpression, runsPerDayOf } from "../../../components/shared/glue";
import { STAGE_KINDS } from "../../../components/stages";
import * as fs from "node:fs";
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

const SCRIPT = path.join(REPO_ROOT, "components", "datalake", "scripts", "raw_to_curated.py");

function argsFor(stack: "dev" | "prod"): DataLakePipelineArgs {
  const env = stackEnv(stack);
  return { ...env, kmsKeyArn: "k", alertTopicArn: "t", accessLogBucket: "access-logs", catalogPrefix: "retail_data_platform_dev" };
}

describe("DataLakePipeline (P1)", () => {
  describe("resolveDataLakeSettings", () => {
    it("takes Glue bounds and the Athena cutoff from limits", () => {
      const s = resolveDataLakeSettings(argsFor("prod"));
      assert.deepEqual(s.glue, { workerType: "G.1X", numberOfWorkers: 10, timeoutMinutes: 60, runsPerDay: 2 });
      assert.equal(s.schedule, "cron(0 2/12 * * ? *)");
      assert.equal(s.bytesScannedCutoffPerQuery, 10240 * 1024 * 1024);
      assert.equal(s.curatedRetentionDays, 730);
      assert.equal(s.rawRetentionDays, 90);
      assert.equal(s.databaseName, "retail_data_platform_dev_lake");
    });

    it("rejects a streaming-only worker type, naming the field", () => {
      const a = argsFor("dev");
      assert.throws(() => resolveDataLakeSettings({ ...a, limits: { ...a.limits, glue: { ...a.limits.glue, workerType: "G.025X" } } }), /limits\.glue\.workerType G\.025X/);
    });

    it("rejects QuickSight without a principal", () => {
      assert.throws(() => resolveDataLakeSettings({ ...argsFor("dev"), quicksight: { enabled: true, namespace: "default", refreshIntervalHours: 24 } }), /quicksight\.groupName is required/);
    });

    it("rejects a malformed projection start date", () => {
      assert.throws(() => resolveDataLakeSettings({ ...argsFor("dev"), projectionStartDate: "2025/01/01" }), /projectionStartDate must be yyyy-MM-dd/);
    });
  });

  describe("glue schedule", () => {
    it("never runs more often than runsPerDay", () => {
      for (let runs = 1; runs <= 96; runs++) {
        const expr = glueScheduleExpression(runs)!;
        const actual = runsPerDayOf(expr);
        assert.ok(actual <= runs && actual >= 1, `${runs}/day gave ${expr} (${actual}/day)`);
      }
      assert.equal(glueScheduleExpression(0), undefined);
      assert.equal(glueScheduleExpression(1), "cron(0 2 * * ? *)");
      assert.equal(glueScheduleExpression(24), "cron(0 0/1 * * ? *)");
    });

    it("alerts on failed jobs and crawlers in one pattern", () => {
      assert.deepEqual(glueFailurePattern(["j"], ["c"]), {
        source: ["aws.glue"],
        $or: [
          { "detail-type": ["Glue Job State Change"], detail: { jobName: ["j"], state: ["FAILED", "TIMEOUT", "ERROR"] } },
          { "detail-type": ["Glue Crawler State Change"], detail: { crawlerName: ["c"], state: ["Failed"] } },
        ],
      });
    });
  });

  describe("real checks", () => {
    it("ships a Glue script that compiles with python3", () => pyCompile(SCRIPT));

    it("writes every curated column the catalog declares", () => {
      const text = fs.readFileSync(SCRIPT, "utf8");
      for (const c of [...CURATED_COLUMNS.map((x) => x.name), "dt"]) assert.ok(text.includes(`"${c}"`), `script does not write ${c}`);
    });

    it("ships Athena queries that parse as Athena SQL", () => {
      for (const q of LAKE_QUERIES) parseSql(renderLakeQuery(q, "retail_data_platform_dev_lake", "sales"), "athena");
    });
  });

  it("declares metadata for the five stages", () => {
    assert.deepEqual(DATALAKE_METADATA.stages.map((s) => s.stage), [...STAGE_KINDS]);
    assert.equal(DATALAKE_METADATA.latencyClass, "batch");
    assert.equal(DATALAKE_METADATA.kind, "datalake");
  });

  for (const stack of ["dev", "prod"] as const) {
    describe(`synthesized alone for ${stack}`, () => {
      let synth: SynthResult;
      const env = stackEnv(stack);
      before(async () => {
        synth = await synthesizeStack(env, onePipeline("datalake"));
      });

      it("children are parented to the component", () => {
        one(synth.resources, "platform:pipelines:DataLake");
        assertParentedUnder(synth.resources, "platform:pipelines:DataLake", "datalake");
      });

      it("bounds the Glue job: workers, timeout, no retries, one run at a time", () => {
        const job = one(synth.resources, "aws:glue/job:Job");
        const glue = env.limits.glue;
        assert.equal(job.inputs["workerType"], glue.workerType);
        assert.equal(job.inputs["numberOfWorkers"], glue.maxWorkers);
        assert.equal(job.inputs["timeout"], glue.timeoutMinutes);
        assert.equal(job.inputs["maxRetries"], 0);
        assert.deepEqual(job.inputs["executionProperty"], { maxConcurrentRuns: 1 });
        assert.equal(job.inputs["glueVersion"], "5.0");
        assert.match((job.inputs["command"] as { scriptLocation: string }).scriptLocation, /^s3:\/\/datalake-artifacts-[0-9a-f]+\/scripts\/raw_to_curated\.py$/);
        assert.ok(job.inputs["securityConfiguration"]);
      });

      it("ships the script as an encrypted S3 object from the repo file", () => {
        const obj = one(synth.resources, "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.equal(obj.inputs["key"], "scripts/raw_to_curated.py");
        assert.equal(obj.inputs["serverSideEncryption"], "aws:kms");
        assert.equal((obj.inputs["source"] as { __pulumiAsset: boolean }).__pulumiAsset, true);
        assert.ok(fs.existsSync(SCRIPT));
      });

      it("encrypts Glue output, logs and bookmarks with the platform key", () => {
        const sec = one(synth.resources, "aws:glue/securityConfiguration:SecurityConfiguration");
        const enc = sec.inputs["encryptionConfiguration"] as Record<string, Record<string, string>>;
        assert.equal(enc["s3Encryption"]["s3EncryptionMode"], "SSE-KMS");
        assert.equal(enc["cloudwatchEncryption"]["cloudwatchEncryptionMode"], "SSE-KMS");
        assert.equal(enc["jobBookmarksEncryption"]["jobBookmarksEncryptionMode"], "CSE-KMS");
        const key = one(synth.resources, "aws:kms/key:Key");
        assert.ok(enc["s3Encryption"]["kmsKeyArn"].startsWith("arn:aws:kms:"), String(key.name));
      });

      it("points the Glue 5.0 job at its own encrypted log groups with the environment's retention", () => {
        // Glue 5.0 writes to <--custom-logGroup-prefix>/error and /output (docs: monitor-continuous-logging);
        // the Glue 4 flags would leave these groups empty and let Glue create /aws-glue/jobs/* without retention (issue 11, item 5).
        const job = one(synth.resources, "aws:glue/job:Job");
        assert.equal(job.inputs["glueVersion"], "5.0");
        const args = job.inputs["defaultArguments"] as Record<string, string>;
        assert.equal(args["--enable-continuous-cloudwatch-log"], undefined);
        assert.equal(args["--continuous-log-logGroup"], undefined);
        const prefix = args["--custom-logGroup-prefix"];
        assert.match(prefix, /^\/aws-glue\/[^:*]*$/, "under /aws-glue/ (the runtime grant) and within Glue's [^:*]* rule");
        assert.ok(prefix.length <= 400);
        for (const [name, suffix] of [["datalake-raw-to-curated-logs", "error"], ["datalake-raw-to-curated-output-logs", "output"]]) {
          const logs = byName(synth.resources, name);
          assert.equal(logs.inputs["name"], `${prefix}/${suffix}`);
          assert.equal(logs.inputs["retentionInDays"], env.operations.logRetentionDays);
          assert.match(logs.inputs["kmsKeyId"] as string, /^arn:aws:kms:/);
        }
      });

      it("runs the job on the bounded schedule, with no crawler", () => {
        assert.equal(ofType(synth.resources, "aws:glue/crawler:Crawler").length, 0, "a crawler run has no enforced time limit");
        const start = byName(synth.resources, "datalake-start");
        assert.equal(start.inputs["type"], "SCHEDULED");
        assert.equal(runsPerDayOf(start.inputs["schedule"] as string) <= env.limits.glue.runsPerDay, true);
        const actions = start.inputs["actions"] as { jobName: string; timeout: number }[];
        assert.equal(actions.length, 1);
        assert.match(actions[0].jobName, /^datalake-raw-to-curated/);
        assert.equal(actions[0].timeout, env.limits.glue.timeoutMinutes);
        assert.equal(ofType(synth.resources, "aws:glue/trigger:Trigger").length, 1);
      });

      it("defines the raw table the job reads: CSV columns as strings, header skipped, under the gate's prefix", () => {
        const raw = byName(synth.resources, "datalake-raw-table");
        assert.equal(raw.inputs["name"], "raw_sales");
        const p = raw.inputs["parameters"] as Record<string, string>;
        assert.equal(p["classification"], "csv");
        assert.equal(p["skip.header.line.count"], "1");
        const sd = raw.inputs["storageDescriptor"] as { location: string; columns: { name: string; type: string }[]; serDeInfo: { serializationLibrary: string } };
        assert.match(sd.location, /^s3:\/\/datalake-raw-[0-9a-f]+\/sales\/$/);
        assert.equal(sd.serDeInfo.serializationLibrary, "org.apache.hadoop.hive.serde2.OpenCSVSerde");
        // Every column the job's typed() reads, all strings (the script casts them).
        const script = fs.readFileSync(path.join(__dirname, "../../../components/datalake/scripts/raw_to_curated.py"), "utf8");
        const read = [...script.matchAll(/F\.col\("([a-z_]+)"\)/g)].map((m) => m[1]).filter((c) => !["line_amount", "dt", "rejection_reason"].includes(c));
        for (const c of new Set(read)) assert.ok(sd.columns.some((x) => x.name === c && x.type === "string"), c);
        const job = byName(synth.resources, "datalake-raw-to-curated");
        assert.equal((job.inputs["defaultArguments"] as Record<string, string>)["--SOURCE_TABLE"], "raw_sales");
      });

      it("puts an upload gate in front of the raw zone, and lets nothing else write its prefix", () => {
        const gate = byName(synth.resources, "datalake-upload-gate");
        const vars = (gate.inputs["environment"] as { variables: Record<string, string> }).variables;
        assert.equal(vars["LANDING_PREFIX"], "sales/");
        assert.equal(vars["MAX_FILES_PER_DAY"], String(env.uploads.maxFilesPerDay));
        assert.equal(vars["MAX_FILE_BYTES"], String(env.uploads.maxFileMb * 1024 * 1024));
        const policy = JSON.parse(byName(synth.resources, "datalake-raw-tls-only").inputs["policy"] as string) as { Statement: { Sid: string; Condition?: Record<string, Record<string, string>> }[] };
        const only = policy.Statement.find((x) => x.Sid === "DenyLandingUploadsButTheGate")!;
        assert.match(only.Condition!["ArnNotEquals"]["aws:PrincipalArn"], /^arn:aws:iam::\d{12}:role\/datalake-upload-gate-role/);
        assert.deepEqual(policy.Statement.find((x) => x.Sid === "DenyLandingOverwrites")!.Condition, { Null: { "s3:if-none-match": "true" } });
        const method = one(synth.resources, "aws:apigateway/method:Method");
        assert.equal(method.inputs["apiKeyRequired"], true);
        const plan = one(synth.resources, "aws:apigateway/usagePlan:UsagePlan");
        assert.equal((plan.inputs["quotaSettings"] as { period: string }).period, "DAY");
      });

      it("catalogues the curated zone by partition projection", () => {
        const table = byName(synth.resources, "datalake-curated-table");
        const p = table.inputs["parameters"] as Record<string, string>;
        assert.equal(p["projection.enabled"], "true");
        assert.equal(p["projection.dt.type"], "date");
        assert.match(p["storage.location.template"], /^s3:\/\/datalake-curated-[0-9a-f]+\/sales\/dt=\$\{dt\}\/$/);
      });

      it("enforces the Athena scan cutoff and encrypted results", () => {
        const wg = one(synth.resources, "aws:athena/workgroup:Workgroup");
        const c = wg.inputs["configuration"] as Record<string, unknown>;
        assert.equal(c["enforceWorkgroupConfiguration"], true);
        assert.equal(c["bytesScannedCutoffPerQuery"], env.limits.athena.bytesScannedCutoffPerQueryMb * 1024 * 1024);
        assert.equal((c["resultConfiguration"] as { encryptionConfiguration: { encryptionOption: string } }).encryptionConfiguration.encryptionOption, "SSE_KMS");
        assert.equal(ofType(synth.resources, "aws:athena/namedQuery:NamedQuery").length, LAKE_QUERIES.length);
      });

      it("expires every zone per retention", () => {
        const lifecycles = ofType(synth.resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        const rule = (bucket: string, id: string) => {
          const lc = lifecycles.find((l) => l.name === `${bucket}-lifecycle`)!;
          return (lc.inputs["rules"] as { id: string; expiration?: { days: number } }[]).find((r) => r.id === id)!;
        };
        assert.equal(rule("datalake-curated", "curated-retention").expiration!.days, env.workload.historyRetentionDays);
        assert.equal(rule("datalake-raw", "raw-retention").expiration!.days, Math.min(env.workload.historyRetentionDays, 90));
        assert.equal(rule("datalake-artifacts", "glue-temp").expiration!.days, 7);
      });

      it("alerts the platform topic on failed Glue runs", () => {
        const rule = byName(synth.resources, "datalake-glue-failures");
        const pattern = JSON.parse(rule.inputs["eventPattern"] as string) as { source: string[] };
        assert.deepEqual(pattern.source, ["aws.glue"]);
        const target = byName(synth.resources, "datalake-glue-failures-topic");
        assert.match(target.inputs["arn"] as string, /^arn:aws:sns:.*core-alerts/);
      });

      it("grants least privilege: the job writes only the curated prefix and the rejected prefix", () => {
        assertLeastPrivilege(synth.resources, "datalake-", ["cloudwatch:PutMetricData", "glue:GetSecurityConfiguration"]);
        const job = rolePolicy(synth.resources, "datalake-raw-to-curated-role-policy");
        // Each prefix plus the EMRFS `<dir>_$folder$` marker beside it.
        assert.deepEqual(resourcesOf(statement(job, "WriteCurated")), [`${bucketArn(synth, "datalake-curated")}/sales/*`, `${bucketArn(synth, "datalake-curated")}/sales_$folder$`]);
        assert.deepEqual(resourcesOf(statement(job, "SetAsideRejected")), [`${bucketArn(synth, "datalake-raw")}/rejected/*`, `${bucketArn(synth, "datalake-raw")}/rejected_$folder$`]);
        assert.deepEqual(statement(job, "ReadRaw").Action, ["s3:GetObject"]);
        const gate = rolePolicy(synth.resources, "datalake-upload-gate-policy");
        assert.deepEqual(resourcesOf(statement(gate, "SignLandingUploads")), [`${bucketArn(synth, "datalake-raw")}/sales/*`]);
      });

      it(stack === "prod" ? "adds the QuickSight data source and dataset" : "leaves QuickSight out when disabled", () => {
        const sources = ofType(synth.resources, "aws:quicksight/dataSource:DataSource");
        const sets = ofType(synth.resources, "aws:quicksight/dataSet:DataSet");
        if (env.quicksight.enabled) {
          assert.equal(sources.length, 1);
          assert.equal(sources[0].inputs["type"], "ATHENA");
          assert.equal(sets.length, 1);
        } else {
          assert.equal(sources.length + sets.length, 0);
        }
      });
    });
  }
});

/** The mock autonames SecureBucket's bucket `<name>-<hash>`; its lifecycle configuration names it. */
function bucketArn(synth: SynthResult, name: string): string {
  return `arn:aws:s3:::${byName(synth.resources, `${name}-lifecycle`).inputs["bucket"] as string}`;
}
