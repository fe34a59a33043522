import { strict as assert } from "node:assert";
import { ConfigError, parseEnvironment } from "../../environments";
import { rawConfig } from "../helpers/stacks";

/** Parses dev's config after `mutate` changed it; returns the error message or "ok". */
function messageAfter(mutate: (config: Record<string, any>) => void, stack = "dev"): string {
  // prepare
  const config = structuredClone(rawConfig(stack)) as Record<string, any>;
  mutate(config);
  // act
  try {
    parseEnvironment({ stack, project: "retail-data-platform", file: `Pulumi.${stack}.yaml`, config });
    return "ok";
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    assert.ok(!err.message.includes("\n"), "the message is one line");
    return err.message;
  }
}

describe("environments: stack config validation", () => {
  it("accepts this repository's dev and prod stack files as they are", () => {
    assert.equal(messageAfter(() => undefined, "dev"), "ok");
    assert.equal(messageAfter(() => undefined, "prod"), "ok");
  });

  it("resolves defaults in one place (quicksight off, anomaly threshold)", () => {
    const env = parseEnvironment({ stack: "dev", project: "p", file: "Pulumi.dev.yaml", config: rawConfig("dev") });
    assert.equal(env.quicksight.enabled, false);
    assert.equal(env.budget.anomalyThresholdUsd, 20);
    assert.equal(env.awsRegion, "eu-west-3");
    assert.equal(env.stack, "dev");
    assert.deepEqual(env.salesRegions, ["EMEA", "NA", "LATAM", "APAC"]);
  });

  const cases: [string, (c: Record<string, any>) => void, string][] = [
    ["a negative budget", (c) => (c["platform:budget"].monthlyUsd = -5), "Pulumi.dev.yaml: platform:budget.monthlyUsd must be a positive number (got -5)"],
    ["a budget given as text", (c) => (c["platform:budget"].monthlyUsd = "lots"), 'platform:budget.monthlyUsd must be a positive number (got "lots")'],
    ["a missing budget", (c) => delete c["platform:budget"], "Pulumi.dev.yaml: platform:budget is required (got nothing)"],
    ["no alert address", (c) => (c["platform:budget"].alertEmails = []), "platform:budget.alertEmails must list at least one of e-mail addresses (got [])"],
    ["a malformed alert address", (c) => (c["platform:budget"].alertEmails = ["not-an-address"]), 'platform:budget.alertEmails[0] must be an e-mail address (got "not-an-address")'],
    ["an unknown pipeline", (c) => (c["platform:pipelines"] = ["realtime", "warehouse"]), 'platform:pipelines[1] must be one of realtime, datalake, streaming-warehouse, batch-etl (got "warehouse")'],
    ["a repeated pipeline", (c) => (c["platform:pipelines"] = ["realtime", "realtime"]), "platform:pipelines must not repeat an entry"],
    ["no pipeline", (c) => (c["platform:pipelines"] = []), "platform:pipelines must list at least one of pipelines"],
    ["an unknown key (typo)", (c) => (c["platform:budget"].montlyUsd = 3), "platform:budget.montlyUsd is not a known key"],
    ["an unknown top-level key", (c) => (c["platform:budgets"] = {}), "platform:budgets is not a known key"],
    ["peak below average", (c) => (c["platform:workload"].peakTps = 1), "platform:workload.peakTps must be at least averageTps (got 1)"],
    ["a fractional shard count", (c) => (c["platform:limits"].kinesis.shards = 1.5), "platform:limits.kinesis.shards must be an integer from 1 to 500 (got 1.5)"],
    ["shards outside min..max", (c) => (c["platform:limits"].kinesis.shards = 3), "platform:limits.kinesis.shards must lie within minShards..maxShards (got 3)"],
    ["an unknown stream mode", (c) => (c["platform:limits"].kinesis.mode = "elastic"), 'platform:limits.kinesis.mode must have mode "provisioned" or "on-demand"'],
    ["a batch size above Kinesis' 10,000", (c) => (c["platform:limits"].lambda.batchSize = 20000), "platform:limits.lambda.batchSize must be an integer from 1 to 10000 (got 20000)"],
    ["a parallelization factor above 10", (c) => (c["platform:limits"].lambda.parallelizationFactor = 11), "platform:limits.lambda.parallelizationFactor must be an integer from 1 to 10 (got 11)"],
    ["zero reserved concurrency", (c) => (c["platform:limits"].lambda.reservedConcurrency = 0), "platform:limits.lambda.reservedConcurrency must be an integer from 1 to 1000 (got 0)"],
    ["an unbounded on-demand table", (c) => delete c["platform:limits"].dynamodb.maxWriteRequestUnits, "platform:limits.dynamodb.maxWriteRequestUnits is required (got nothing)"],
    ["a missing Athena cutoff", (c) => delete c["platform:limits"].athena.bytesScannedCutoffPerQueryMb, "platform:limits.athena.bytesScannedCutoffPerQueryMb is required (got nothing)"],
    ["an Athena cutoff below the 10 MB minimum", (c) => (c["platform:limits"].athena.bytesScannedCutoffPerQueryMb = 5), "platform:limits.athena.bytesScannedCutoffPerQueryMb must be an integer from 10 to 10000000 (got 5)"],
    ["Redshift max below base", (c) => (c["platform:limits"].redshift.maxRpu = 4), "platform:limits.redshift.maxRpu must be at least baseRpu (got 4)"],
    ["an unknown Glue worker type", (c) => (c["platform:limits"].glue.workerType = "G.3X"), 'platform:limits.glue.workerType must be one of G.025X, G.1X, G.2X, G.4X, G.8X (got "G.3X")'],
    ["a log retention CloudWatch does not offer", (c) => (c["platform:operations"].logRetentionDays = 10), "platform:operations.logRetentionDays must be one of 1, 3, 5, 7, 14, 30"],
    ["a spike ratio of 1 or less", (c) => (c["platform:spikes"].ratio = 1), "platform:spikes.ratio must be a number above 1 (got 1)"],
    ["a currency that is not ISO 4217", (c) => (c["platform:currencies"] = ["EUR", "euro"]), 'platform:currencies[1] must be an ISO 4217 code such as EUR (got "euro")'],
    ["a lower-case sales region", (c) => (c["platform:salesRegions"] = ["emea"]), 'platform:salesRegions[0] must be an upper-case region code such as EMEA (got "emea")'],
    ["a protection flag as text", (c) => (c["platform:protection"].deletionProtection = "yes"), 'platform:protection.deletionProtection must be true or false (got "yes")'],
    ["a missing region", (c) => delete c["aws:region"], "Pulumi.dev.yaml: aws:region is required (got nothing)"],
    ["a malformed region", (c) => (c["aws:region"] = "Paris"), 'aws:region must be an AWS region name such as eu-west-3 (got "Paris")'],
    // Issue 11, item 6: Pulumi.prod.yaml shipped the documentation account 111122223333 in a QuickSight ARN.
    ["AWS's documentation account in any value", (c) => (c["platform:owner"] = "team-111122223333"), 'platform:owner must name an account of yours, not AWS\'s documentation example account 111122223333 (got "team-111122223333")'],
    ["a documentation account in another namespace", (c) => (c["aws:allowedAccountIds"] = ["123456789012"]), 'aws:allowedAccountIds[0] must name an account of yours, not AWS\'s documentation example account 123456789012 (got "123456789012")'],
    ["QuickSight on without its group", (c) => (c["platform:quicksight"] = { enabled: true }), "platform:quicksight.groupName is required (got nothing)"],
    ["a QuickSight principal ARN (the principal is built from the caller's account)", (c) => (c["platform:quicksight"] = { enabled: true, groupName: "analysts", principalArn: "arn:aws:quicksight:eu-west-3:210987654321:group/default/analysts" }), "platform:quicksight.principalArn is not a known key"],
    // Issue 18: a 700,000-entry salesRegions list was accepted (and priced).
    ["51 sales regions", (c) => (c["platform:salesRegions"] = Array.from({ length: 51 }, (_, i) => `R${i}`)), "platform:salesRegions must list at most 50 sales regions (got [\"R0\","],
    ["181 currencies", (c) => (c["platform:currencies"] = Array.from({ length: 181 }, (_, i) => `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}X`)), "platform:currencies must list at most 180 currencies"],
    ["11 budget alert addresses (a Budget notification takes 10)", (c) => (c["platform:budget"].alertEmails = Array.from({ length: 11 }, (_, i) => `a${i}@example.com`)), "platform:budget.alertEmails must list at most 10 e-mail addresses"],
    ["51 alarm addresses", (c) => (c["platform:operations"].alarmEmails = Array.from({ length: 51 }, (_, i) => `a${i}@example.com`)), "platform:operations.alarmEmails must list at most 50 e-mail addresses"],
    ["a brake threshold of 0%", (c) => (c["platform:brake"].stages[0].percent = 0), "platform:brake.stages[0].percent must be an integer percentage from 1 to 1000 (got 0)"],
    ["a brake threshold above 1000%", (c) => (c["platform:brake"].stages[0].percent = 1001), "platform:brake.stages[0].percent must be an integer percentage from 1 to 1000 (got 1001)"],
    ["an unknown brake action", (c) => (c["platform:brake"].stages[0].actions = ["pull-the-plug"]), 'platform:brake.stages[0].actions[0] must be one of disable-athena-workgroups, pause-glue'],
    ["a brake action with nothing to act on", (c) => c["platform:brake"].stages[0].actions.push("redshift-deactivate"), 'platform:brake.stages[0].actions[2] redshift-deactivate cannot be taken: the stack deploys no Redshift Serverless workgroup'],
    ["stop-ingestion where the environment does not allow it", (c) => (c["platform:brake"].allowStopIngestion = false), 'platform:brake.stages[0].actions[1] stop-ingestion cannot be taken unless platform:brake.allowStopIngestion is true'],
    ["stop-ingestion in a stack with deletion protection", (c) => (c["platform:protection"].deletionProtection = true), "stop-ingestion cannot be taken in a stack with protection.deletionProtection"],
    ["a fractional maxFilesPerDay", (c) => (c["platform:uploads"] = { maxFilesPerDay: 2.5 }), "platform:uploads.maxFilesPerDay must be an integer from 1 to 1000000 (got 2.5)"],
    ["a file size above S3's single-PUT maximum", (c) => (c["platform:uploads"] = { maxFileMb: 6000 }), "platform:uploads.maxFileMb must be an integer from 1 to 5120 (S3's 5 GB single-PUT maximum) (got 6000)"],
    ["a URL valid for a day", (c) => (c["platform:uploads"] = { urlExpirySeconds: 86400 }), "platform:uploads.urlExpirySeconds must be an integer from 60 to 3600 (got 86400)"],
    ["an unknown uploads key", (c) => (c["platform:uploads"] = { maxFiles: 3 }), "platform:uploads.maxFiles is not a known key"],
    ["a history retention over ten years", (c) => (c["platform:workload"].historyRetentionDays = 4000), "platform:workload.historyRetentionDays must be an integer from 1 to 3650 (got 4000)"],
  ];

  for (const [what, mutate, expected] of cases) {
    it(`rejects ${what} with one line naming the file, key, value and rule`, () => {
      const message = messageAfter(mutate);
      assert.ok(message.startsWith("Pulumi.dev.yaml: "), message);
      assert.ok(message.includes(expected), `expected "${expected}" in "${message}"`);
    });
  }

  it("accepts a 12-digit number that is not a documentation account, and a 13-digit one containing one", () => {
    assert.equal(messageAfter((c) => (c["platform:owner"] = "team-210987654321")), "ok");
    assert.equal(messageAfter((c) => (c["platform:owner"] = "team-1111222233334")), "ok");
  });

  it("no stack file of the repository or fixture names a documentation account", () => {
    for (const stack of ["dev", "prod"]) assert.equal(messageAfter(() => undefined, stack), "ok");
    assert.doesNotMatch(JSON.stringify(rawConfig("prod")), /111122223333/);
  });

  it("gives a stack file without platform:brake every action it can take but stop-ingestion, at 100% of actual spend", () => {
    const config = structuredClone(rawConfig("prod")) as Record<string, any>;
    delete config["platform:brake"];
    const env = parseEnvironment({ stack: "prod", project: "p", file: "Pulumi.prod.yaml", config });
    assert.deepEqual(env.brake.stages, [{ percent: 100, notification: "actual", actions: ["disable-athena-workgroups", "pause-quicksight-refresh"] }]);
    assert.equal(env.brake.allowStopIngestion, false);
  });

  it("derives the upload gate's limits from the workload unless the file sets them", () => {
    const config = structuredClone(rawConfig("prod")) as Record<string, any>;
    config["platform:workload"].batchFilesPerDay = 24;
    config["platform:workload"].batchFileMb = 50;
    const derived = parseEnvironment({ stack: "prod", project: "p", file: "Pulumi.prod.yaml", config }).uploads;
    assert.deepEqual(derived, { maxFilesPerDay: 48, maxFileMb: 100, urlExpirySeconds: 60 });
    config["platform:uploads"] = { maxFilesPerDay: 10, maxFileMb: 5120 };
    assert.deepEqual(parseEnvironment({ stack: "prod", project: "p", file: "Pulumi.prod.yaml", config }).uploads, { maxFilesPerDay: 10, maxFileMb: 5120, urlExpirySeconds: 60 });
  });

  it("counts further problems instead of hiding them", () => {
    const message = messageAfter((c) => {
      c["platform:budget"].monthlyUsd = -1;
      c["platform:workload"].averageTps = -1;
    });
    assert.match(message, /platform:budget\.monthlyUsd must be a positive number \(got -1\) \(and \d+ more problems?\)/);
  });

  it("lets a third environment be a stack file alone (any stack name)", () => {
    const env = parseEnvironment({ stack: "staging", project: "p", file: "Pulumi.staging.yaml", config: rawConfig("prod") });
    assert.equal(env.stack, "staging");
    assert.equal(env.limits.kinesis.mode, "provisioned");
  });
});
