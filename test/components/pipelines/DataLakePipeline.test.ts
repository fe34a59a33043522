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

      it("crawls the raw zone, then runs the job on the bounded schedule", () => {
        const crawler = one(synth.resources, "aws:glue/crawler:Crawler");
        assert.match((crawler.inputs["s3Targets"] as { path: string }[])[0].path, /^s3:\/\/datalake-raw-[0-9a-f]+\/sales\/$/);
        assert.equal(crawler.inputs["tablePrefix"], "raw_");
        assert.equal(crawler.inputs["schedule"], undefined, "the workflow schedules the crawler");
        const start = byName(synth.resources, "datalake-start");
        assert.equal(start.inputs["type"], "SCHEDULED");
        assert.equal(runsPerDayOf(start.inputs["schedule"] as string) <= env.limits.glue.runsPerDay, true);
        const after = byName(synth.resources, "datalake-after-crawl");
        assert.equal(after.inputs["type"], "CONDITIONAL");
        assert.equal((after.inputs["predicate"] as { conditions: { crawlState: string }[] }).conditions[0].crawlState, "SUCCEEDED");
      });

      it("catalogues the curated zone by partition projection", () => {
        const table = one(synth.resources, "aws:glue/catalogTable:CatalogTable");
        const p = table.inputs["parameters"] as Record<string, string>;
        assert.equal(p["projection.enabled"], "true");
        assert.equal(p["projection.dt.type"], "date");
        assert.match(p["storage.location.template"], /^s3:\/\/datalake-curated-[0-9a-f]+\/sales\/dt=\$\{dt\}\/$/);
        assert.deepEqual(ofType(synth.resources, "aws:glue/crawler:Crawler").length, 1, "no second crawler");
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
        const crawler = rolePolicy(synth.resources, "datalake-raw-crawler-role-policy");
        assert.ok(!crawler.some((s) => s.Action.includes("s3:PutObject")), "the crawler never writes data");
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
