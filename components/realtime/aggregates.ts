/**
 * Store: the hot per-minute aggregates in DynamoDB, with a TTL. On-demand
 * billing carries request-unit ceilings; provisioned billing target-tracks
 * between the configured minimum and maximum capacities.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Limits } from "../../environments";
import { ChildOptions } from "../shared/context";
import { RealtimeContext } from "./context";

export function buildAggregates({ name, args, opts }: RealtimeContext): aws.dynamodb.Table {
  const dynamo = args.limits.dynamodb;
  const { protection } = args;
  const table = new aws.dynamodb.Table(`${name}-aggregates`, {
    // pk = "<region>#<minute>", sk = "b<bucket>": see docs/design.md for the partition arithmetic.
    hashKey: "pk",
    rangeKey: "sk",
    attributes: [{ name: "pk", type: "S" }, { name: "sk", type: "S" }],
    ...(dynamo.billingMode === "on-demand"
      ? { billingMode: "PAY_PER_REQUEST", onDemandThroughput: { maxWriteRequestUnits: dynamo.maxWriteRequestUnits, maxReadRequestUnits: dynamo.maxReadRequestUnits } }
      : { billingMode: "PROVISIONED", writeCapacity: dynamo.minWriteCapacity, readCapacity: dynamo.minReadCapacity }),
    ttl: { attributeName: "expiresAt", enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
    pointInTimeRecovery: { enabled: protection.pointInTimeRecovery },
    deletionProtectionEnabled: protection.deletionProtection,
  }, { ...opts, ...(dynamo.billingMode === "provisioned" ? { ignoreChanges: ["readCapacity", "writeCapacity"] } : {}) });
  if (dynamo.billingMode === "provisioned") provisionedScaling(name, table, dynamo, opts);
  return table;
}

type ProvisionedDynamo = Extract<Limits["dynamodb"], { billingMode: "provisioned" }>;

/** Target tracking on write and read capacity, between the configured bounds. */
function provisionedScaling(name: string, table: aws.dynamodb.Table, dynamo: ProvisionedDynamo, opts: ChildOptions): void {
  for (const dim of ["Write", "Read"] as const) {
    const target = new aws.appautoscaling.Target(`${name}-aggregates-${dim.toLowerCase()}-scaling`, {
      serviceNamespace: "dynamodb",
      resourceId: pulumi.interpolate`table/${table.name}`,
      scalableDimension: `dynamodb:table:${dim}CapacityUnits`,
      minCapacity: dim === "Write" ? dynamo.minWriteCapacity : dynamo.minReadCapacity,
      maxCapacity: dim === "Write" ? dynamo.maxWriteCapacity : dynamo.maxReadCapacity,
    }, opts);
    new aws.appautoscaling.Policy(`${name}-aggregates-${dim.toLowerCase()}-policy`, {
      policyType: "TargetTrackingScaling",
      resourceId: target.resourceId,
      scalableDimension: target.scalableDimension,
      serviceNamespace: target.serviceNamespace,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: dynamo.targetUtilization,
        predefinedMetricSpecification: { predefinedMetricType: `DynamoDB${dim}CapacityUtilization` },
      },
    }, opts);
  }
}
