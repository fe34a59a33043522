/**
 * Store: the lake's Data Catalog database, what every Glue role and run of it
 * shares (the KMS security configuration, the runtime statements), and the
 * curated table, catalogued by partition projection.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { catalogArns, glueRuntimeStatements, glueSecurityConfiguration, parquetStorage } from "../shared/glue";
import { DataLakeContext, LakeGlue, LakeZones } from "./context";
import { CURATED_COLUMNS, CURATED_PARTITION, CURATED_PREFIX, CURATED_TABLE, projectionParameters } from "./curated";

export function buildLakeGlue({ name, args, settings: s, opts, region, accountId }: DataLakeContext): LakeGlue {
  const database = new aws.glue.CatalogDatabase(`${name}-catalog`, {
    name: s.databaseName,
    description: "Data lake: raw exports (crawled) and curated sales lines (partition projection)",
  }, opts);
  return {
    database,
    arns: catalogArns(region, accountId, database.name),
    security: glueSecurityConfiguration(`${name}-glue-security`, args.kmsKeyArn, opts),
    runtime: glueRuntimeStatements(region, accountId, args.kmsKeyArn),
  };
}

export function buildCuratedTable({ name, settings: s, opts }: DataLakeContext, zones: LakeZones, database: aws.glue.CatalogDatabase): aws.glue.CatalogTable {
  const curatedLocation = pulumi.interpolate`s3://${zones.curated.bucketName}/${CURATED_PREFIX}`;
  return new aws.glue.CatalogTable(`${name}-curated-table`, {
    databaseName: database.name,
    name: CURATED_TABLE,
    description: "Curated sales lines (typed, validated), one row per purchase line",
    tableType: "EXTERNAL_TABLE",
    parameters: zones.curated.bucketName.apply((bucket) => ({ EXTERNAL: "TRUE", ...projectionParameters(bucket, s.projectionStartDate) })),
    partitionKeys: [{ ...CURATED_PARTITION }],
    storageDescriptor: parquetStorage(curatedLocation, CURATED_COLUMNS),
  }, opts);
}
