/**
 * P3, multi-step batch ETL (docs/brief.md): exports of operational databases
 * land in an S3 RAW zone -> an S3-event-triggered Lambda (functions/file-check)
 * checks format, header, encoding and size and moves bad files to a quarantine
 * prefix with the reason -> Glue jobs clean/join/convert to Parquet (TRANSFORMED),
 * check quality, enrich with reference data and compute KPIs (ENRICHED) ->
 * loaded into Redshift Serverless through the Data API -> BI. A Step Functions
 * state machine orchestrates the steps (batchetl/stateMachine.ts), triggered
 * nightly by EventBridge Scheduler; every failure reaches the alert topic.
 *
 * The warehouse here is private (no public subnets, no NAT): the Data API and
 * COPY need no inbound network path. Relational sources may be described as
 * Glue JDBC connections whose credentials stay in Secrets Manager.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Limits, Operations, Protection, QuickSightSchema, Workload } from "../environments";
import { z } from "zod";
import { PlatformFunction } from "./shared/PlatformFunction";
import { SecureBucket, retentionLifecycle } from "./shared/SecureBucket";
import { assumeRolePolicy, policyDocument, Statement } from "./shared/iam";
import {
  GLUE_VERSION,
  GlueCapacity,
  glueDefaultArguments,
  glueFailureAlerts,
  glueLogGroup,
  glueRole,
  glueRuntimeStatements,
  glueSecurityConfiguration,
  resolveGlueCapacity,
} from "./datalake/glue";
import { ServerlessWarehouse, UsageLimitBreachAction, breachActionFor } from "./warehouse/ServerlessWarehouse";
import { warehouseDashboardSource } from "./warehouse/quicksight";
import { KPI_DASHBOARD_COLUMNS, KPI_DASHBOARD_SQL, KPI_LATEST_PREFIX, createKpiStagingSql, createKpiTableSql, loadStatements } from "./batchetl/sql";
import { batchEtlDefinition } from "./batchetl/stateMachine";
import { PipelineMetadata } from "./stages";

/** A relational source described as a Glue JDBC connection. No secret in config: only the secret's ARN. */
export interface JdbcSource {
  /** Short name, e.g. "orders-db" (lower case, digits, -). */
  readonly name: string;
  readonly engine: "postgresql" | "mysql";
  /** e.g. jdbc:postgresql://orders.internal:5432/shop (no credentials in it). */
  readonly jdbcUrl: string;
  /** Secrets Manager secret holding `username` and `password`. */
  readonly secretArn: string;
  /** Where Glue places its network interface to reach the database. */
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly securityGroupIds: readonly string[];
}

export interface BatchEtlPipelineArgs {
  readonly workload: Workload;
  readonly limits: Limits;
  readonly protection: Protection;
  readonly operations: Operations;
  readonly quicksight: z.infer<typeof QuickSightSchema>;
  /** From PlatformCore. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly alertTopicArn: pulumi.Input<string>;
  /** Relational sources exported into RAW; each becomes a Glue JDBC connection. Default none. */
  readonly sources?: readonly JdbcSource[];
  /** EventBridge Scheduler expression (UTC) of the nightly run. Default 02:00 daily. */
  readonly schedule?: string;
  /** Largest file the file check accepts, in MB. Default 512. */
  readonly maxFileMb?: number;
  /** CSV header the file check expects, e.g. "order_id,customer_id,ordered_at,region,currency". Optional. */
  readonly expectedHeader?: string;
  /** Usage-limit breach action. Default: "deactivate" without deletion protection (dev), "emit-metric" with it (prod). */
  readonly usageLimitBreachAction?: UsageLimitBreachAction;
  /** Minimum rows a run must produce to pass the quality check. Default 1. */
  readonly minRowsPerRun?: number;
}

export interface ResolvedBatchEtlSettings {
  readonly glue: GlueCapacity;
  readonly schedule: string;
  /** DISABLED when limits.glue.runsPerDay is 0. */
  readonly scheduleState: "ENABLED" | "DISABLED";
  readonly maxFileBytes: number;
  readonly breachAction: UsageLimitBreachAction;
  readonly rawRetentionDays: number;
  readonly quarantineRetentionDays: number;
  readonly zoneRetentionDays: number;
  readonly fileCheckConcurrency: number;
  readonly minRowsPerRun: number;
  readonly maxNullKeyRatio: number;
  readonly sources: readonly JdbcSource[];
}

const MB = 1024 * 1024;

/** Pure; tested directly. */
export function resolveBatchEtlSettings(args: BatchEtlPipelineArgs): ResolvedBatchEtlSettings {
  if (args.quicksight.enabled && !args.quicksight.principalArn) {
    throw new Error("BatchEtlPipeline: quicksight.principalArn is required when quicksight.enabled is true");
  }
  const glue = resolveGlueCapacity("BatchEtlPipeline", args.limits.glue);
  const maxFileMb = args.maxFileMb ?? 512;
  if (!Number.isInteger(maxFileMb) || maxFileMb < 1 || maxFileMb > 5 * 1024) throw new Error(`BatchEtlPipeline: maxFileMb must be a whole number from 1 to 5120 (got ${maxFileMb})`);
  const sources = args.sources ?? [];
  const names = new Set<string>();
  for (const src of sources) {
    if (!/^[a-z][a-z0-9-]{1,30}$/.test(src.name)) throw new Error(`BatchEtlPipeline: sources name ${src.name} must be lower-case letters, digits and - (2 to 31)`);
    if (names.has(src.name)) throw new Error(`BatchEtlPipeline: sources name ${src.name} is repeated`);
    names.add(src.name);
    if (!src.jdbcUrl.startsWith(`jdbc:${src.engine}://`)) throw new Error(`BatchEtlPipeline: sources ${src.name}.jdbcUrl must start with jdbc:${src.engine}:// (got ${src.jdbcUrl})`);
    if (/password|user(name)?=/i.test(src.jdbcUrl)) throw new Error(`BatchEtlPipeline: sources ${src.name}.jdbcUrl must not carry credentials; put them in the secret named by secretArn`);
    if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(src.secretArn)) throw new Error(`BatchEtlPipeline: sources ${src.name}.secretArn must be a Secrets Manager secret ARN`);
    if (src.securityGroupIds.length === 0) throw new Error(`BatchEtlPipeline: sources ${src.name}.securityGroupIds must list at least one security group`);
  }
  const history = args.workload.historyRetentionDays;
  return {
    glue,
    schedule: args.schedule ?? "cron(0 2 * * ? *)",
    scheduleState: glue.runsPerDay === 0 ? "DISABLED" : "ENABLED",
    maxFileBytes: maxFileMb * MB,
    breachAction: args.usageLimitBreachAction ?? breachActionFor(args.protection),
    rawRetentionDays: Math.max(7, Math.min(history, 30)),
    quarantineRetentionDays: Math.max(14, Math.min(history, 90)),
    zoneRetentionDays: history,
    fileCheckConcurrency: 5,
    minRowsPerRun: args.minRowsPerRun ?? 1,
    maxNullKeyRatio: 0.01,
    sources,
  };
}

export const BATCH_ETL_METADATA: PipelineMetadata = {
  kind: "batch-etl",
  component: "BatchEtlPipeline",
  title: "Multi-step batch ETL",
  latencyClass: "batch",
  useCase:
    "Complex multi-source data from operational databases (orders, customers, products) that must be joined, checked and enriched in auditable steps before business KPIs are loaded into a warehouse every night.",
  stages: [
    { stage: "acquire", service: "Amazon S3 + AWS Lambda", role: "Database exports land in the RAW zone (sources optionally described as Glue JDBC connections); an S3-triggered Lambda checks format, header, encoding and size and quarantines bad files with the reason.", resourceTypes: ["aws:s3/bucket:Bucket", "aws:s3/bucketNotification:BucketNotification", "aws:lambda/function:Function"] },
    { stage: "transform", service: "AWS Glue + AWS Step Functions", role: "Glue jobs clean, join and convert to Parquet, check quality and enrich with reference data; a state machine runs them in order nightly and notifies failures.", resourceTypes: ["aws:glue/job:Job", "aws:sfn/stateMachine:StateMachine", "aws:scheduler/schedule:Schedule"] },
    { stage: "store", service: "Amazon S3 (TRANSFORMED, ENRICHED) + Amazon Redshift Serverless", role: "Keeps each step's output in its own zone and loads the KPIs into a bounded warehouse through the Redshift Data API.", resourceTypes: ["aws:s3/bucket:Bucket", "aws:redshiftserverless/workgroup:Workgroup", "aws:redshiftserverless/usageLimit:UsageLimit", "aws:redshiftdata/statement:Statement"] },
    { stage: "analyse", service: "Amazon Redshift Serverless", role: "Serves the daily KPIs to SQL and BI with bounded RPUs and a monthly usage limit.", resourceTypes: ["aws:redshiftserverless/workgroup:Workgroup"] },
    { stage: "visualise", service: "Amazon QuickSight", role: "Business dashboards on the warehouse KPIs through a VPC connection to the private warehouse (switchable per environment).", resourceTypes: ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet", "aws:quicksight/vpcConnection:VpcConnection"] },
  ],
};

export class BatchEtlPipeline extends pulumi.ComponentResource {
  public static readonly metadata = BATCH_ETL_METADATA;

  public readonly rawBucket: SecureBucket;
  public readonly transformedBucket: SecureBucket;
  public readonly enrichedBucket: SecureBucket;
  public readonly artifactsBucket: SecureBucket;
  public readonly fileCheck: PlatformFunction;
  public readonly jobs: { transform: aws.glue.Job; quality: aws.glue.Job; enrich: aws.glue.Job };
  public readonly connections: aws.glue.Connection[];
  public readonly warehouse: ServerlessWarehouse;
  public readonly stateMachine: aws.sfn.StateMachine;
  public readonly schedule: aws.scheduler.Schedule;

  public readonly rawBucketName: pulumi.Output<string>;
  public readonly stateMachineArn: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;

  public constructor(name: string, args: BatchEtlPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pipelines:BatchEtl", name, {}, opts);
    const s = resolveBatchEtlSettings(args);
    const parent = { parent: this };
    const { protection, operations } = args;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    // ---- Zones -----------------------------------------------------------------------------------
    const zone = (suffix: string, rules: Parameters<typeof retentionLifecycle>[]) =>
      new SecureBucket(`${name}-${suffix}`, {
        kmsKeyArn: args.kmsKeyArn,
        versioning: protection.bucketVersioning,
        forceDestroy: protection.forceDestroyBuckets,
        lifecycle: rules.map((r) => retentionLifecycle(...r)),
      }, parent);
    this.rawBucket = zone("raw", [["incoming", s.rawRetentionDays, "incoming/"], ["quarantine", s.quarantineRetentionDays, "quarantine/"], ["rejected", s.quarantineRetentionDays, "rejected/"]]);
    this.transformedBucket = zone("transformed", [["transformed", s.zoneRetentionDays]]);
    this.enrichedBucket = zone("enriched", [["enriched", s.zoneRetentionDays]]);
    this.artifactsBucket = new SecureBucket(`${name}-artifacts`, {
      kmsKeyArn: args.kmsKeyArn,
      versioning: protection.bucketVersioning,
      forceDestroy: true,
      // scripts/ and reference/ (uploaded by the team) do not expire.
      lifecycle: [retentionLifecycle("glue-temp", 7, "tmp/")],
    }, parent);

    // ---- Acquire: the file check on every new RAW object --------------------------------------
    this.fileCheck = new PlatformFunction(`${name}-file-check`, {
      code: "file-check",
      description: "Checks format, header, encoding and size of incoming exports; quarantines bad files with the reason",
      memoryMb: 512,
      timeoutSeconds: 120,
      reservedConcurrency: s.fileCheckConcurrency,
      logRetentionDays: operations.logRetentionDays,
      kmsKeyArn: args.kmsKeyArn,
      environment: {
        MAX_FILE_BYTES: String(s.maxFileBytes),
        QUARANTINE_PREFIX: "quarantine/",
        ...(args.expectedHeader !== undefined ? { EXPECTED_HEADER: args.expectedHeader } : {}),
        POWERTOOLS_SERVICE_NAME: `${name}-file-check`,
      },
      statements: [
        { sid: "ReadAndRemoveIncoming", actions: ["s3:GetObject", "s3:DeleteObject"], resources: [pulumi.interpolate`${this.rawBucket.arn}/incoming/*`] },
        { sid: "Quarantine", actions: ["s3:PutObject"], resources: [pulumi.interpolate`${this.rawBucket.arn}/quarantine/*`] },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      ],
    }, parent);
    new aws.cloudwatch.MetricAlarm(`${name}-file-check-errors`, {
      alarmDescription: "The file check failed invocations: incoming files may be neither checked nor quarantined",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: this.fileCheck.functionName },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [args.alertTopicArn],
      okActions: [args.alertTopicArn],
    }, parent);
    const invoke = new aws.lambda.Permission(`${name}-file-check-from-s3`, {
      action: "lambda:InvokeFunction",
      function: this.fileCheck.functionName,
      principal: "s3.amazonaws.com",
      sourceArn: this.rawBucket.arn,
      sourceAccount: accountId,
    }, parent);
    new aws.s3.BucketNotification(`${name}-raw-events`, {
      bucket: this.rawBucket.bucketName,
      lambdaFunctions: [{ lambdaFunctionArn: this.fileCheck.arn, events: ["s3:ObjectCreated:*"], filterPrefix: "incoming/" }],
    }, { parent: this, dependsOn: [invoke] });

    // ---- Acquire: relational sources as Glue JDBC connections ----------------------------------
    this.connections = s.sources.map(
      (src) =>
        new aws.glue.Connection(`${name}-source-${src.name}`, {
          description: `${src.engine} source ${src.name}; credentials in Secrets Manager`,
          connectionType: "JDBC",
          connectionProperties: { JDBC_CONNECTION_URL: src.jdbcUrl, SECRET_ID: src.secretArn, JDBC_ENFORCE_SSL: "true" },
          physicalConnectionRequirements: { subnetId: src.subnetId, availabilityZone: src.availabilityZone, securityGroupIdLists: [...src.securityGroupIds] },
        }, parent),
    );

    // ---- Transform: three Glue jobs ---------------------------------------------------------------
    const security = glueSecurityConfiguration(`${name}-glue-security`, args.kmsKeyArn, parent);
    const runtime = glueRuntimeStatements(region, accountId, args.kmsKeyArn);
    const tempDir = pulumi.interpolate`s3://${this.artifactsBucket.bucketName}/tmp/`;
    const listing = (buckets: SecureBucket[]): Statement => ({ sid: "ListZones", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: buckets.map((b) => b.arn) });
    const objects = (bucket: SecureBucket, prefix: string) => pulumi.interpolate`${bucket.arn}/${prefix}*`;
    const common: Statement[] = [
      { sid: "ReadScripts", actions: ["s3:GetObject"], resources: [objects(this.artifactsBucket, "scripts/")] },
      { sid: "UseTemp", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], resources: [objects(this.artifactsBucket, "tmp/")] },
      { sid: "ReadSecurityConfiguration", actions: ["glue:GetSecurityConfiguration"], resources: [pulumi.interpolate`arn:aws:glue:${region}:${accountId}:securityConfiguration/*`] },
      ...runtime,
    ];
    const sourceStatements: Statement[] =
      s.sources.length === 0
        ? []
        : [
            { sid: "ReadSourceSecrets", actions: ["secretsmanager:GetSecretValue"], resources: s.sources.map((x) => x.secretArn) },
            { sid: "ReadConnections", actions: ["glue:GetConnection"], resources: [pulumi.interpolate`arn:aws:glue:${region}:${accountId}:catalog`, ...this.connections.map((c) => c.arn)] },
            // Glue places network interfaces in the sources' subnets; EC2 scopes Describe* to "*" only.
            { sid: "DescribeNetwork", actions: ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute"], resources: ["*"] },
            {
              sid: "ManageInterfaces",
              actions: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags"],
              resources: [pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:network-interface/*`, pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:subnet/*`, pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:security-group/*`],
            },
          ];

    const job = (
      suffix: string,
      file: string,
      description: string,
      zones: SecureBucket[],
      statements: Statement[],
      extraArgs: Record<string, pulumi.Input<string>>,
      withConnections: boolean,
    ): aws.glue.Job => {
      const script = new aws.s3.BucketObjectv2(`${name}-${suffix}-script`, {
        bucket: this.artifactsBucket.bucketName,
        key: `scripts/${file}`,
        source: new pulumi.asset.FileAsset(path.join(__dirname, "batchetl", "scripts", file)),
        contentType: "text/x-python",
        serverSideEncryption: "aws:kms",
        kmsKeyId: args.kmsKeyArn,
      }, parent);
      const logs = glueLogGroup(`${name}-${suffix}`, operations.logRetentionDays, args.kmsKeyArn, parent);
      const role = glueRole(`${name}-${suffix}-role`, `Glue job ${suffix} of ${name}`, [listing([...zones, this.artifactsBucket]), ...common, ...statements, ...(withConnections ? sourceStatements : [])], parent);
      return new aws.glue.Job(`${name}-${suffix}`, {
        description,
        roleArn: role.arn,
        glueVersion: GLUE_VERSION,
        command: { name: "glueetl", pythonVersion: "3", scriptLocation: pulumi.interpolate`s3://${script.bucket}/${script.key}` },
        workerType: s.glue.workerType,
        numberOfWorkers: s.glue.numberOfWorkers,
        timeout: s.glue.timeoutMinutes,
        maxRetries: 0,
        executionProperty: { maxConcurrentRuns: 1 },
        securityConfiguration: security.name,
        ...(withConnections && this.connections.length > 0 ? { connections: this.connections.map((c) => c.name) } : {}),
        defaultArguments: { ...glueDefaultArguments(logs.name, tempDir), "--RUN_ID": "manual", ...extraArgs },
      }, parent);
    };

    const rawPath = pulumi.interpolate`s3://${this.rawBucket.bucketName}/incoming/`;
    const transformedPath = pulumi.interpolate`s3://${this.transformedBucket.bucketName}/`;
    const enrichedPath = pulumi.interpolate`s3://${this.enrichedBucket.bucketName}/`;
    const readWrite = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];
    this.jobs = {
      transform: job("raw-to-transformed", "raw_to_transformed.py", "Cleans, joins and converts RAW exports to TRANSFORMED Parquet", [this.rawBucket, this.transformedBucket], [
        { sid: "ReadRaw", actions: ["s3:GetObject"], resources: [objects(this.rawBucket, "incoming/")] },
        { sid: "SetAsideRejected", actions: ["s3:PutObject", "s3:AbortMultipartUpload"], resources: [objects(this.rawBucket, "rejected/")] },
        { sid: "WriteTransformed", actions: readWrite, resources: [objects(this.transformedBucket, "sales_lines/")] },
      ], { "--RAW_PATH": rawPath, "--TRANSFORMED_PATH": transformedPath, "--REJECTED_PATH": pulumi.interpolate`s3://${this.rawBucket.bucketName}/rejected/` }, true),
      quality: job("quality-check", "quality_check.py", "Fails the run when TRANSFORMED breaks a quality rule; writes the measured figures", [this.transformedBucket], [
        { sid: "ReadTransformed", actions: ["s3:GetObject"], resources: [objects(this.transformedBucket, "sales_lines/")] },
        { sid: "WriteQualityReport", actions: readWrite, resources: [objects(this.transformedBucket, "_quality/")] },
      ], { "--TRANSFORMED_PATH": transformedPath, "--MIN_ROWS": String(s.minRowsPerRun), "--MAX_NULL_KEY_RATIO": String(s.maxNullKeyRatio) }, false),
      enrich: job("transformed-to-enriched", "transformed_to_enriched.py", "Enriches with reference data and computes daily KPIs into ENRICHED", [this.transformedBucket, this.enrichedBucket], [
        { sid: "ReadTransformed", actions: ["s3:GetObject"], resources: [objects(this.transformedBucket, "sales_lines/")] },
        { sid: "ReadReference", actions: ["s3:GetObject"], resources: [objects(this.artifactsBucket, "reference/")] },
        { sid: "WriteEnriched", actions: readWrite, resources: [objects(this.enrichedBucket, "daily_kpis/")] },
      ], { "--TRANSFORMED_PATH": transformedPath, "--REFERENCE_PATH": pulumi.interpolate`s3://${this.artifactsBucket.bucketName}/reference/`, "--ENRICHED_PATH": enrichedPath }, false),
    };
    const jobList = [this.jobs.transform, this.jobs.quality, this.jobs.enrich];
    glueFailureAlerts(`${name}-glue-failures`, jobList.map((j) => j.name), [], args.alertTopicArn, parent);

    // ---- Store: the private warehouse and its tables ------------------------------------------------
    const copyRole = new aws.iam.Role(`${name}-copy-role`, {
      description: "Redshift: COPY the ENRICHED KPIs",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] }, Action: "sts:AssumeRole" }],
      }),
    }, parent);
    new aws.iam.RolePolicy(`${name}-copy-policy`, {
      role: copyRole.id,
      policy: policyDocument([
        { sid: "ListEnriched", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [this.enrichedBucket.arn] },
        { sid: "ReadLatestKpis", actions: ["s3:GetObject"], resources: [objects(this.enrichedBucket, KPI_LATEST_PREFIX)] },
        { sid: "UseDataKey", actions: ["kms:Decrypt"], resources: [args.kmsKeyArn] },
      ]),
    }, parent);

    this.warehouse = new ServerlessWarehouse(`${name}-warehouse`, {
      redshift: args.limits.redshift,
      breachAction: s.breachAction,
      kmsKeyArn: args.kmsKeyArn,
      databaseName: "retail",
      publicIngressCidrs: [],
      iamRoleArns: [copyRole.arn],
      cidrBlock: "10.61.0.0/16",
    }, parent);
    const statementOpts = { parent: this, dependsOn: [this.warehouse] };
    const createTable = new aws.redshiftdata.Statement(`${name}-create-kpis`, {
      workgroupName: this.warehouse.workgroupName,
      database: this.warehouse.databaseName,
      secretArn: this.warehouse.adminSecretArn,
      sql: createKpiTableSql(),
      statementName: `${name}-create-daily-kpis`,
    }, statementOpts);
    const createStaging = new aws.redshiftdata.Statement(`${name}-create-kpis-staging`, {
      workgroupName: this.warehouse.workgroupName,
      database: this.warehouse.databaseName,
      secretArn: this.warehouse.adminSecretArn,
      sql: createKpiStagingSql(),
      statementName: `${name}-create-daily-kpis-staging`,
    }, { parent: this, dependsOn: [createTable] });

    // ---- Orchestrate: the state machine, its logs, failure alerts and the nightly schedule ----------
    // No CloudWatch Logs delivery for the state machine: its execution history (kept 90 days
    // by Step Functions, free) records every step, failures reach SNS, and log delivery would
    // need logs:*LogDelivery on "*", which the policy pack refuses for write actions.
    const sfnRole = new aws.iam.Role(`${name}-orchestration-role`, {
      description: "Step Functions: run the batch ETL jobs, load Redshift, notify failures",
      assumeRolePolicy: assumeRolePolicy("states.amazonaws.com", accountId),
    }, parent);
    const sfnPolicy = new aws.iam.RolePolicy(`${name}-orchestration-policy`, {
      role: sfnRole.id,
      policy: policyDocument([
        { sid: "ListRaw", actions: ["s3:ListBucket"], resources: [this.rawBucket.arn], condition: { StringLike: { "s3:prefix": ["incoming/*"] } } },
        { sid: "RunJobs", actions: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"], resources: jobList.map((j) => j.arn) },
        { sid: "LoadWarehouse", actions: ["redshift-data:BatchExecuteStatement", "redshift-data:ExecuteStatement"], resources: [this.warehouse.workgroupArn] },
        // The Data API scopes statement reads by owner, not by ARN.
        { sid: "FollowOwnStatements", actions: ["redshift-data:DescribeStatement"], resources: ["*"], condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } } },
        { sid: "ReadWarehouseSecret", actions: ["secretsmanager:GetSecretValue"], resources: [this.warehouse.adminSecretArn] },
        { sid: "NotifyFailures", actions: ["sns:Publish"], resources: [args.alertTopicArn] },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      ]),
    }, parent);

    const definition = pulumi
      .all([
        this.rawBucket.bucketName,
        this.jobs.transform.name,
        this.jobs.quality.name,
        this.jobs.enrich.name,
        this.warehouse.workgroupName,
        this.warehouse.adminSecretArn,
        this.enrichedBucket.bucketName,
        copyRole.arn,
        pulumi.output(args.alertTopicArn),
      ])
      .apply(([rawBucket, transformJob, qualityJob, enrichJob, workgroupName, secretArn, enrichedBucket, copyRoleArn, alertTopicArn]) =>
        JSON.stringify(
          batchEtlDefinition({
            rawBucket,
            rawPrefix: "incoming/",
            transformJob,
            qualityJob,
            enrichJob,
            jobTimeoutMinutes: s.glue.timeoutMinutes,
            workgroupName,
            database: "retail",
            secretArn,
            loadSqls: loadStatements(enrichedBucket, copyRoleArn),
            alertTopicArn,
          }),
        ),
      );

    this.stateMachine = new aws.sfn.StateMachine(`${name}-orchestration`, {
      type: "STANDARD",
      roleArn: sfnRole.arn,
      definition,
      encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 },
    }, { parent: this, dependsOn: [sfnPolicy, createStaging] });

    const failures = new aws.cloudwatch.EventRule(`${name}-orchestration-failures`, {
      description: "Batch ETL executions that failed, timed out or were aborted",
      eventPattern: this.stateMachine.arn.apply((arn) =>
        JSON.stringify({ source: ["aws.states"], "detail-type": ["Step Functions Execution Status Change"], detail: { status: ["FAILED", "TIMED_OUT", "ABORTED"], stateMachineArn: [arn] } }),
      ),
    }, parent);
    new aws.cloudwatch.EventTarget(`${name}-orchestration-failures-topic`, { rule: failures.name, arn: args.alertTopicArn }, parent);

    const schedulerRole = new aws.iam.Role(`${name}-schedule-role`, {
      description: "EventBridge Scheduler: start the nightly batch ETL",
      assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com", accountId),
    }, parent);
    new aws.iam.RolePolicy(`${name}-schedule-policy`, {
      role: schedulerRole.id,
      policy: policyDocument([
        { sid: "StartRun", actions: ["states:StartExecution"], resources: [this.stateMachine.arn] },
        // The schedule and the state machine are encrypted with the platform key.
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      ]),
    }, parent);
    this.schedule = new aws.scheduler.Schedule(`${name}-nightly`, {
      description: "Nightly batch ETL run",
      scheduleExpression: s.schedule,
      scheduleExpressionTimezone: "UTC",
      state: s.scheduleState,
      flexibleTimeWindow: { mode: "FLEXIBLE", maximumWindowInMinutes: 15 },
      kmsKeyArn: args.kmsKeyArn,
      target: { arn: this.stateMachine.arn, roleArn: schedulerRole.arn, retryPolicy: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 } },
    }, parent);

    // ---- Visualise: QuickSight on the KPIs (needs an account subscription; off in dev) -----------
    if (args.quicksight.enabled && args.quicksight.principalArn) {
      warehouseDashboardSource(name, {
        warehouse: this.warehouse,
        principalArn: args.quicksight.principalArn,
        dataSourceName: `Batch KPIs warehouse (${pulumi.getStack()})`,
        dataSetName: `Daily KPIs (${pulumi.getStack()})`,
        sql: KPI_DASHBOARD_SQL,
        columns: KPI_DASHBOARD_COLUMNS,
      }, parent);
    }

    this.rawBucketName = this.rawBucket.bucketName;
    this.stateMachineArn = this.stateMachine.arn;
    this.workgroupName = this.warehouse.workgroupName;
    this.registerOutputs({ rawBucketName: this.rawBucketName, stateMachineArn: this.stateMachineArn, workgroupName: this.workgroupName });
  }
}
