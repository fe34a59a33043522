/**
 * Store: the lake's Data Catalog database, what every Glue role and run of it
 * shares (the KMS security configuration, the runtime statements), the raw
 * table (defined here, not crawled) and the curated table, catalogued by
 * partition projection.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { catalogArns, glueRuntimeStatements, glueSecurityConfiguration, parquetStorage } from "../shared/glue";
import { DataLakeContext, LakeGlue, LakeZones } from "./context";
import { CURATED_COLUMNS, CURATED_PARTITION, CURATED_PREFIX, CURATED_TABLE, projectionParameters, RAW_COLUMNS, RAW_PREFIX, RAW_TABLE, RAW_TABLE_PARAMETERS } from "./curated";

export function buildLakeGlue({ name, args, settings: s, opts, region, accountId }: DataLakeContext): LakeGlue {
  const database = new aws.glue.CatalogDatabase(`${name}-catalog`, {
    name: s.databaseName,
    description: "Data lake: raw exports (CSV, defined columns) and curated sales lines (partition projection)",
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

/**
 * The raw exports' table, defined rather than crawled: a crawler run has no time limit AWS
 * enforces, so its cost had no bound; the exports' columns are ours to declare (RAW_COLUMNS), and
 * a new column is a reviewed change. Non-partitioned: the job reads it from the catalog and its
 * bookmarks track which S3 files it has processed.
 * https://docs.aws.amazon.com/glue/latest/dg/monitor-continuations.html
 */
export function buildRawTable({ name, opts }: DataLakeContext, zones: LakeZones, database: aws.glue.CatalogDatabase): aws.glue.CatalogTable {
  return new aws.glue.CatalogTable(`${name}-raw-table`, {
    databaseName: database.name,
    name: RAW_TABLE,
    description: "Raw sales exports (CSV with a header line) as producers upload them through the gate",
    tableType: "EXTERNAL_TABLE",
    parameters: { ...RAW_TABLE_PARAMETERS },
    storageDescriptor: {
      location: pulumi.interpolate`s3://${zones.raw.bucketName}/${RAW_PREFIX}`,
      inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
      outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
      serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.serde2.OpenCSVSerde", parameters: { separatorChar: ",", quoteChar: '"', escapeChar: "\\" } },
      columns: RAW_COLUMNS.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
    },
  }, opts);
}
