/**
 * Transform: a PySpark job reads the raw table (catalog.ts, defined columns, no
 * crawler), types, validates and writes curated Parquet; a Glue workflow's
 * scheduled trigger starts it at most `runsPerDay` times a day, each run
 * bounded by its workers and timeout, and failed runs reach the alert topic.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { glueFailureAlerts, glueScriptJob, sparkWritePaths } from "../shared/glue";
import { DataLakeContext, LakeGlue, LakeZones } from "./context";
import { CURATED_PREFIX, RAW_PREFIX, RAW_TABLE, REJECTED_PREFIX } from "./curated";

export interface LakeTransformStage {
  readonly etlJob: aws.glue.Job;
  readonly workflow: aws.glue.Workflow;
}

export function buildTransform(ctx: DataLakeContext, zones: LakeZones, glue: LakeGlue): LakeTransformStage {
  const { name, args, settings: s, opts } = ctx;
  const etlJob = rawToCuratedJob(ctx, zones, glue);
  // The job on its schedule, at most runsPerDay times a day (on demand only when runsPerDay is 0).
  const workflow = new aws.glue.Workflow(`${name}-nightly`, {
    description: "Run the curated ETL job over the raw exports",
    maxConcurrentRuns: 1,
  }, opts);
  new aws.glue.Trigger(`${name}-start`, {
    workflowName: workflow.name,
    ...(s.schedule !== undefined ? { type: "SCHEDULED", schedule: s.schedule } : { type: "ON_DEMAND" }),
    actions: [{ jobName: etlJob.name, timeout: s.glue.timeoutMinutes }],
  }, opts);
  glueFailureAlerts(`${name}-glue-failures`, [etlJob.name], [], args.alertTopicArn, opts);
  return { etlJob, workflow };
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
