/** Store: the private warehouse, the role Redshift COPYs the ENRICHED KPIs with, and the KPI tables created through the Data API. */
import * as aws from "@pulumi/aws";
import { policyDocument } from "../shared/iam";
import { ServerlessWarehouse } from "../shared/ServerlessWarehouse";
import { BatchEtlContext, BatchZones, objectsUnder } from "./context";
import { KPI_LATEST_PREFIX, createKpiStagingSql, createKpiTableSql } from "./sql";

export interface BatchStoreStage {
  readonly copyRole: aws.iam.Role;
  readonly warehouse: ServerlessWarehouse;
  /** The last table statement: loads may run once it has. */
  readonly tablesReady: aws.redshiftdata.Statement;
}

export function buildStore({ name, args, settings: s, opts }: BatchEtlContext, zones: BatchZones): BatchStoreStage {
  const copyRole = new aws.iam.Role(`${name}-copy-role`, {
    description: "Redshift: COPY the ENRICHED KPIs",
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] }, Action: "sts:AssumeRole" }],
    }),
  }, opts);
  new aws.iam.RolePolicy(`${name}-copy-policy`, {
    role: copyRole.id,
    policy: policyDocument([
      { sid: "ListEnriched", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [zones.enriched.arn] },
      { sid: "ReadLatestKpis", actions: ["s3:GetObject"], resources: [objectsUnder(zones.enriched, KPI_LATEST_PREFIX)] },
      { sid: "UseDataKey", actions: ["kms:Decrypt"], resources: [args.kmsKeyArn] },
    ]),
  }, opts);

  const warehouse = new ServerlessWarehouse(`${name}-warehouse`, {
    redshift: args.limits.redshift,
    breachAction: s.breachAction,
    kmsKeyArn: args.kmsKeyArn,
    awsRegion: args.awsRegion,
    databaseName: "retail",
    publicIngressCidrs: [],
    iamRoleArns: [copyRole.arn],
    cidrBlock: "10.61.0.0/16",
  }, opts);
  const statementOpts = { ...opts, dependsOn: [warehouse] };
  const createTable = new aws.redshiftdata.Statement(`${name}-create-kpis`, {
    workgroupName: warehouse.workgroupName,
    database: warehouse.databaseName,
    secretArn: warehouse.adminSecretArn,
    sql: createKpiTableSql(),
    statementName: `${name}-create-daily-kpis`,
  }, statementOpts);
  const createStaging = new aws.redshiftdata.Statement(`${name}-create-kpis-staging`, {
    workgroupName: warehouse.workgroupName,
    database: warehouse.databaseName,
    secretArn: warehouse.adminSecretArn,
    sql: createKpiStagingSql(),
    statementName: `${name}-create-daily-kpis-staging`,
  }, { ...opts, dependsOn: [createTable] });
  return { copyRole, warehouse, tablesReady: createStaging };
}
