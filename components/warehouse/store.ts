/**
 * Store: the warehouse (bounded RPUs, usage limit, AWS-managed admin secret),
 * its target table created through the Redshift Data API at deploy time, and
 * the staging zone Firehose COPYs from.
 */
import * as aws from "@pulumi/aws";
import { ServerlessWarehouse } from "../shared/ServerlessWarehouse";
import { pipelineBucket, retentionLifecycle, SecureBucket } from "../shared/SecureBucket";
import { StreamingWarehouseContext } from "./context";
import { SALES_EVENTS_TABLE, createTableSql } from "./salesEvents";

export interface WarehouseStoreStage {
  readonly warehouse: ServerlessWarehouse;
  readonly createTable: aws.redshiftdata.Statement;
  readonly stagingBucket: SecureBucket;
}

export function buildStore({ name, args, settings: s, opts }: StreamingWarehouseContext): WarehouseStoreStage {
  const warehouse = new ServerlessWarehouse(`${name}-warehouse`, {
    redshift: args.limits.redshift,
    breachAction: s.breachAction,
    kmsKeyArn: args.kmsKeyArn,
    awsRegion: args.awsRegion,
    databaseName: s.databaseName,
    publicIngressCidrs: s.firehoseCidrs,
  }, opts);
  // The documented table-creation mechanism: one Data API statement, run at deploy time.
  const createTable = new aws.redshiftdata.Statement(`${name}-create-table`, {
    workgroupName: warehouse.workgroupName,
    database: s.databaseName,
    secretArn: warehouse.adminSecretArn,
    sql: createTableSql(),
    statementName: `${name}-create-${SALES_EVENTS_TABLE}`,
  }, { ...opts, dependsOn: [warehouse] });
  const stagingBucket = pipelineBucket(`${name}-staging`, args, [retentionLifecycle("staging", s.stagingRetentionDays, "staging/"), retentionLifecycle("errors", 30, "errors/")], opts);
  return { warehouse, createTable, stagingBucket };
}
