/**
 * Pulumi mocks for offline synthesis: deterministic ids, names and ARNs for
 * every resource, and answers for the few provider functions the platform
 * calls. An unknown function call is an error, so a new dependency on the
 * cloud is noticed rather than silently mocked.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

export const MOCK_ACCOUNT_ID = "123456789012";

/** Provider functions the program may call, and what they answer offline. */
export function mockCall(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline`, userId: "AIDAOFFLINE", id: MOCK_ACCOUNT_ID };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["a", "b", "c"].map((z) => `${region}${z}`), zoneIds: ["1", "2", "3"].map((z) => `az${z}`), id: region };
    case "aws:secretsmanager/getRandomPassword:getRandomPassword":
      return { randomPassword: "offline-placeholder-never-deployed", passwordLength: inputs["passwordLength"] ?? 32, id: "random" };
    default:
      throw new Error(`unmocked provider function ${token}: add it to platform/mocks.ts if the program really needs it`);
  }
}

const short = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/** The physical name AWS would hold: the explicit one, or the logical name with a suffix (autonaming). */
function physicalName(args: pulumi.runtime.MockResourceArgs): string {
  const i = args.inputs as Record<string, unknown>;
  for (const key of ["name", "bucket", "functionName", "streamName", "tableName", "dashboardName", "workgroupName", "namespaceName"]) {
    if (typeof i[key] === "string" && i[key] !== "") return i[key];
  }
  return `${args.name}-${short(args.type + args.name)}`;
}

/** A plausible ARN per resource type, so references between resources resolve to real-looking strings. */
export function mockArn(type: string, name: string, region: string): string {
  const [pkg, mod = ""] = type.split(":");
  const service = mod.split("/")[0] ?? "";
  const kind = (type.split(":")[2] ?? "resource").toLowerCase();
  const a = MOCK_ACCOUNT_ID;
  if (pkg !== "aws") return `arn:offline:${service}:${region}:${a}:${kind}/${name}`;
  switch (service) {
    case "s3":
      return `arn:aws:s3:::${name}`;
    case "iam":
      return `arn:aws:iam::${a}:${kind}/${name}`;
    case "lambda":
      return `arn:aws:lambda:${region}:${a}:function:${name}`;
    case "logs":
    case "cloudwatch":
      if (kind === "loggroup") return `arn:aws:logs:${region}:${a}:log-group:${name}`;
      if (kind === "eventbus") return `arn:aws:events:${region}:${a}:event-bus/${name}`;
      if (kind === "eventrule") return `arn:aws:events:${region}:${a}:rule/${name}`;
      return `arn:aws:cloudwatch:${region}:${a}:${kind}:${name}`;
    case "sqs":
      return `arn:aws:sqs:${region}:${a}:${name}`;
    case "sns":
      return `arn:aws:sns:${region}:${a}:${name}`;
    case "dynamodb":
      return `arn:aws:dynamodb:${region}:${a}:table/${name}`;
    case "kms":
      return `arn:aws:kms:${region}:${a}:key/${short(name)}-0000-4000-8000-${short(name + "k")}0000`;
    case "kinesis":
      return kind === "firehosedeliverystream" ? `arn:aws:firehose:${region}:${a}:deliverystream/${name}` : `arn:aws:kinesis:${region}:${a}:stream/${name}`;
    case "secretsmanager":
      return `arn:aws:secretsmanager:${region}:${a}:secret:${name}-AbCdEf`;
    case "sfn":
      return `arn:aws:states:${region}:${a}:stateMachine:${name}`;
    case "budgets":
      return `arn:aws:budgets::${a}:budget/${name}`;
    case "costexplorer":
      return `arn:aws:ce::${a}:${kind}/${short(name)}`;
    case "redshiftserverless":
      return `arn:aws:redshift-serverless:${region}:${a}:${kind}/${short(name)}-0000-4000-8000-${short(name + "id")}0000`;
    default:
      return `arn:aws:${service}:${region}:${a}:${kind}/${name}`;
  }
}

/** Outputs of a mocked resource: its inputs plus the computed attributes other resources reference. */
export function mockResourceState(args: pulumi.runtime.MockResourceArgs, region: string): { id: string; state: Record<string, unknown> } {
  const i = args.inputs as Record<string, unknown>;
  if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-provider-id`, state: i };
  const name = physicalName(args);
  const arn = mockArn(args.type, name, region);
  const state: Record<string, unknown> = { ...i, arn, name, id: name };
  switch (args.type) {
    case "aws:s3/bucket:Bucket":
      Object.assign(state, { bucket: name, bucketDomainName: `${name}.s3.amazonaws.com`, bucketRegionalDomainName: `${name}.s3.${region}.amazonaws.com` });
      break;
    case "aws:kms/key:Key":
      Object.assign(state, { keyId: arn.split("/")[1] });
      break;
    case "aws:iam/role:Role":
      // IAM's role ID: AROA + 17 upper-case characters (what aws:userid starts with in the role's sessions).
      Object.assign(state, { uniqueId: `AROA${createHash("sha256").update(name).digest("hex").slice(0, 17).toUpperCase()}` });
      break;
    case "aws:sqs/queue:Queue":
      Object.assign(state, { url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${name}` });
      break;
    case "aws:lambda/function:Function":
      Object.assign(state, { invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`, qualifiedArn: `${arn}:$LATEST`, version: "$LATEST" });
      break;
    case "aws:glue/catalogDatabase:CatalogDatabase":
      Object.assign(state, { catalogId: MOCK_ACCOUNT_ID });
      break;
    case "aws:dynamodb/table:Table":
      Object.assign(state, { streamArn: `${arn}/stream/2026-01-01T00:00:00.000` });
      break;
    case "awsx:ec2:Vpc": {
      // The awsx VPC is a remote component: the mock stands in for its provider and answers its outputs.
      const azs = typeof i["numberOfAvailabilityZones"] === "number" ? (i["numberOfAvailabilityZones"]) : 3;
      const specs = (Array.isArray(i["subnetSpecs"]) ? (i["subnetSpecs"] as { type: string }[]) : [{ type: "Private" }, { type: "Public" }]).map((x) => x.type);
      // The same rule awsx's provider applies (ec2/vpc validateNatGatewayStrategy).
      const strategy = (i["natGateways"] as { strategy?: string } | undefined)?.strategy ?? "OnePerAz";
      if (strategy === "None" && specs.includes("Private")) throw new Error("If private subnets are specified, NAT Gateway strategy cannot be 'None'.");
      if (strategy !== "None" && !(specs.includes("Private") && specs.includes("Public"))) {
        throw new Error("If NAT Gateway strategy is 'OnePerAz' or 'Single', both private and public subnets must be declared.");
      }
      const ids = (type: string) => (specs.includes(type) ? Array.from({ length: azs }, (_, k) => `subnet-${type.toLowerCase()}-${short(name)}-${k}`) : []);
      Object.assign(state, { vpcId: `vpc-${short(name)}`, privateSubnetIds: ids("Private"), publicSubnetIds: ids("Public"), isolatedSubnetIds: ids("Isolated") });
      break;
    }
    case "aws:redshiftserverless/namespace:Namespace":
      Object.assign(state, {
        namespaceId: arn.split("/")[1],
        adminPasswordSecretArn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:redshift!${name}-admin-AbCdEf`,
      });
      break;
    case "aws:redshiftserverless/workgroup:Workgroup":
      Object.assign(state, {
        workgroupId: arn.split("/")[1],
        endpoints: [{ address: `${name}.${MOCK_ACCOUNT_ID}.${region}.redshift-serverless.amazonaws.com`, port: i["port"] ?? 5439, vpcEndpoints: [] }],
      });
      break;
    case "aws:athena/namedQuery:NamedQuery":
      return { id: `${short(args.name)}-named-query`, state: { ...state, id: `${short(args.name)}-named-query` } };
    default:
      break;
  }
  return { id: name, state };
}
