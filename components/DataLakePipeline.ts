/**
 * P1, the serverless data lake (docs/brief.md): batch files land raw in S3 ->
 * a Glue crawler infers their schema into the Data Catalog -> a Glue ETL job
 * (PySpark, shipped as an asset) types, validates and writes curated Parquet ->
 * the curated table is catalogued by partition projection -> Athena answers SQL
 * with a per-query scan cutoff -> QuickSight dashboards (switchable). No warehouse.
 *
 * Why partition projection for the curated zone rather than a second crawler:
 * the job writes a layout we own (`sales/dt=yyyy-MM-dd/`, schema in
 * datalake/curated.ts), so nothing is left to infer; projection needs no crawler
 * runs (no DPU bill, no delay before a new day is queryable) and Athena prunes
 * partitions from the WHERE clause without catalog calls. The raw zone keeps a
 * crawler because its files come from exports whose columns may drift.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Limits, Operations, Protection, QuickSightSchema, Workload } from "../environments";
import { z } from "zod";
import { SecureBucket, retentionLifecycle } from "./shared/SecureBucket";
import {
  CURATED_COLUMNS,
  CURATED_PARTITION,
  CURATED_PREFIX,
  CURATED_TABLE,
  LAKE_QUERIES,
  RAW_PREFIX,
  RAW_TABLE,
  RAW_TABLE_PREFIX,
  REJECTED_PREFIX,
  projectionParameters,
  renderLakeQuery,
} from "./datalake/curated";
import {
  GLUE_VERSION,
  GlueCapacity,
  catalogArns,
  glueDefaultArguments,
  glueFailureAlerts,
  glueLogGroup,
  glueRole,
  glueRuntimeStatements,
  glueScheduleExpression,
  glueSecurityConfiguration,
  resolveGlueCapacity,
} from "./datalake/glue";
import { PipelineMetadata } from "./stages";

export interface DataLakePipelineArgs {
  readonly workload: Workload;
  readonly limits: Limits;
  readonly protection: Protection;
  readonly operations: Operations;
  readonly quicksight: z.infer<typeof QuickSightSchema>;
  /** From PlatformCore. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly alertTopicArn: pulumi.Input<string>;
  /** Glue/Athena-safe prefix for catalog names, e.g. "retail_data_platform_dev". */
  readonly catalogPrefix: string;
  /** First date the curated partition projection covers (yyyy-MM-dd). Default 2025-01-01. */
  readonly projectionStartDate?: string;
  /** How long raw exports are kept, in days. Default: the history retention, capped at 90. */
  readonly rawRetentionDays?: number;
}

export interface ResolvedDataLakeSettings {
  readonly glue: GlueCapacity;
  /** Glue cron (UTC) of the crawl-then-transform workflow; undefined: on demand only. */
  readonly schedule?: string;
  readonly rawRetentionDays: number;
  readonly curatedRetentionDays: number;
  readonly rejectedRetentionDays: number;
  readonly athenaResultsRetentionDays: number;
  readonly tempRetentionDays: number;
  readonly bytesScannedCutoffPerQuery: number;
  readonly projectionStartDate: string;
  readonly databaseName: string;
}

const MB = 1024 * 1024;

/** Resolves defaults and rejects contradictions before any resource exists. Pure; tested directly. */
export function resolveDataLakeSettings(args: DataLakePipelineArgs): ResolvedDataLakeSettings {
  if (args.quicksight.enabled && !args.quicksight.principalArn) {
    throw new Error("DataLakePipeline: quicksight.principalArn is required when quicksight.enabled is true");
  }
  const history = args.workload.historyRetentionDays;
  const raw = args.rawRetentionDays ?? Math.min(history, 90);
  if (!Number.isInteger(raw) || raw < 1) throw new Error(`DataLakePipeline: rawRetentionDays must be a whole number of days of 1 or more (got ${raw})`);
  const glue = resolveGlueCapacity("DataLakePipeline", args.limits.glue);
  const schedule = glueScheduleExpression(glue.runsPerDay);
  const projectionStartDate = args.projectionStartDate ?? "2025-01-01";
  projectionParameters("validation", projectionStartDate);
  return {
    glue,
    ...(schedule !== undefined ? { schedule } : {}),
    rawRetentionDays: raw,
    curatedRetentionDays: history,
    rejectedRetentionDays: Math.max(14, Math.min(history, 90)),
    athenaResultsRetentionDays: Math.min(history, 30),
    tempRetentionDays: 7,
    bytesScannedCutoffPerQuery: args.limits.athena.bytesScannedCutoffPerQueryMb * MB,
    projectionStartDate,
    databaseName: `${args.catalogPrefix.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_lake`,
  };
}

export const DATALAKE_METADATA: PipelineMetadata = {
  kind: "datalake",
  component: "DataLakePipeline",
  title: "Serverless data lake",
  latencyClass: "batch",
  useCase:
    "Large volumes of batch files (daily order exports, partner feeds) explored ad hoc with SQL: pay per query and per job run, no server or warehouse to keep running, schema discovered from the files.",
  stages: [
    { stage: "acquire", service: "Amazon S3", role: "Receives batch files as they are, in an encrypted raw zone with a retention.", resourceTypes: ["aws:s3/bucket:Bucket"] },
    { stage: "transform", service: "AWS Glue (crawler + ETL job)", role: "A crawler infers the raw files' schema into the Data Catalog; a PySpark job types, validates and writes curated Parquet with bounded workers and a timeout.", resourceTypes: ["aws:glue/crawler:Crawler", "aws:glue/job:Job", "aws:glue/workflow:Workflow", "aws:glue/trigger:Trigger"] },
    { stage: "store", service: "Amazon S3 + AWS Glue Data Catalog", role: "Keeps curated Parquet partitioned by date, catalogued by partition projection (no second crawler).", resourceTypes: ["aws:s3/bucket:Bucket", "aws:glue/catalogDatabase:CatalogDatabase", "aws:glue/catalogTable:CatalogTable"] },
    { stage: "analyse", service: "Amazon Athena", role: "Answers ad hoc and saved SQL over the curated zone, each query cancelled past the bytes-scanned cutoff.", resourceTypes: ["aws:athena/workgroup:Workgroup", "aws:athena/namedQuery:NamedQuery"] },
    { stage: "visualise", service: "Amazon QuickSight", role: "Dashboards for business users on an Athena data source and dataset (switchable per environment).", resourceTypes: ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet"] },
  ],
};

export class DataLakePipeline extends pulumi.ComponentResource {
  public static readonly metadata = DATALAKE_METADATA;

  public readonly rawBucket: SecureBucket;
  public readonly curatedBucket: SecureBucket;
  public readonly artifactsBucket: SecureBucket;
  public readonly database: aws.glue.CatalogDatabase;
  public readonly rawCrawler: aws.glue.Crawler;
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
    const s = resolveDataLakeSettings(args);
    const parent = { parent: this };
    const { protection, operations } = args;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    // ---- Acquire: the raw zone --------------------------------------------------------------
    this.rawBucket = new SecureBucket(`${name}-raw`, {
      kmsKeyArn: args.kmsKeyArn,
      versioning: protection.bucketVersioning,
      forceDestroy: protection.forceDestroyBuckets,
      lifecycle: [retentionLifecycle("raw-retention", s.rawRetentionDays, RAW_PREFIX), retentionLifecycle("rejected-retention", s.rejectedRetentionDays, REJECTED_PREFIX)],
    }, parent);

    // ---- Store: the curated zone, and the pipeline's own artifacts (scripts, temp, query results)
    this.curatedBucket = new SecureBucket(`${name}-curated`, {
      kmsKeyArn: args.kmsKeyArn,
      versioning: protection.bucketVersioning,
      forceDestroy: protection.forceDestroyBuckets,
      lifecycle: [retentionLifecycle("curated-retention", s.curatedRetentionDays, CURATED_PREFIX)],
    }, parent);

    this.artifactsBucket = new SecureBucket(`${name}-artifacts`, {
      kmsKeyArn: args.kmsKeyArn,
      versioning: protection.bucketVersioning,
      forceDestroy: true,
      lifecycle: [retentionLifecycle("glue-temp", s.tempRetentionDays, "tmp/"), retentionLifecycle("athena-results", s.athenaResultsRetentionDays, "athena/")],
    }, parent);

    const script = new aws.s3.BucketObjectv2(`${name}-raw-to-curated-script`, {
      bucket: this.artifactsBucket.bucketName,
      key: "scripts/raw_to_curated.py",
      source: new pulumi.asset.FileAsset(path.join(__dirname, "datalake", "scripts", "raw_to_curated.py")),
      contentType: "text/x-python",
      serverSideEncryption: "aws:kms",
      kmsKeyId: args.kmsKeyArn,
    }, parent);

    this.database = new aws.glue.CatalogDatabase(`${name}-catalog`, {
      name: s.databaseName,
      description: "Data lake: raw exports (crawled) and curated sales lines (partition projection)",
    }, parent);
    const arns = catalogArns(region, accountId, this.database.name);
    const security = glueSecurityConfiguration(`${name}-glue-security`, args.kmsKeyArn, parent);
    const runtime = glueRuntimeStatements(region, accountId, args.kmsKeyArn);

    // ---- Transform: crawler over the raw zone ---------------------------------------------------
    const crawlerRole = glueRole(`${name}-raw-crawler-role`, "Glue crawler: read the raw zone, write raw_* tables", [
      { sid: "ListRaw", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [this.rawBucket.arn] },
      { sid: "ReadRaw", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${this.rawBucket.arn}/${RAW_PREFIX}*`] },
      {
        sid: "CatalogRawTables",
        actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchCreatePartition", "glue:BatchGetPartition", "glue:UpdatePartition", "glue:GetSecurityConfiguration"],
        resources: [arns.catalog, arns.database, arns.tables, pulumi.interpolate`arn:aws:glue:${region}:${accountId}:securityConfiguration/*`],
      },
      ...runtime,
    ], parent);

    this.rawCrawler = new aws.glue.Crawler(`${name}-raw-crawler`, {
      description: "Infers the schema of raw sales exports into the Data Catalog (new folders only)",
      databaseName: this.database.name,
      role: crawlerRole.arn,
      tablePrefix: RAW_TABLE_PREFIX,
      s3Targets: [{ path: pulumi.interpolate`s3://${this.rawBucket.bucketName}/${RAW_PREFIX}` }],
      securityConfiguration: security.name,
      // Re-crawling only new folders keeps each run short; the catalog is only extended.
      recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
      schemaChangePolicy: { deleteBehavior: "LOG", updateBehavior: "LOG" },
      configuration: JSON.stringify({
        Version: 1.0,
        Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
        CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
      }),
    }, parent);

    // ---- Transform: the ETL job, raw -> curated Parquet ---------------------------------------
    const jobLogs = glueLogGroup(`${name}-raw-to-curated`, operations.logRetentionDays, args.kmsKeyArn, parent);
    const jobRole = glueRole(`${name}-raw-to-curated-role`, "Glue job: raw exports -> curated Parquet", [
      { sid: "ListZones", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [this.rawBucket.arn, this.curatedBucket.arn, this.artifactsBucket.arn] },
      { sid: "ReadRaw", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${this.rawBucket.arn}/${RAW_PREFIX}*`] },
      { sid: "SetAsideRejected", actions: ["s3:PutObject", "s3:AbortMultipartUpload"], resources: [pulumi.interpolate`${this.rawBucket.arn}/${REJECTED_PREFIX}*`] },
      { sid: "ReadScript", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${this.artifactsBucket.arn}/scripts/*`] },
      { sid: "UseTemp", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], resources: [pulumi.interpolate`${this.artifactsBucket.arn}/tmp/*`] },
      { sid: "WriteCurated", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], resources: [pulumi.interpolate`${this.curatedBucket.arn}/${CURATED_PREFIX}*`] },
      { sid: "ReadCatalog", actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:GetSecurityConfiguration"], resources: [arns.catalog, arns.database, arns.tables, pulumi.interpolate`arn:aws:glue:${region}:${accountId}:securityConfiguration/*`] },
      ...runtime,
    ], parent);

    this.etlJob = new aws.glue.Job(`${name}-raw-to-curated`, {
      description: "Types and validates raw sales lines, writes curated Snappy Parquet by date, sets invalid lines aside",
      roleArn: jobRole.arn,
      glueVersion: GLUE_VERSION,
      command: { name: "glueetl", pythonVersion: "3", scriptLocation: pulumi.interpolate`s3://${script.bucket}/${script.key}` },
      workerType: s.glue.workerType,
      numberOfWorkers: s.glue.numberOfWorkers,
      timeout: s.glue.timeoutMinutes,
      maxRetries: 0,
      executionProperty: { maxConcurrentRuns: 1 },
      securityConfiguration: security.name,
      defaultArguments: {
        ...glueDefaultArguments(jobLogs.name, pulumi.interpolate`s3://${this.artifactsBucket.bucketName}/tmp/`),
        "--SOURCE_DATABASE": this.database.name,
        "--SOURCE_TABLE": RAW_TABLE,
        "--CURATED_PATH": pulumi.interpolate`s3://${this.curatedBucket.bucketName}/${CURATED_PREFIX}`,
        "--REJECTED_PATH": pulumi.interpolate`s3://${this.rawBucket.bucketName}/${REJECTED_PREFIX}`,
      },
    }, parent);

    // Crawl, then transform once the crawl succeeded; at most runsPerDay times a day.
    this.workflow = new aws.glue.Workflow(`${name}-nightly`, {
      description: "Crawl the raw zone, then run the curated ETL job",
      maxConcurrentRuns: 1,
    }, parent);
    new aws.glue.Trigger(`${name}-start`, {
      workflowName: this.workflow.name,
      ...(s.schedule !== undefined ? { type: "SCHEDULED", schedule: s.schedule } : { type: "ON_DEMAND" }),
      actions: [{ crawlerName: this.rawCrawler.name }],
    }, parent);
    new aws.glue.Trigger(`${name}-after-crawl`, {
      workflowName: this.workflow.name,
      type: "CONDITIONAL",
      predicate: { conditions: [{ crawlerName: this.rawCrawler.name, crawlState: "SUCCEEDED" }] },
      actions: [{ jobName: this.etlJob.name, timeout: s.glue.timeoutMinutes }],
    }, parent);

    glueFailureAlerts(`${name}-glue-failures`, [this.etlJob.name], [this.rawCrawler.name], args.alertTopicArn, parent);

    // ---- Store: the curated table, catalogued by partition projection ---------------------------
    const curatedLocation = pulumi.interpolate`s3://${this.curatedBucket.bucketName}/${CURATED_PREFIX}`;
    this.curatedTable = new aws.glue.CatalogTable(`${name}-curated-table`, {
      databaseName: this.database.name,
      name: CURATED_TABLE,
      description: "Curated sales lines (typed, validated), one row per purchase line",
      tableType: "EXTERNAL_TABLE",
      parameters: this.curatedBucket.bucketName.apply((bucket) => ({ EXTERNAL: "TRUE", ...projectionParameters(bucket, s.projectionStartDate) })),
      partitionKeys: [{ ...CURATED_PARTITION }],
      storageDescriptor: {
        location: curatedLocation,
        inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", parameters: { "serialization.format": "1" } },
        columns: CURATED_COLUMNS.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      },
    }, parent);

    // ---- Analyse: Athena with enforced limits ------------------------------------------------
    this.workgroup = new aws.athena.Workgroup(`${name}-analytics`, {
      description: "Data lake queries; each query is cancelled past the bytes-scanned cutoff",
      forceDestroy: !protection.deletionProtection,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: s.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: pulumi.interpolate`s3://${this.artifactsBucket.bucketName}/athena/`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
        },
      },
    }, parent);

    this.namedQueries = LAKE_QUERIES.map(
      (q) =>
        new aws.athena.NamedQuery(`${name}-${q.id}`, {
          name: q.id,
          description: q.description,
          workgroup: this.workgroup.name,
          database: this.database.name,
          query: pulumi.all([this.database.name, this.curatedTable.name]).apply(([db, table]) => renderLakeQuery(q, db, table)),
        }, parent),
    );

    // ---- Visualise: QuickSight on Athena (needs an account subscription; off in dev) -----------
    if (args.quicksight.enabled && args.quicksight.principalArn) {
      const principal = args.quicksight.principalArn;
      const dataSource = new aws.quicksight.DataSource(`${name}-quicksight-source`, {
        dataSourceId: `${pulumi.getProject()}-${pulumi.getStack()}-${name}-athena`,
        awsAccountId: accountId,
        name: `Data lake (${pulumi.getStack()})`,
        type: "ATHENA",
        parameters: { athena: { workGroup: this.workgroup.name } },
        sslProperties: { disableSsl: false },
        permissions: [{ principal, actions: ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"] }],
      }, parent);
      new aws.quicksight.DataSet(`${name}-quicksight-dataset`, {
        dataSetId: `${pulumi.getProject()}-${pulumi.getStack()}-${name}-sales`,
        awsAccountId: accountId,
        name: `Curated sales lines (${pulumi.getStack()})`,
        importMode: "SPICE",
        physicalTableMaps: [
          {
            physicalTableMapId: "sales",
            relationalTable: {
              dataSourceArn: dataSource.arn,
              catalog: "AwsDataCatalog",
              schema: this.database.name,
              name: this.curatedTable.name,
              inputColumns: [...CURATED_COLUMNS, CURATED_PARTITION].map((c) => ({ name: c.name, type: quicksightType(c.type) })),
            },
          },
        ],
        permissions: [{ principal, actions: ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet", "quicksight:DescribeIngestion", "quicksight:ListIngestions"] }],
      }, parent);
    }

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
    });
  }
}

/** QuickSight input column type of a Glue column type. Pure. */
export function quicksightType(glueType: string): "STRING" | "INTEGER" | "DECIMAL" | "DATETIME" {
  if (glueType.startsWith("decimal") || glueType === "double" || glueType === "float") return "DECIMAL";
  if (glueType === "int" || glueType === "bigint" || glueType === "smallint") return "INTEGER";
  if (glueType === "timestamp" || glueType === "date") return "DATETIME";
  return "STRING";
}
