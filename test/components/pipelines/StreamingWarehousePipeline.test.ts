import * as assert from "node:assert/strict";
import { synthesizeStack, SynthResult } from "../../../platform/synth";
import {
  STREAMING_WAREHOUSE_METADATA,
  STREAMING_WAREHOUSE_LOADED_KEYS,
  StreamingWarehousePipelineArgs,
  resolveStreamingWarehouseSettings,
} from "../../../components/StreamingWarehousePipeline";
import { ServerlessWarehouseArgs, breachActionFor, resolveWarehouseSettings } from "../../../components/shared/ServerlessWarehouse";
import { firehoseCidrsFor } from "../../../components/warehouse/firehoseCidrs";
import { COPY_OPTIONS, HOURLY_REVENUE_SQL, SALES_EVENTS_COLUMNS, createTableSql } from "../../../components/warehouse/salesEvents";
import { STAGE_KINDS } from "../../../components/stages";
import { assertLeastPrivilege, assertParentedUnder, byName, one, ofType, onePipeline, parseSql, resourcesOf, rolePolicy, stackEnv, statement } from "./helpers";

function argsFor(stack: "dev" | "prod"): StreamingWarehousePipelineArgs {
  const env = stackEnv(stack);
  return { ...env, kmsKeyArn: "k", alertTopicArn: "t", accessLogBucket: "access-logs", emailHashSecretArn: "h" };
}

const warehouseArgs = (redshift: ServerlessWarehouseArgs["redshift"]): ServerlessWarehouseArgs => ({
  redshift,
  awsRegion: "eu-west-3",
  breachAction: "deactivate",
  kmsKeyArn: "k",
  databaseName: "retail",
  publicIngressCidrs: [],
});

describe("StreamingWarehousePipeline (P2)", () => {
  describe("settings", () => {
    it("deactivates the warehouse at the usage limit in dev, emits a metric in prod", () => {
      assert.equal(resolveStreamingWarehouseSettings(argsFor("dev")).breachAction, "deactivate");
      assert.equal(resolveStreamingWarehouseSettings(argsFor("prod")).breachAction, "emit-metric");
      assert.equal(breachActionFor({ deletionProtection: false }), "deactivate");
      assert.equal(resolveStreamingWarehouseSettings({ ...argsFor("prod"), usageLimitBreachAction: "log" }).breachAction, "log");
    });

    it("admits only the region's Firehose CIDR block", () => {
      assert.deepEqual(resolveStreamingWarehouseSettings(argsFor("dev")).firehoseCidrs, ["35.180.1.96/27"]);
      assert.deepEqual(firehoseCidrsFor("xx-none-1", ["10.0.0.0/27"]), ["10.0.0.0/27"]);
      assert.throws(() => firehoseCidrsFor("xx-none-1"), /no known Firehose CIDR block for xx-none-1; pass firehoseCidrs/);
    });

    it("rejects RPU bounds Redshift Serverless does not accept, naming the field", () => {
      assert.throws(() => resolveWarehouseSettings("W", warehouseArgs({ baseRpu: 12, maxRpu: 16, monthlyRpuHours: 10 })), /limits\.redshift\.baseRpu must be 4 or a multiple of 8 \(got 12\)/);
      assert.throws(() => resolveWarehouseSettings("W", warehouseArgs({ baseRpu: 8, maxRpu: 20, monthlyRpuHours: 10 })), /limits\.redshift\.maxRpu must be a multiple of 8/);
      assert.throws(() => resolveWarehouseSettings("W", { ...warehouseArgs({ baseRpu: 8, maxRpu: 8, monthlyRpuHours: 10 }), availabilityZones: 2 }), /at least 3 availability zones/);
      assert.equal(resolveWarehouseSettings("W", warehouseArgs({ baseRpu: 8, maxRpu: 32, monthlyRpuHours: 40.7 })).monthlyRpuHours, 40);
    });

    it("rejects QuickSight without a principal", () => {
      assert.throws(() => resolveStreamingWarehouseSettings({ ...argsFor("dev"), quicksight: { enabled: true, namespace: "default", refreshIntervalHours: 24 } }), /quicksight\.groupName is required/);
    });
  });

  describe("real checks", () => {
    it("ships DDL and dashboard SQL that parse as Redshift SQL", () => {
      const ddl = parseSql(createTableSql(), "redshift") as { type: string; keyword: string; if_not_exists: string | null };
      assert.equal(ddl.type, "create");
      assert.equal(ddl.keyword, "table");
      parseSql(HOURLY_REVENUE_SQL, "redshift");
    });

    it("loads every scalar key the transformation emits, by name", () => {
      assert.deepEqual(SALES_EVENTS_COLUMNS.map((c) => c.name), [...STREAMING_WAREHOUSE_LOADED_KEYS]);
      assert.match(COPY_OPTIONS, /JSON 'auto'/);
      assert.match(COPY_OPTIONS, /GZIP/);
    });
  });

  it("declares metadata for the five stages", () => {
    assert.deepEqual(STREAMING_WAREHOUSE_METADATA.stages.map((s) => s.stage), [...STAGE_KINDS]);
    assert.equal(STREAMING_WAREHOUSE_METADATA.latencyClass, "near-real-time");
  });

  for (const stack of ["dev", "prod"] as const) {
    describe(`synthesized alone for ${stack}`, () => {
      let synth: SynthResult;
      const env = stackEnv(stack);
      before(async () => {
        synth = await synthesizeStack(env, onePipeline("streaming-warehouse"));
      });

      it("children are parented to the component", () => {
        assertParentedUnder(synth.resources, "platform:pipelines:StreamingWarehouse", "warehouse");
      });

      it("builds the network with awsx: private subnets in 3 AZs, no NAT gateway", () => {
        const vpc = one(synth.resources, "awsx:ec2:Vpc");
        assert.deepEqual(vpc.inputs["natGateways"], { strategy: "None" });
        assert.equal(vpc.inputs["numberOfAvailabilityZones"], 3);
        assert.deepEqual((vpc.inputs["subnetSpecs"] as { type: string }[]).map((x) => x.type), ["Isolated", "Public"]);
        assert.equal(ofType(synth.resources, "aws:ec2/natGateway:NatGateway").length, 0);
      });

      it("bounds Redshift Serverless RPUs and monthly RPU-hours, with the environment's breach action", () => {
        const wg = one(synth.resources, "aws:redshiftserverless/workgroup:Workgroup");
        assert.equal(wg.inputs["baseCapacity"], env.limits.redshift.baseRpu);
        assert.equal(wg.inputs["maxCapacity"], env.limits.redshift.maxRpu);
        assert.equal(wg.inputs["enhancedVpcRouting"], true);
        const limit = one(synth.resources, "aws:redshiftserverless/usageLimit:UsageLimit");
        assert.equal(limit.inputs["usageType"], "serverless-compute");
        assert.equal(limit.inputs["period"], "monthly");
        assert.equal(limit.inputs["amount"], Math.floor(env.limits.redshift.monthlyRpuHours));
        assert.equal(limit.inputs["breachAction"], stack === "dev" ? "deactivate" : "emit-metric");
        assert.match(limit.inputs["resourceArn"] as string, /^arn:aws:redshift-serverless:eu-west-3:\d+:workgroup\//);
      });

      it("lets AWS manage the admin password, encrypted with the platform key", () => {
        const ns = one(synth.resources, "aws:redshiftserverless/namespace:Namespace");
        assert.equal(ns.inputs["manageAdminPassword"], true);
        assert.equal(ns.inputs["adminUserPassword"], undefined);
        assert.match(ns.inputs["kmsKeyId"] as string, /^arn:aws:kms:/);
        assert.equal(ns.inputs["adminPasswordSecretKmsKeyId"], ns.inputs["kmsKeyId"]);
      });

      it("opens the warehouse port to the Firehose CIDR block and VPC clients only", () => {
        const sg = byName(synth.resources, "warehouse-warehouse-redshift");
        const ingress = sg.inputs["ingress"] as { fromPort: number; cidrBlocks?: string[]; securityGroups?: string[] }[];
        assert.deepEqual(ingress.map((r) => r.fromPort), [5439, 5439]);
        assert.deepEqual(ingress.flatMap((r) => r.cidrBlocks ?? []), ["35.180.1.96/27"]);
        const wg = one(synth.resources, "aws:redshiftserverless/workgroup:Workgroup");
        assert.equal(wg.inputs["publiclyAccessible"], true);
        assert.equal((wg.inputs["subnetIds"] as string[]).length, 3);
        assert.ok((wg.inputs["subnetIds"] as string[]).every((id) => id.startsWith("subnet-public-")));
      });

      it("creates the target table through the Redshift Data API with the managed secret", () => {
        const st = one(synth.resources, "aws:redshiftdata/statement:Statement");
        assert.equal(st.inputs["sql"], createTableSql());
        assert.equal(st.inputs["database"], "retail");
        assert.match(st.inputs["secretArn"] as string, /^arn:aws:secretsmanager:.*redshift!/);
        const stream = one(synth.resources, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
        assert.ok(stream.dependencies.includes(st.urn), "Firehose waits for the table");
      });

      it("takes events into an encrypted stream of the stack's shards, which Firehose reads, stages in S3 then COPYs into Redshift with bounded buffers", () => {
        const events = one(synth.resources, "aws:kinesis/stream:Stream");
        assert.equal(events.inputs["encryptionType"], "KMS");
        assert.match(events.inputs["kmsKeyId"] as string, /^arn:aws:kms:/);
        const k = env.limits.kinesis;
        assert.deepEqual([events.inputs["streamModeDetails"], events.inputs["shardCount"]], k.mode === "provisioned" ? [{ streamMode: "PROVISIONED" }, k.shards] : [{ streamMode: "ON_DEMAND" }, undefined]);
        const stream = one(synth.resources, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
        assert.equal(stream.inputs["destination"], "redshift");
        const source = stream.inputs["kinesisSourceConfiguration"] as { kinesisStreamArn: string; roleArn: string };
        assert.ok(stream.dependencies.includes(events.urn), "Firehose reads the event stream");
        assert.match(source.kinesisStreamArn, /:stream\/warehouse-event-stream/);
        // Firehose's own SSE applies to Direct PUT only; the stream encrypts the events at rest.
        assert.equal(stream.inputs["serverSideEncryption"], undefined);
        const rc = stream.inputs["redshiftConfiguration"] as Record<string, unknown>;
        assert.match(rc["clusterJdbcurl"] as string, /^jdbc:redshift:\/\/.*\.redshift-serverless\.amazonaws\.com:5439\/retail$/);
        assert.equal((rc["secretsManagerConfiguration"] as { enabled: boolean }).enabled, true);
        assert.equal(rc["password"], undefined);
        assert.equal(rc["dataTableName"], "public.sales_events");
        const s3 = rc["s3Configuration"] as Record<string, unknown>;
        assert.equal(s3["compressionFormat"], "GZIP");
        assert.equal(s3["bufferingInterval"], env.limits.firehose.bufferingSeconds);
        assert.equal(s3["bufferingSize"], env.limits.firehose.bufferingMb);
        assert.match(s3["kmsKeyArn"] as string, /^arn:aws:kms:/);
        assert.ok(rc["processingConfiguration"], "the transformation runs");
      });

      it("routes COPY's S3 traffic through a gateway endpoint on the VPC's route tables, as enhanced VPC routing in public subnets needs", () => {
        // Without an endpoint, enhanced VPC routing sends COPY to S3 through the internet gateway (issue 11, item 8).
        const wg = one(synth.resources, "aws:redshiftserverless/workgroup:Workgroup");
        assert.equal(wg.inputs["enhancedVpcRouting"], true);
        const vpc = one(synth.resources, "awsx:ec2:Vpc");
        assert.equal(vpc.inputs["vpcEndpointStrategy"], "Auto", "awsx fills the gateway endpoint's route tables from the subnets it creates");
        assert.deepEqual(vpc.inputs["vpcEndpointSpecs"], [{ serviceName: `com.amazonaws.${env.awsRegion}.s3`, vpcEndpointType: "Gateway" }]);
      });

      it("publishes the transformation's metrics to the platform's namespace, not Powertools' default_namespace", () => {
        const fn = one(synth.resources, "aws:lambda/function:Function");
        const vars = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
        assert.equal(vars["POWERTOOLS_METRICS_NAMESPACE"], `RetailPlatform/${stack}`);
      });

      it("bounds the transformation and keeps its logs per retention", () => {
        const fn = one(synth.resources, "aws:lambda/function:Function");
        assert.equal(fn.inputs["reservedConcurrentExecutions"], Math.max(2, Math.ceil(env.limits.lambda.reservedConcurrency / 2)));
        for (const lg of ofType(synth.resources, "aws:cloudwatch/logGroup:LogGroup").filter((l) => l.name.startsWith("warehouse-"))) {
          assert.equal(lg.inputs["retentionInDays"], env.operations.logRetentionDays, lg.name);
          assert.ok(lg.inputs["kmsKeyId"]);
        }
      });

      it("grants least privilege: Firehose reads only the warehouse secret, producers only put", () => {
        assertLeastPrivilege(synth.resources, "warehouse-", ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"]);
        const p = rolePolicy(synth.resources, "warehouse-delivery-policy");
        assert.match(resourcesOf(statement(p, "ReadWarehouseSecret"))[0], /secret:redshift!/);
        const producer = byName(synth.resources, "warehouse-producer");
        const doc = JSON.parse(producer.inputs["policy"] as string) as { Statement: { Action: string[]; Resource: string }[] };
        assert.deepEqual(doc.Statement[0].Action, ["kinesis:PutRecord", "kinesis:PutRecords"]);
        assert.match(doc.Statement[0].Resource, /^arn:aws:kinesis:eu-west-3:\d+:stream\/warehouse-event-stream/);
        assert.deepEqual(statement(p, "ReadStream").Action, ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"]);
      });

      it("alarms to the platform topic when COPY fails, when the stream throttles producers and when Firehose falls behind it", () => {
        const a = byName(synth.resources, "warehouse-copy-failures");
        assert.equal(a.inputs["metricName"], "DeliveryToRedshift.Success");
        assert.match((a.inputs["alarmActions"] as string[])[0], /core-alerts/);
        const throttled = byName(synth.resources, "warehouse-producers-throttled");
        assert.equal(throttled.inputs["metricName"], "WriteProvisionedThroughputExceeded");
        assert.equal(throttled.inputs["threshold"], 0);
        const behind = byName(synth.resources, "warehouse-delivery-behind");
        assert.equal(behind.inputs["metricName"], "GetRecords.IteratorAgeMilliseconds");
        assert.equal(behind.inputs["threshold"], env.operations.iteratorAgeAlarmMs);
      });

      it(stack === "prod" ? "adds QuickSight on Redshift through a VPC connection" : "leaves QuickSight out when disabled", () => {
        const sources = ofType(synth.resources, "aws:quicksight/dataSource:DataSource");
        if (env.quicksight.enabled) {
          assert.equal(sources.length, 1);
          assert.equal(sources[0].inputs["type"], "REDSHIFT");
          assert.ok((sources[0].inputs["credentials"] as { secretArn: string }).secretArn);
          const qsSubnets = one(synth.resources, "aws:quicksight/vpcConnection:VpcConnection").inputs["subnetIds"] as string[];
          assert.equal(qsSubnets.length, 3);
          assert.ok(qsSubnets.every((id) => id.startsWith("subnet-isolated-")), "QuickSight comes in through the private subnets");
          const ds = one(synth.resources, "aws:quicksight/dataSet:DataSet");
          const sql = (ds.inputs["physicalTableMaps"] as { customSql: { sqlQuery: string } }[])[0].customSql.sqlQuery;
          assert.equal(sql, HOURLY_REVENUE_SQL);
        } else {
          assert.equal(sources.length, 0);
        }
      });
    });
  }
});
