/**
 * Transform: a crawler infers the raw zone's schema into the catalog, then a
 * PySpark job types, validates and writes curated Parquet; a Glue workflow
 * runs crawl-then-job at most `runsPerDay` times a day, and failed runs reach
 * the alert topic.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { glueFailureAlerts, glueRole, glueScriptJob, sparkWritePaths } from "../shared/glue";
import { DataLakeContext, LakeGlue, LakeZones } from "./context";
import { CURATED_PREFIX, RAW_PREFIX, RAW_TABLE, RAW_TABLE_PREFIX, REJECTED_PREFIX } from "./curated";

export interface LakeTransformStage {
  readonly rawCrawler: aws.glue.Crawler;
  readonly etlJob: aws.glue.Job;
  readonly workflow: aws.glue.Workflow;
}

export function buildTransform(ctx: DataLakeContext, zones: LakeZones, glue: LakeGlue): LakeTransformStage {
  const { name, args, settings: s, opts } = ctx;
  const rawCrawler = rawZoneCrawler(ctx, zones, glue);
  const etlJob = rawToCuratedJob(ctx, zones, glue);
  // Crawl, then transform once the crawl succeeded; at most runsPerDay times a day.
  const workflow = new aws.glue.Workflow(`${name}-nightly`, {
    description: "Crawl the raw zone, then run the curated ETL job",
    maxConcurrentRuns: 1,
  }, opts);
  new aws.glue.Trigger(`${name}-start`, {
    workflowName: workflow.name,
    ...(s.schedule !== undefined ? { type: "SCHEDULED", schedule: s.schedule } : { type: "ON_DEMAND" }),
    actions: [{ crawlerName: rawCrawler.name }],
  }, opts);
  new aws.glue.Trigger(`${name}-after-crawl`, {
    workflowName: workflow.name,
    type: "CONDITIONAL",
    predicate: { conditions: [{ crawlerName: rawCrawler.name, crawlState: "SUCCEEDED" }] },
    actions: [{ jobName: etlJob.name, timeout: s.glue.timeoutMinutes }],
  }, opts);
  glueFailureAlerts(`${name}-glue-failures`, [etlJob.name], [rawCrawler.name], args.alertTopicArn, opts);
  return { rawCrawler, etlJob, workflow };
}

function rawZoneCrawler({ name, opts }: DataLakeContext, zones: LakeZones, glue: LakeGlue): aws.glue.Crawler {
  const { arns } = glue;
  const crawlerRole = glueRole(`${name}-raw-crawler-role`, "Glue crawler: read the raw zone, write raw_* tables", [
    { sid: "ListRaw", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [zones.raw.arn] },
    { sid: "ReadRaw", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${zones.raw.arn}/${RAW_PREFIX}*`] },
    {
      sid: "CatalogRawTables",
      actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchCreatePartition", "glue:BatchGetPartition", "glue:UpdatePartition"],
      resources: [arns.catalog, arns.database, arns.tables],
    },
    ...glue.runtime,
  ], opts);
  return new aws.glue.Crawler(`${name}-raw-crawler`, {
    description: "Infers the schema of raw sales exports into the Data Catalog (new folders only)",
    databaseName: glue.database.name,
    role: crawlerRole.arn,
    tablePrefix: RAW_TABLE_PREFIX,
    s3Targets: [{ path: pulumi.interpolate`s3://${zones.raw.bucketName}/${RAW_PREFIX}` }],
    securityConfiguration: glue.security.name,
    // Re-crawling only new folders keeps each run short; the catalog is only extended.
    recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
    schemaChangePolicy: { deleteBehavior: "LOG", updateBehavior: "LOG" },
    configuration: JSON.stringify({
      Version: 1.0,
      Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
      CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
    }),
  }, opts);
}

function rawToCuratedJob({ name, args, settings: s, opts }: DataLakeContext, zones: LakeZones, glue: LakeGlue): aws.glue.Job {
  const { raw, curated, artifacts } = zones;
  const { arns } = glue;
  return glueScriptJob(`${name}-raw-to-curated`, {
    description: "Types and validates raw sales lines, writes curated Snappy Parquet by date, sets invalid lines aside",
    roleDescription: "Glue job: raw exports -> curated Parquet",
    scriptPath: path.join(__dirname, "scripts", "raw_to_curated.py"),
    artifactsBucketName: artifacts.bucketName,
    capacity: s.glue,
    securityConfigurationName: glue.security.name,
    kmsKeyArn: args.kmsKeyArn,
    logRetentionDays: args.operations.logRetentionDays,
    tempDir: pulumi.interpolate`s3://${artifacts.bucketName}/tmp/`,
    statements: [
      { sid: "ListZones", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [raw.arn, curated.arn, artifacts.arn] },
      { sid: "ReadRaw", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${raw.arn}/${RAW_PREFIX}*`] },
      { sid: "SetAsideRejected", actions: ["s3:PutObject", "s3:AbortMultipartUpload"], resources: sparkWritePaths(raw.arn, REJECTED_PREFIX) },
      { sid: "ReadScript", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${artifacts.arn}/scripts/*`] },
      { sid: "UseTemp", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], resources: sparkWritePaths(artifacts.arn, "tmp/") },
      { sid: "WriteCurated", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], resources: sparkWritePaths(curated.arn, CURATED_PREFIX) },
      { sid: "ReadCatalog", actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions"], resources: [arns.catalog, arns.database, arns.tables] },
      ...glue.runtime,
    ],
    arguments: {
      "--SOURCE_DATABASE": glue.database.name,
      "--SOURCE_TABLE": RAW_TABLE,
      "--CURATED_PATH": pulumi.interpolate`s3://${curated.bucketName}/${CURATED_PREFIX}`,
      "--REJECTED_PATH": pulumi.interpolate`s3://${raw.bucketName}/${REJECTED_PREFIX}`,
    },
  }, opts);
}
