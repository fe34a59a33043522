/**
 * A bounded Redshift Serverless warehouse in its own awsx VPC, shared by P2
 * (streaming warehouse) and P3 (batch ETL): a KMS-encrypted namespace whose
 * admin password AWS generates and keeps in Secrets Manager (never in config),
 * a workgroup between base and maximum RPUs, and a monthly RPU-hour usage limit
 * whose breach action is decided by the caller (deactivate in dev).
 *
 * Networking: an awsx VPC with private subnets in three AZs and NO NAT gateway
 * (nothing in it needs to call out: the Data API, Firehose and QuickSight come to
 * the warehouse). awsx names private subnets without a NAT route "Isolated" (it
 * refuses "Private" subnets with `natGateways: { strategy: "None" }`): they have
 * no public IPs and no route to the internet. Public subnets (an internet
 * gateway, which costs nothing) are added only when a caller needs a publicly
 * reachable endpoint: Amazon Data Firehose delivers to Redshift over its public
 * endpoint, from the Firehose CIDR block of the region only.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { Limits } from "../../environments";

export type UsageLimitBreachAction = "deactivate" | "emit-metric" | "log";

export interface ServerlessWarehouseArgs {
  readonly redshift: Limits["redshift"];
  /** What happens when the month's RPU-hours are used up: "deactivate" stops queries (dev). */
  readonly breachAction: UsageLimitBreachAction;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Database created in the namespace. */
  readonly databaseName: string;
  /** CIDR blocks allowed to reach the endpoint from outside the VPC; empty keeps the warehouse private. */
  readonly publicIngressCidrs: readonly string[];
  /** AWS region of the stack: names the S3 gateway endpoint a publicly accessible warehouse routes COPY through. */
  readonly awsRegion: string;
  /** Roles Redshift may assume (COPY/UNLOAD); the first is the default role. */
  readonly iamRoleArns?: readonly pulumi.Input<string>[];
  /** VPC address range. Default 10.60.0.0/16. */
  readonly cidrBlock?: string;
  /** Availability zones of the subnets (Redshift Serverless needs three). Default 3. */
  readonly availabilityZones?: number;
}

export interface ResolvedWarehouseSettings {
  readonly baseCapacity: number;
  readonly maxCapacity: number;
  /** RPU-hours per month before the breach action. */
  readonly monthlyRpuHours: number;
  readonly publiclyAccessible: boolean;
  readonly availabilityZones: number;
  readonly cidrBlock: string;
  readonly adminUsername: string;
  readonly port: number;
}

/** Redshift Serverless accepts base capacities from 8 to 512 RPU in steps of 8 (and 4 for small workgroups). */
const RPU_STEP = 8;

/** Pure; tested directly. */
export function resolveWarehouseSettings(component: string, args: ServerlessWarehouseArgs): ResolvedWarehouseSettings {
  const { baseRpu, maxRpu, monthlyRpuHours } = args.redshift;
  if (baseRpu !== 4 && baseRpu % RPU_STEP !== 0) throw new Error(`${component}: limits.redshift.baseRpu must be 4 or a multiple of 8 (got ${baseRpu})`);
  if (maxRpu % RPU_STEP !== 0) throw new Error(`${component}: limits.redshift.maxRpu must be a multiple of 8 (got ${maxRpu})`);
  if (maxRpu < baseRpu) throw new Error(`${component}: limits.redshift.maxRpu (${maxRpu}) must be at least baseRpu (${baseRpu})`);
  const azs = args.availabilityZones ?? 3;
  if (azs < 3) throw new Error(`${component}: a Redshift Serverless workgroup needs subnets in at least 3 availability zones (got ${azs})`);
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(args.databaseName)) throw new Error(`${component}: databaseName must be lower-case letters, digits and _ (got ${args.databaseName})`);
  return {
    baseCapacity: baseRpu,
    maxCapacity: maxRpu,
    monthlyRpuHours: Math.max(1, Math.floor(monthlyRpuHours)),
    publiclyAccessible: args.publicIngressCidrs.length > 0,
    availabilityZones: azs,
    cidrBlock: args.cidrBlock ?? "10.60.0.0/16",
    adminUsername: "platform_admin",
    port: 5439,
  };
}

/** The S3 gateway endpoint service of a region, e.g. com.amazonaws.eu-west-3.s3. Pure. */
export function s3GatewayServiceName(region: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`ServerlessWarehouse: awsRegion must be an AWS region name (got ${region})`);
  return `com.amazonaws.${region}.s3`;
}

/** Usage-limit breach action of an environment: deactivate where nothing is protected (dev), emit a metric otherwise. Pure. */
export function breachActionFor(protection: { deletionProtection: boolean }): UsageLimitBreachAction {
  return protection.deletionProtection ? "emit-metric" : "deactivate";
}

export class ServerlessWarehouse extends pulumi.ComponentResource {
  public readonly vpc: awsx.ec2.Vpc;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** Clients inside the VPC (QuickSight's VPC connection) use this group to reach the warehouse. */
  public readonly clientSecurityGroup: aws.ec2.SecurityGroup;
  public readonly namespace: aws.redshiftserverless.Namespace;
  public readonly workgroup: aws.redshiftserverless.Workgroup;
  public readonly usageLimit: aws.redshiftserverless.UsageLimit;

  public readonly workgroupName: pulumi.Output<string>;
  public readonly workgroupArn: pulumi.Output<string>;
  public readonly databaseName: string;
  /** Secrets Manager secret AWS created for the admin user (encrypted with the platform key). */
  public readonly adminSecretArn: pulumi.Output<string>;
  public readonly endpointAddress: pulumi.Output<string>;
  public readonly port: number;
  public readonly jdbcUrl: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;

  public constructor(name: string, args: ServerlessWarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:warehouse:ServerlessWarehouse", name, {}, opts);
    const s = resolveWarehouseSettings(name, args);
    const parent = { parent: this };
    const physical = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 60);

    // No NAT gateway (strategy None): about 35 USD a month each plus data processing, and
    // nothing here initiates outbound internet traffic. Private (awsx "Isolated": no NAT,
    // no internet route) subnets in every AZ; public subnets (internet gateway only) exist
    // only for a publicly reachable endpoint.
    this.vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: s.cidrBlock,
      numberOfAvailabilityZones: s.availabilityZones,
      natGateways: { strategy: "None" },
      subnetStrategy: "Auto",
      subnetSpecs: [{ type: "Isolated", cidrMask: 22 }, ...(s.publiclyAccessible ? [{ type: "Public" as const, cidrMask: 24 }] : [])],
      // Enhanced VPC routing sends COPY's S3 traffic through the VPC: a gateway endpoint (no charge)
      // keeps it on the AWS network instead of the internet gateway. "Auto" associates it with the
      // route tables awsx creates for the subnets.
      ...(s.publiclyAccessible
        ? { vpcEndpointStrategy: "Auto" as const, vpcEndpointSpecs: [{ serviceName: s3GatewayServiceName(args.awsRegion), vpcEndpointType: "Gateway" }] }
        : {}),
      enableDnsHostnames: true,
      enableDnsSupport: true,
    }, parent);

    this.clientSecurityGroup = new aws.ec2.SecurityGroup(`${name}-clients`, {
      vpcId: this.vpc.vpcId,
      description: "Clients of the warehouse inside the VPC",
      egress: [{ protocol: "tcp", fromPort: s.port, toPort: s.port, cidrBlocks: [s.cidrBlock], description: "Redshift" }],
    }, parent);

    this.securityGroup = new aws.ec2.SecurityGroup(`${name}-redshift`, {
      vpcId: this.vpc.vpcId,
      description: "Redshift Serverless workgroup: port 5439 from VPC clients and the allowed CIDR blocks only",
      ingress: [
        { protocol: "tcp", fromPort: s.port, toPort: s.port, securityGroups: [this.clientSecurityGroup.id], description: "VPC clients" },
        ...(s.publiclyAccessible ? [{ protocol: "tcp", fromPort: s.port, toPort: s.port, cidrBlocks: [...args.publicIngressCidrs], description: "Amazon Data Firehose" }] : []),
      ],
      // COPY reads the staging bucket over HTTPS.
      egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "S3 (COPY)" }],
    }, parent);

    const roles = args.iamRoleArns ?? [];
    this.namespace = new aws.redshiftserverless.Namespace(`${name}-namespace`, {
      namespaceName: physical,
      dbName: args.databaseName,
      adminUsername: s.adminUsername,
      // AWS generates the admin password and keeps it in Secrets Manager: never in config or state.
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: args.kmsKeyArn,
      kmsKeyId: args.kmsKeyArn,
      ...(roles.length > 0 ? { iamRoles: [...roles], defaultIamRoleArn: roles[0] } : {}),
    }, parent);

    this.workgroup = new aws.redshiftserverless.Workgroup(`${name}-workgroup`, {
      workgroupName: physical,
      namespaceName: this.namespace.namespaceName,
      baseCapacity: s.baseCapacity,
      maxCapacity: s.maxCapacity,
      publiclyAccessible: s.publiclyAccessible,
      // Enhanced VPC routing sends COPY's S3 traffic through the VPC: only where the VPC has a
      // route to S3 (the S3 gateway endpoint of a public warehouse). A private warehouse keeps
      // Redshift's own route to S3.
      enhancedVpcRouting: s.publiclyAccessible,
      port: s.port,
      subnetIds: s.publiclyAccessible ? this.vpc.publicSubnetIds : this.vpc.isolatedSubnetIds,
      securityGroupIds: [this.securityGroup.id],
      configParameters: [
        // A runaway query stops after an hour rather than burning the month's RPU-hours.
        { parameterKey: "max_query_execution_time", parameterValue: "3600" },
        { parameterKey: "require_ssl", parameterValue: "true" },
      ],
    }, parent);

    this.usageLimit = new aws.redshiftserverless.UsageLimit(`${name}-usage-limit`, {
      resourceArn: this.workgroup.arn,
      usageType: "serverless-compute",
      period: "monthly",
      amount: s.monthlyRpuHours,
      breachAction: args.breachAction,
    }, parent);

    this.workgroupName = this.workgroup.workgroupName;
    this.workgroupArn = this.workgroup.arn;
    this.databaseName = args.databaseName;
    this.adminSecretArn = this.namespace.adminPasswordSecretArn;
    this.endpointAddress = this.workgroup.endpoints.apply((e) => e[0]?.address ?? "");
    this.port = s.port;
    this.jdbcUrl = pulumi.interpolate`jdbc:redshift://${this.endpointAddress}:${s.port}/${args.databaseName}`;
    this.privateSubnetIds = this.vpc.isolatedSubnetIds;
    this.registerOutputs({ workgroupName: this.workgroupName, adminSecretArn: this.adminSecretArn, jdbcUrl: this.jdbcUrl });
  }
}
