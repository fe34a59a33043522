/**
 * P1, the serverless data lake (docs/brief.md): producers upload batch files
 * through the upload gate (presigned URLs, at most maxFilesPerDay a day) into
 * the raw zone, catalogued as a defined CSV table -> a Glue ETL job
 * (PySpark, shipped as an asset) types, validates and writes curated Parquet ->
 * the curated table is catalogued by partition projection -> Athena answers SQL
 * with a per-query scan cutoff -> QuickSight dashboards (switchable). No warehouse.
 *
 * Why partition projection for the curated zone rather than a second crawler:
 * the job writes a layout we own (`sales/dt=yyyy-MM-dd/`, schema in
 * datalake/curated.ts), so nothing is left to infer; projection needs no crawler
 * runs (no DPU bill, no delay before a new day is queryable) and Athena prunes
 * partitions from the WHERE clause without catalog calls. The raw zone has no
 * crawler either: a crawler run has no time limit AWS enforces (its cost had no
 * bound), and the exports' columns are declared in datalake/curated.ts.
 *
 * The constructor resolves the settings and calls one builder per stage
 * (components/datalake/): zones, catalog, transform, analytics.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureBucket } from "./shared/SecureBucket";
import { pipelineUploadGate, UploadGate, uploadGateRole } from "./shared/UploadGate";
import { RAW_PREFIX } from "./datalake/curated";
import { buildAnalytics } from "./datalake/analytics";
import { buildCuratedTable, buildLakeGlue, buildRawTable } from "./datalake/catalog";
import { DataLakeContext } from "./datalake/context";
import { DATALAKE_METADATA } from "./datalake/metadata";
import { DataLakePipelineArgs, resolveDataLakeSettings } from "./datalake/settings";
import { buildTransform } from "./datalake/transform";
import { buildZones } from "./datalake/zones";

export { DATALAKE_FIT, DATALAKE_METADATA } from "./datalake/metadata";
export { DataLakePipelineArgs, ResolvedDataLakeSettings, resolveDataLakeSettings } from "./datalake/settings";
export { quicksightType } from "./shared/quicksight";

export class DataLakePipeline extends pulumi.ComponentResource {
  public static readonly metadata = DATALAKE_METADATA;

  public readonly rawBucket: SecureBucket;
  public readonly curatedBucket: SecureBucket;
  public readonly artifactsBucket: SecureBucket;
  public readonly database: aws.glue.CatalogDatabase;
  public readonly rawTable: aws.glue.CatalogTable;
  public readonly uploadGate: UploadGate;
  public readonly etlJob: aws.glue.Job;
  public readonly curatedTable: aws.glue.CatalogTable;
  public readonly workflow: aws.glue.Workflow;
  public readonly workgroup: aws.athena.Workgroup;
  public readonly namedQueries: aws.athena.NamedQuery[];

  public readonly rawBucketName: pulumi.Output<string>;
  public readonly curatedBucketName: pulumi.Output<string>;
  public readonly databaseName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;
  public readonly jobName: pulumi.Output<string>;

  public constructor(name: string, args: DataLakePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pipelines:DataLake", name, {}, opts);
    const settings = resolveDataLakeSettings(args);
    const parent = { parent: this };
    const ctx: DataLakeContext = {
      name,
      args,
      settings,
      opts: parent,
      region: aws.getRegionOutput({}, parent).region,
      accountId: aws.getCallerIdentityOutput({}, parent).accountId,
    };

    const gateRole = uploadGateRole(`${name}-upload-gate`, parent);
    const zones = buildZones(ctx, gateRole.arn);
    ({ raw: this.rawBucket, curated: this.curatedBucket, artifacts: this.artifactsBucket } = zones);
    this.uploadGate = pipelineUploadGate(`${name}-upload-gate`, { bucket: zones.raw, prefix: RAW_PREFIX, role: gateRole }, args, parent);
    const glue = buildLakeGlue(ctx);
    this.database = glue.database;
    this.rawTable = buildRawTable(ctx, zones, this.database);
    ({ etlJob: this.etlJob, workflow: this.workflow } = buildTransform(ctx, zones, glue));
    this.curatedTable = buildCuratedTable(ctx, zones, this.database);
    ({ workgroup: this.workgroup, namedQueries: this.namedQueries } = buildAnalytics(ctx, zones, this.database, this.curatedTable));

    this.rawBucketName = this.rawBucket.bucketName;
    this.curatedBucketName = this.curatedBucket.bucketName;
    this.databaseName = this.database.name;
    this.workgroupName = this.workgroup.name;
    this.jobName = this.etlJob.name;
    this.registerOutputs({
      rawBucketName: this.rawBucketName,
      curatedBucketName: this.curatedBucketName,
      databaseName: this.databaseName,
      workgroupName: this.workgroupName,
      jobName: this.jobName,
      uploadUrl: this.uploadGate.url,
    });
  }
}
