/**
 * QuickSight on a ServerlessWarehouse: a VPC connection in the warehouse's
 * private subnets (the warehouse admits the client security group), a REDSHIFT
 * data source that reads the AWS-managed admin secret (no password in config),
 * and one custom-SQL dataset. Used by P2 and P3 when `quicksight.enabled`.
 * QuickSight's own service role must be allowed to read the secret (an account
 * setting, outside this program).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, policyDocument } from "../shared/iam";
import { ServerlessWarehouse } from "./ServerlessWarehouse";

export interface WarehouseDashboardArgs {
  readonly warehouse: ServerlessWarehouse;
  /** QuickSight user or group ARN that owns the data source and dataset. */
  readonly principalArn: string;
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
    permissions: [{ principal, actions: ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"] }],
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
    permissions: [{ principal, actions: ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet", "quicksight:DescribeIngestion", "quicksight:ListIngestions"] }],
  }, opts);
}
