/**
 * QuickSight for the pipelines (needs an account subscription; switched per
 * environment with `quicksight.enabled`).
 *
 * On Athena (real-time history, data lake): an ATHENA data source on the
 * pipeline's workgroup and one SPICE dataset on a catalog table.
 *
 * On a ServerlessWarehouse: a VPC connection in the warehouse's
 * private subnets (the warehouse admits the client security group), a REDSHIFT
 * data source that reads the AWS-managed admin secret (no password in config),
 * and one custom-SQL dataset. Used by P2 and P3 when `quicksight.enabled`.
 * QuickSight's own service role must be allowed to read the secret (an account
 * setting, outside this program).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, policyDocument } from "./iam";
import { ServerlessWarehouse } from "./ServerlessWarehouse";

/** A stack's QuickSight settings (`platform:quicksight`). */
export interface QuickSightGroup {
  readonly groupName?: string;
  readonly namespace: string;
  readonly identityRegion?: string;
}

/**
 * The QuickSight group that owns the pipelines' data sources and datasets, in
 * the deploying account (never an account copied from config):
 * arn:aws:quicksight:<identity region>:<caller's account>:group/<namespace>/<group>.
 */
export function quicksightPrincipal(q: QuickSightGroup, awsRegion: string, opts: pulumi.InvokeOptions): pulumi.Output<string> {
  if (q.groupName === undefined) throw new Error("quicksight.groupName is required when quicksight.enabled is true");
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  return pulumi.interpolate`arn:aws:quicksight:${q.identityRegion ?? awsRegion}:${accountId}:group/${q.namespace}/${q.groupName}`;
}

/** What the owning principal may do with a data source and a dataset. */
const DATA_SOURCE_ACTIONS = ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"];
const DATA_SET_ACTIONS = ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet", "quicksight:DescribeIngestion", "quicksight:ListIngestions"];

/** QuickSight input column type of a Glue column type. Pure. */
export function quicksightType(glueType: string): "STRING" | "INTEGER" | "DECIMAL" | "DATETIME" {
  if (glueType.startsWith("decimal") || glueType === "double" || glueType === "float") return "DECIMAL";
  if (glueType === "int" || glueType === "bigint" || glueType === "smallint") return "INTEGER";
  if (glueType === "timestamp" || glueType === "date") return "DATETIME";
  return "STRING";
}

export interface AthenaDashboardArgs {
  readonly accountId: pulumi.Input<string>;
  /** QuickSight user or group ARN that owns the data source and dataset. */
  readonly principalArn: pulumi.Input<string>;
  readonly workgroupName: pulumi.Input<string>;
  readonly database: pulumi.Input<string>;
  readonly table: pulumi.Input<string>;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly dataSourceName: string;
  readonly dataSetName: string;
  /** Suffix of the dataset id and its physical table map id, e.g. "sales". */
  readonly dataSetKey: string;
}

/** An ATHENA data source (`<name>-quicksight-source`) and a SPICE dataset (`<name>-quicksight-dataset`) on one table. */
export function athenaDashboardSource(name: string, args: AthenaDashboardArgs, opts: pulumi.CustomResourceOptions): aws.quicksight.DataSet {
  const id = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
  const principal = args.principalArn;
  const dataSource = new aws.quicksight.DataSource(`${name}-quicksight-source`, {
    dataSourceId: `${id}-athena`,
    awsAccountId: args.accountId,
    name: args.dataSourceName,
    type: "ATHENA",
    parameters: { athena: { workGroup: args.workgroupName } },
    sslProperties: { disableSsl: false },
    permissions: [{ principal, actions: DATA_SOURCE_ACTIONS }],
  }, opts);
  return new aws.quicksight.DataSet(`${name}-quicksight-dataset`, {
    dataSetId: `${id}-${args.dataSetKey}`,
    awsAccountId: args.accountId,
    name: args.dataSetName,
    importMode: "SPICE",
    physicalTableMaps: [
      {
        physicalTableMapId: args.dataSetKey,
        relationalTable: {
          dataSourceArn: dataSource.arn,
          catalog: "AwsDataCatalog",
          schema: args.database,
          name: args.table,
          inputColumns: args.columns.map((c) => ({ name: c.name, type: quicksightType(c.type) })),
        },
      },
    ],
    permissions: [{ principal, actions: DATA_SET_ACTIONS }],
  }, opts);
}

export interface WarehouseDashboardArgs {
  readonly warehouse: ServerlessWarehouse;
  /** QuickSight user or group ARN that owns the data source and dataset. */
  readonly principalArn: pulumi.Input<string>;
  readonly dataSourceName: string;
  readonly dataSetName: string;
  /** Redshift SQL of the dataset (tested with the parser). */
  readonly sql: string;
  readonly columns: readonly { name: string; type: "STRING" | "INTEGER" | "DECIMAL" | "DATETIME" }[];
}

export function warehouseDashboardSource(name: string, args: WarehouseDashboardArgs, opts: pulumi.CustomResourceOptions): aws.quicksight.DataSet {
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  const region = aws.getRegionOutput({}, opts).region;
  const principal = args.principalArn;
  const id = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
  const role = new aws.iam.Role(`${name}-quicksight-vpc-role`, {
    description: "QuickSight: manage the network interfaces of its VPC connection to the warehouse",
    assumeRolePolicy: assumeRolePolicy("quicksight.amazonaws.com", accountId),
  }, opts);
  new aws.iam.RolePolicy(`${name}-quicksight-vpc-policy`, {
    role: role.id,
    policy: policyDocument([
      { sid: "DescribeNetwork", actions: ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"], resources: ["*"] },
      {
        sid: "ManageInterfaces",
        actions: ["ec2:CreateNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:DeleteNetworkInterface"],
        resources: [
          pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:network-interface/*`,
          pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:subnet/*`,
          pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:security-group/*`,
        ],
      },
    ]),
  }, opts);
  const vpcConnection = new aws.quicksight.VpcConnection(`${name}-quicksight-vpc`, {
    awsAccountId: accountId,
    vpcConnectionId: id,
    name: `${args.dataSourceName} network`,
    roleArn: role.arn,
    securityGroupIds: [args.warehouse.clientSecurityGroup.id],
    subnetIds: args.warehouse.privateSubnetIds,
  }, opts);
  const dataSource = new aws.quicksight.DataSource(`${name}-quicksight-source`, {
    dataSourceId: `${id}-redshift`,
    awsAccountId: accountId,
    name: args.dataSourceName,
    type: "REDSHIFT",
    parameters: { redshift: { host: args.warehouse.endpointAddress, port: args.warehouse.port, database: args.warehouse.databaseName } },
    credentials: { secretArn: args.warehouse.adminSecretArn },
    vpcConnectionProperties: { vpcConnectionArn: vpcConnection.arn },
    sslProperties: { disableSsl: false },
    permissions: [{ principal, actions: DATA_SOURCE_ACTIONS }],
  }, opts);
  return new aws.quicksight.DataSet(`${name}-quicksight-dataset`, {
    dataSetId: `${id}-dataset`,
    awsAccountId: accountId,
    name: args.dataSetName,
    importMode: "DIRECT_QUERY",
    physicalTableMaps: [
      {
        physicalTableMapId: "warehouse-sql",
        customSql: { dataSourceArn: dataSource.arn, name: "warehouse_sql", sqlQuery: args.sql, columns: args.columns.map((c) => ({ ...c })) },
      },
    ],
    permissions: [{ principal, actions: DATA_SET_ACTIONS }],
  }, opts);
}
