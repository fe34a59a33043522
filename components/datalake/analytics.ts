/** Analyse and visualise: Athena over the curated zone with enforced limits, the saved queries, and QuickSight (switchable). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { analyticsWorkgroup, namedQueries } from "../shared/athena";
import { athenaDashboardSource, quicksightPrincipal } from "../shared/quicksight";
import { DataLakeContext, LakeZones } from "./context";
import { catalogArns } from "../shared/glue";
import { CURATED_COLUMNS, CURATED_PARTITION, CURATED_PREFIX, LAKE_QUERIES, renderLakeQuery } from "./curated";

export interface LakeAnalyticsStage {
  readonly workgroup: aws.athena.Workgroup;
  readonly namedQueries: aws.athena.NamedQuery[];
}

export function buildAnalytics(ctx: DataLakeContext, zones: LakeZones, database: aws.glue.CatalogDatabase, curatedTable: aws.glue.CatalogTable): LakeAnalyticsStage {
  const { name, args, settings: s, opts } = ctx;
  const workgroup = analyticsWorkgroup(`${name}-analytics`, {
    description: "Data lake queries; each query is cancelled past the bytes-scanned cutoff",
    forceDestroy: !args.protection.deletionProtection,
    bytesScannedCutoffPerQuery: s.bytesScannedCutoffPerQuery,
    outputLocation: pulumi.interpolate`s3://${zones.artifacts.bucketName}/athena/`,
    kmsKeyArn: args.kmsKeyArn,
  }, opts);
  const queries = namedQueries(name, LAKE_QUERIES, { workgroup: workgroup.name, database: database.name, table: curatedTable.name }, renderLakeQuery, opts);
  // QuickSight needs an account subscription: off in dev.
  if (args.quicksight.enabled) {
    const catalog = catalogArns(ctx.region, ctx.accountId, database.name);
    athenaDashboardSource(name, {
      accountId: ctx.accountId,
      access: {
        workgroupArn: workgroup.arn,
        catalogArns: [catalog.catalog, catalog.database, pulumi.interpolate`arn:aws:glue:${ctx.region}:${ctx.accountId}:table/${database.name}/${curatedTable.name}`],
        dataBucketArn: zones.curated.arn,
        dataObjectsArn: pulumi.interpolate`${zones.curated.arn}/${CURATED_PREFIX}*`,
        resultsBucketArn: zones.artifacts.arn,
        resultObjectsArn: pulumi.interpolate`${zones.artifacts.arn}/athena/*`,
        kmsKeyArn: args.kmsKeyArn,
      },
      principalArn: quicksightPrincipal(args.quicksight, args.awsRegion, opts),
      workgroupName: workgroup.name,
      database: database.name,
      table: curatedTable.name,
      columns: [...CURATED_COLUMNS, CURATED_PARTITION],
      dataSourceName: `Data lake (${pulumi.getStack()})`,
      dataSetName: `Curated sales lines (${pulumi.getStack()})`,
      dataSetKey: "sales",
    }, opts);
  }
  return { workgroup, namedQueries: queries };
}
