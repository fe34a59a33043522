/**
 * QuickSight for the pipelines (needs an account subscription; switched per
 * environment with `quicksight.enabled`).
 *
 * On Athena (real-time history, data lake): an ATHENA data source on the
 * pipeline's workgroup and one SPICE dataset on a catalog table. The data
 * source runs as its own role (AthenaParameters.RoleArn, in place of the
 * account-wide QuickSight service role, which knows nothing of our buckets
 * and key): the workgroup, the catalog, the table's objects, the results
 * prefix and the data key, nothing else.
 * https://docs.aws.amazon.com/quicksight/latest/APIReference/API_AthenaParameters.html
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

/** What an Athena data source's queries touch: its role is granted these and nothing else. */
export interface AthenaDataAccess {
  readonly workgroupArn: pulumi.Input<string>;
  /** The catalog, the database and the table (or `table/<db>/*`) ARNs. */
  readonly catalogArns: readonly pulumi.Input<string>[];
  readonly dataBucketArn: pulumi.Input<string>;
  /** The table's objects, e.g. `arn:aws:s3:::<bucket>/history/*`. */
  readonly dataObjectsArn: pulumi.Input<string>;
  readonly resultsBucketArn: pulumi.Input<string>;
  /** The workgroup's result objects, e.g. `arn:aws:s3:::<bucket>/athena/*`. */
  readonly resultObjectsArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
}

/**
 * The role QuickSight assumes to run a data source's Athena queries and read their results
 * (https://docs.aws.amazon.com/quicksight/latest/user/athena.html): query the workgroup, read
 * the catalog and the table's objects, write and read the results, use the key both are encrypted with.
 */
function athenaSourceRole(name: string, accountId: pulumi.Input<string>, access: AthenaDataAccess, opts: pulumi.CustomResourceOptions): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
  const role = new aws.iam.Role(`${name}-quicksight-athena-role`, {
    description: "QuickSight: run the data source's Athena queries over the table and read their results",
    assumeRolePolicy: assumeRolePolicy("quicksight.amazonaws.com", accountId),
  }, opts);
  const policy = new aws.iam.RolePolicy(`${name}-quicksight-athena-policy`, {
    role: role.id,
    policy: policyDocument([
      {
        sid: "QueryWorkgroup",
        actions: ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup"],
        resources: [access.workgroupArn],
      },
      { sid: "ReadCatalog", actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"], resources: [...access.catalogArns] },
      { sid: "ListBuckets", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [access.dataBucketArn, access.resultsBucketArn] },
      { sid: "ReadTable", actions: ["s3:GetObject"], resources: [access.dataObjectsArn] },
      { sid: "WriteResults", actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], resources: [access.resultObjectsArn] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [access.kmsKeyArn] },
    ]),
  }, opts);
  return { role, policy };
}

export interface AthenaDashboardArgs {
  readonly accountId: pulumi.Input<string>;
  /** What the data source's queries read and write (its role's grants). */
  readonly access: AthenaDataAccess;
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
  const { role, policy } = athenaSourceRole(name, args.accountId, args.access, opts);
  const dataSource = new aws.quicksight.DataSource(`${name}-quicksight-source`, {
    dataSourceId: `${id}-athena`,
    awsAccountId: args.accountId,
    name: args.dataSourceName,
    type: "ATHENA",
    parameters: { athena: { workGroup: args.workgroupName, roleArn: role.arn } },
    sslProperties: { disableSsl: false },
    permissions: [{ principal, actions: DATA_SOURCE_ACTIONS }],
  }, { ...opts, dependsOn: [policy] });
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
