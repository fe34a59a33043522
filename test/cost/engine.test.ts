/**
 * The engine's contract: the price catalogue, priceResource's errors, the
 * usage-file loader, and properties that hold for every estimator.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import {
  ASSUMPTIONS,
  ESTIMATORS,
  KNOWN_FREE,
  PRICED_REGIONS,
  UnknownRegionError,
  UnknownTypeError,
  UnknownUsageKeyError,
  UsageFileError,
  loadUsageFile,
  parseUsageFile,
  priceBook,
  priceKeys,
  priceResource,
  usageKeysOf,
} from "../../cost";

describe("cost engine", () => {
  describe("price catalogue", () => {
    it("covers us-east-1, eu-west-1 and eu-west-3 with the same keys", () => {
      for (const r of ["us-east-1", "eu-west-1", "eu-west-3"]) assert.ok(PRICED_REGIONS.includes(r), r);
      const keys = priceKeys("us-east-1");
      for (const r of PRICED_REGIONS) assert.deepEqual(priceKeys(r), keys, r);
    });

    it("every entry has usd, unit, an AWS source URL, an ISO asOf date, a basis and a note when derived", () => {
      for (const r of PRICED_REGIONS) {
        const book = priceBook(r);
        for (const k of priceKeys(r)) {
          const e = book.entry(k);
          assert.ok(Number.isFinite(e.usd) && e.usd > 0, `${r} ${k} usd`);
          assert.ok(e.unit.length > 0, `${r} ${k} unit`);
          assert.match(e.source, /^https:\/\/(aws\.amazon\.com|docs\.aws\.amazon\.com)\//, `${r} ${k} source`);
          assert.match(e.asOf, /^\d{4}-\d{2}-\d{2}$/, `${r} ${k} asOf`);
          assert.ok(["published", "uniform", "derived"].includes(e.basis), `${r} ${k} basis`);
          if (e.basis === "derived") assert.ok(e.note && e.note.length > 20, `${r} ${k} derived needs a note`);
        }
      }
    });

    it("a region not in the catalogue is an UnknownRegionError, never a fallback", () => {
      assert.throws(() => priceResource({ type: "aws:kms/key:Key", props: {}, usage: {}, region: "ap-south-1" }), (e: unknown) => e instanceof UnknownRegionError && /known: eu-west-1, eu-west-3, us-east-1/.test(e.message));
    });

    it("regions price differently where AWS does (S3 storage in Paris)", () => {
      const p = (region: string) => priceResource({ type: "aws:s3/bucket:Bucket", props: {}, usage: { "standard.storage_gb": 100 }, region }).monthlyUsd;
      assert.equal(p("us-east-1").toFixed(2), "2.30");
      assert.equal(p("eu-west-3").toFixed(2), "2.40");
    });
  });

  describe("priceResource", () => {
    it("rejects a malformed type token and a type with no estimator that is not known to be free", () => {
      assert.throws(() => priceResource({ type: "lambda", props: {}, usage: {}, region: "us-east-1" }), UnknownTypeError);
      assert.throws(() => priceResource({ type: "aws:ec2/instance:Instance", props: {}, usage: {}, region: "us-east-1" }), /has no estimator/);
    });

    it("rejects an unknown usage key, naming it and the accepted keys", () => {
      assert.throws(
        () => priceResource({ type: "aws:lambda/function:Function", props: {}, usage: { monthly_request: 1 }, region: "us-east-1" }),
        (e: unknown) => e instanceof UnknownUsageKeyError && e.message.includes('"monthly_request"') && e.message.includes("monthly_requests"),
      );
      assert.throws(() => priceResource({ type: "aws:iam/role:Role", props: {}, usage: { x: 1 }, region: "us-east-1" }), /not billed by usage/);
    });

    it("rejects negative or non-numeric usage", () => {
      assert.throws(() => priceResource({ type: "aws:lambda/function:Function", props: {}, usage: { monthly_requests: -1 }, region: "us-east-1" }), /zero or more/);
    });

    it("known-free types cost 0 with no lines", () => {
      assert.deepEqual(priceResource({ type: "aws:iam/role:Role", props: {}, usage: {}, region: "us-east-1" }), { monthlyUsd: 0, lines: [] });
    });

    it("fixed-price resources: KMS key $1, secret $0.40, dashboard $3, standard alarm $0.10, budget $0.02/day", () => {
      const p = (type: string, props: Record<string, unknown> = {}) => priceResource({ type, props, usage: {}, region: "us-east-1" }).monthlyUsd;
      assert.equal(p("aws:kms/key:Key"), 1);
      assert.equal(p("aws:secretsmanager/secret:Secret"), 0.4);
      assert.equal(p("aws:cloudwatch/dashboard:Dashboard"), 3);
      assert.equal(p("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 60 }), 0.1);
      assert.equal(p("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 10 }), 0.3);
      assert.ok(Math.abs(p("aws:budgets/budget:Budget") - (0.02 * 730) / 24) < 1e-12);
      assert.equal(p("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Gateway" }), 0);
      assert.equal(p("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", subnetIds: ["a", "b"] }), 2 * 730 * 0.01);
      assert.ok(Math.abs(p("aws:ec2/natGateway:NatGateway") - 730 * 0.045) < 1e-9);
    });

    it("every line is quantity x unitPriceUsd and the total is their sum", () => {
      const { monthlyUsd, lines } = priceResource({
        type: "aws:dynamodb/table:Table",
        props: { billingMode: "PAY_PER_REQUEST", pointInTimeRecovery: { enabled: true } },
        usage: { monthly_write_request_units: 5e6, monthly_read_request_units: 1e7, storage_gb: 30, pitr_backup_storage_gb: 30 },
        region: "eu-west-3",
      });
      for (const l of lines) assert.ok(Math.abs(l.quantity * l.unitPriceUsd - l.monthlyUsd) < 1e-12);
      assert.ok(Math.abs(lines.reduce((a, l) => a + l.monthlyUsd, 0) - monthlyUsd) < 1e-12);
      assert.equal(lines.length, 4);
    });
  });

  describe("the platform's resource types", () => {
    const PLATFORM_TYPES = [
      "pulumi:providers:aws", "aws:kms/key:Key", "aws:kms/alias:Alias", "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy", "aws:sns/topicSubscription:TopicSubscription",
      "aws:kinesis/stream:Stream", "aws:lambda/function:Function", "aws:lambda/eventSourceMapping:EventSourceMapping", "aws:lambda/permission:Permission",
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/logStream:LogStream", "aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy", "aws:dynamodb/table:Table",
      "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketObjectv2:BucketObjectv2",
      "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws:glue/catalogDatabase:CatalogDatabase", "aws:glue/catalogTable:CatalogTable", "aws:glue/crawler:Crawler",
      "aws:glue/job:Job", "aws:glue/connection:Connection", "aws:glue/trigger:Trigger", "aws:athena/workgroup:Workgroup", "aws:athena/namedQuery:NamedQuery",
      "aws:cloudwatch/dashboard:Dashboard", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/eventBus:EventBus", "aws:cloudwatch/eventRule:EventRule",
      "aws:cloudwatch/eventTarget:EventTarget", "aws:scheduler/schedule:Schedule", "aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet",
      "aws:quicksight/refreshSchedule:RefreshSchedule", "aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretVersion:SecretVersion", "aws:budgets/budget:Budget",
      "aws:costexplorer/anomalyMonitor:AnomalyMonitor", "aws:costexplorer/anomalySubscription:AnomalySubscription", "aws:redshiftserverless/namespace:Namespace",
      "aws:redshiftserverless/workgroup:Workgroup", "aws:redshiftserverless/usageLimit:UsageLimit", "aws:sfn/stateMachine:StateMachine", "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/route:Route",
      "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/vpcEndpoint:VpcEndpoint",
      "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    ];

    it("are all priced or known to be free", () => {
      const missing = PLATFORM_TYPES.filter((t) => !ESTIMATORS[t] && KNOWN_FREE[t] === undefined);
      assert.deepEqual(missing, []);
    });

    it("no type is both priced and known-free, and every free type has a reason", () => {
      for (const t of Object.keys(KNOWN_FREE)) {
        assert.equal(ESTIMATORS[t], undefined, t);
        assert.ok(KNOWN_FREE[t].length > 10, t);
      }
    });
  });

  describe("usage files", () => {
    const yaml = [
      "version: 0.1",
      "resource_type_default_usage:",
      "  aws:lambda/function:Function:",
      "    request_duration_ms: 120",
      "resource_usage:",
      "  my-bucket:",
      "    standard:",
      "      storage_gb: 10",
      "      monthly_tier_1_requests: 1000",
    ].join("\n");

    it("parses type defaults and per-name usage, flattening nested keys", () => {
      const u = parseUsageFile(yaml);
      assert.deepEqual(u.byType, { "aws:lambda/function:Function": { request_duration_ms: 120 } });
      assert.deepEqual(u.byName, { "my-bucket": { "standard.storage_gb": 10, "standard.monthly_tier_1_requests": 1000 } });
    });

    it("an unknown usage key is an error naming it", () => {
      assert.throws(() => parseUsageFile("resource_type_default_usage:\n  aws:lambda/function:Function:\n    requests: 5\n", "u.yml"), (e: unknown) => e instanceof UsageFileError && /u\.yml: .*"requests" is not known/.test(e.message));
      assert.throws(() => parseUsageFile("resource_usage:\n  fn:\n    nope_gb: 5\n", "u.yml"), /"nope_gb" is not known for any resource type/);
      assert.throws(() => parseUsageFile("resource_usage:\n  fn:\n    monthly_requests: -5\n", "u.yml"), /zero or more/);
      assert.throws(() => parseUsageFile("extra: 1\n", "u.yml"), /unknown key/);
      assert.throws(() => parseUsageFile("a: [\n", "u.yml"), /not valid YAML/);
    });

    it("loadUsageFile reads a file, and names it when it cannot", () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cost-")), "usage.yml");
      fs.writeFileSync(file, yaml);
      assert.equal(loadUsageFile(file).byType["aws:lambda/function:Function"].request_duration_ms, 120);
      assert.throws(() => loadUsageFile(`${file}.missing`), /usage\.yml\.missing: cannot be read \(no such file\)/);
    });
  });

  describe("docs/cost.md", () => {
    it("documents every usage key, every known-free type and every assumption", () => {
      const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "cost.md"), "utf8");
      for (const [type, e] of Object.entries(ESTIMATORS)) {
        assert.ok(doc.includes(`\`${type}\``), type);
        for (const key of Object.keys(e.usageKeys)) assert.ok(doc.includes(`\`${key}\``), `${type} ${key}`);
      }
      for (const type of Object.keys(KNOWN_FREE)) assert.ok(doc.includes(`\`${type}\``), type);
      for (const key of Object.keys(ASSUMPTIONS)) assert.ok(doc.includes(`\`${key}\``), key);
    });
  });

  describe("properties", () => {
    it("more usage never costs less, for every estimator and usage key", () => {
      const types = Object.keys(ESTIMATORS).filter((t) => usageKeysOf(t).length > 0);
      fc.assert(
        fc.property(fc.constantFrom(...types), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constantFrom(...PRICED_REGIONS), (type, a, b, region) => {
          for (const key of usageKeysOf(type)) {
            const [lo, hi] = a <= b ? [a, b] : [b, a];
            const p = (v: number) => priceResource({ type, props: { billingMode: "PAY_PER_REQUEST", pointInTimeRecovery: { enabled: true } }, usage: { [key]: v }, region }).monthlyUsd;
            if (p(hi) + 1e-9 < p(lo)) return false;
          }
          return true;
        }),
        { numRuns: 60 },
      );
    });
  });
});
