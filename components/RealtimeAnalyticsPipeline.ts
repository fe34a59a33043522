/**
 * The retailer's chosen design (docs/brief.md):
 * Kinesis -> Lambda (validate, aggregate, detect spikes) -> DynamoDB (hot) and,
 * through Firehose, S3 Parquet history -> Glue catalog -> Athena -> QuickSight,
 * with a CloudWatch dashboard, alarms, spike alerts and a scheduled report.
 * Every autoscaled or usage-billed part carries an explicit bound.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Limits, Operations, Protection, QuickSightSchema, SpikesSchema, Workload } from "../environments";
import { z } from "zod";
import { PlatformFunction } from "./shared/PlatformFunction";
import { recordTransformFunction } from "./shared/recordTransform";
import { SecureBucket, retentionLifecycle } from "./shared/SecureBucket";
import { assumeRolePolicy, policyDocument } from "./shared/iam";
import { dashboardBody } from "./realtime/dashboard";
import { HISTORY_COLUMNS, HISTORY_PARTITION } from "./realtime/historySchema";
import { REPORT_QUERIES, renderQuery } from "./realtime/queries";
import { PipelineMetadata } from "./stages";

export interface RealtimeAnalyticsPipelineArgs {
  readonly salesRegions: readonly string[];
  readonly currencies: readonly string[];
  readonly workload: Workload;
  readonly limits: Limits;
  readonly protection: Protection;
  readonly operations: Operations;
  readonly spikes: z.infer<typeof SpikesSchema>;
  readonly quicksight: z.infer<typeof QuickSightSchema>;
  /** From PlatformCore. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly alertTopicArn: pulumi.Input<string>;
  readonly emailHashSecretArn: pulumi.Input<string>;
  /** Glue/Athena-safe prefix for catalog names, e.g. "retail_data_platform_dev". */
  readonly catalogPrefix: string;
  /** Cron expression (EventBridge Scheduler, UTC) of the report. Default: 06:00 daily. */
  readonly reportSchedule?: string;
  /** Kinesis retention in hours (24 is the price-included minimum). */
  readonly streamRetentionHours?: number;
}

/** Everything the component decides from its args, in one place. */
export interface ResolvedRealtimeSettings {
  readonly streamMode: "PROVISIONED" | "ON_DEMAND";
  readonly shardCount?: number;
  readonly streamRetentionHours: number;
  readonly processorConcurrency: number;
  readonly transformConcurrency: number;
  readonly reportConcurrency: number;
  readonly quarantineRetentionDays: number;
  /** Firehose's error prefix holds raw records: kept one week at most. */
  readonly deliveryErrorRetentionDays: number;
  readonly athenaResultsRetentionDays: number;
  readonly reportRetentionDays: number;
  readonly bytesScannedCutoffPerQuery: number;
  readonly firehoseBufferingSeconds: number;
  readonly firehoseBufferingMb: number;
  readonly reportSchedule: string;
  /** Kinesis per-shard read limit: 2 MB/s; records arrive at most this fast per shard. */
  readonly maxRecordBytes: number;
}

const MB = 1024 * 1024;

/** Resolves defaults and rejects contradictions before any resource exists. Pure; tested directly. */
export function resolveRealtimeSettings(args: RealtimeAnalyticsPipelineArgs): ResolvedRealtimeSettings {
  const { limits } = args;
  if (args.salesRegions.length === 0) throw new Error("RealtimeAnalyticsPipeline: salesRegions must list at least one region");
  if (args.currencies.length === 0) throw new Error("RealtimeAnalyticsPipeline: currencies must list at least one currency");
  if (args.quicksight.enabled && !args.quicksight.principalArn) {
    throw new Error("RealtimeAnalyticsPipeline: quicksight.principalArn is required when quicksight.enabled is true");
  }
  // Exactly-once aggregation relies on per-shard order: one batch in flight per shard (docs/functions.md).
  if (limits.lambda.parallelizationFactor !== 1) {
    throw new Error("RealtimeAnalyticsPipeline: limits.lambda.parallelizationFactor must be 1 (exactly-once aggregation needs per-shard order)");
  }
  const shards = limits.kinesis.mode === "provisioned" ? limits.kinesis.maxShards : undefined;
  if (shards !== undefined && limits.lambda.reservedConcurrency < shards * limits.lambda.parallelizationFactor) {
    throw new Error(
      `RealtimeAnalyticsPipeline: limits.lambda.reservedConcurrency (${limits.lambda.reservedConcurrency}) must cover maxShards x parallelizationFactor (${shards * limits.lambda.parallelizationFactor}) or the stream falls behind`,
    );
  }
  const retention = args.streamRetentionHours ?? 24;
  if (retention < 24 || retention > 8760) throw new Error("RealtimeAnalyticsPipeline: streamRetentionHours must be from 24 to 8760");
  const history = args.workload.historyRetentionDays;
  return {
    streamMode: limits.kinesis.mode === "provisioned" ? "PROVISIONED" : "ON_DEMAND",
    ...(limits.kinesis.mode === "provisioned" ? { shardCount: limits.kinesis.shards } : {}),
    streamRetentionHours: retention,
    processorConcurrency: limits.lambda.reservedConcurrency,
    transformConcurrency: Math.max(2, Math.ceil(limits.lambda.reservedConcurrency / 2)),
    reportConcurrency: 1,
    quarantineRetentionDays: Math.max(14, Math.min(history, 90)),
    deliveryErrorRetentionDays: Math.min(history, 7),
    athenaResultsRetentionDays: Math.min(history, 30),
    reportRetentionDays: Math.max(history, 30),
    bytesScannedCutoffPerQuery: limits.athena.bytesScannedCutoffPerQueryMb * MB,
    // Record format conversion needs a buffer of at least 64 MB.
    firehoseBufferingSeconds: limits.firehose.bufferingSeconds,
    firehoseBufferingMb: Math.max(64, limits.firehose.bufferingMb),
    reportSchedule: args.reportSchedule ?? "cron(0 6 * * ? *)",
    maxRecordBytes: 100 * 1024,
  };
}

export const REALTIME_METADATA: PipelineMetadata = {
  kind: "realtime",
  component: "RealtimeAnalyticsPipeline",
  title: "Real-time retail analytics",
  latencyClass: "real-time",
  useCase:
    "Continuous purchase events at thousands per second that must be analysed within seconds: live trends, popular products and sale spikes, with a full history for reports.",
  stages: [
    { stage: "acquire", service: "Amazon Kinesis Data Streams", role: "Ingests every transaction as it happens, ordered per shard, with bounded capacity.", resourceTypes: ["aws:kinesis/stream:Stream"] },
    { stage: "transform", service: "AWS Lambda", role: "Validates each transaction, aggregates per minute, product and region, and detects spikes.", resourceTypes: ["aws:lambda/function:Function", "aws:lambda/eventSourceMapping:EventSourceMapping"] },
    { stage: "store", service: "Amazon DynamoDB + Amazon S3 (via Amazon Data Firehose)", role: "Keeps hot per-minute aggregates with a TTL, and the validated history as date-partitioned Parquet.", resourceTypes: ["aws:dynamodb/table:Table", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws:s3/bucket:Bucket"] },
    { stage: "analyse", service: "AWS Glue Data Catalog + Amazon Athena", role: "Describes the history with partition projection and answers SQL reports with a per-query scan cutoff.", resourceTypes: ["aws:glue/catalogTable:CatalogTable", "aws:athena/workgroup:Workgroup", "aws:athena/namedQuery:NamedQuery"] },
    { stage: "visualise", service: "Amazon QuickSight + Amazon CloudWatch", role: "Dashboards for business users on Athena, and a live operational dashboard with alarms and spike alerts.", resourceTypes: ["aws:quicksight/dataSet:DataSet", "aws:cloudwatch/dashboard:Dashboard", "aws:cloudwatch/metricAlarm:MetricAlarm"] },
  ],
};

export class RealtimeAnalyticsPipeline extends pulumi.ComponentResource {
  public static readonly metadata = REALTIME_METADATA;

  public readonly stream: aws.kinesis.Stream;
  public readonly processor: PlatformFunction;
  public readonly eventSourceMapping: aws.lambda.EventSourceMapping;
  public readonly aggregatesTable: aws.dynamodb.Table;
  public readonly failedBatchesQueue: aws.sqs.Queue;
  public readonly historyBucket: SecureBucket;
  public readonly quarantineBucket: SecureBucket;
  public readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  public readonly database: aws.glue.CatalogDatabase;
  public readonly historyTable: aws.glue.CatalogTable;
  public readonly workgroup: aws.athena.Workgroup;
  public readonly namedQueries: aws.athena.NamedQuery[];
  public readonly spikeBus: aws.cloudwatch.EventBus;
  public readonly dashboard: aws.cloudwatch.Dashboard;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];

  public readonly streamName: pulumi.Output<string>;
  public readonly tableName: pulumi.Output<string>;
  public readonly historyBucketName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;

  public constructor(name: string, args: RealtimeAnalyticsPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pipelines:Realtime", name, {}, opts);
    const s = resolveRealtimeSettings(args);
    const parent = { parent: this };
    const { limits, protection, operations } = args;
    const region = aws.getRegionOutput({}, parent).region;
    const metricsNamespace = `RetailPlatform/${pulumi.getStack()}`;
    const serviceName = `${name}-processor`;

    // ---- Acquire: the stream -------------------------------------------------------------
    this.stream = new aws.kinesis.Stream(`${name}-transactions`, {
      ...(s.shardCount !== undefined ? { shardCount: s.shardCount } : {}),
      streamModeDetails: { streamMode: s.streamMode },
      retentionPeriod: s.streamRetentionHours,
      encryptionType: "KMS",
      kmsKeyId: args.kmsKeyArn,
      shardLevelMetrics: ["IncomingBytes", "IncomingRecords", "IteratorAgeMilliseconds", "WriteProvisionedThroughputExceeded"],
    }, parent);

    // ---- Store: hot aggregates --------------------------------------------------------------
    const dynamo = limits.dynamodb;
    this.aggregatesTable = new aws.dynamodb.Table(`${name}-aggregates`, {
      // pk = "<region>#<minute>", sk = "b<bucket>": see docs/design.md for the partition arithmetic.
      hashKey: "pk",
      rangeKey: "sk",
      attributes: [{ name: "pk", type: "S" }, { name: "sk", type: "S" }],
      ...(dynamo.billingMode === "on-demand"
        ? { billingMode: "PAY_PER_REQUEST", onDemandThroughput: { maxWriteRequestUnits: dynamo.maxWriteRequestUnits, maxReadRequestUnits: dynamo.maxReadRequestUnits } }
        : { billingMode: "PROVISIONED", writeCapacity: dynamo.minWriteCapacity, readCapacity: dynamo.minReadCapacity }),
      ttl: { attributeName: "expiresAt", enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
      pointInTimeRecovery: { enabled: protection.pointInTimeRecovery },
      deletionProtectionEnabled: protection.deletionProtection,
    }, { parent: this, ...(dynamo.billingMode === "provisioned" ? { ignoreChanges: ["readCapacity", "writeCapacity"] } : {}) });

    if (dynamo.billingMode === "provisioned") {
      for (const dim of ["Write", "Read"] as const) {
        const target = new aws.appautoscaling.Target(`${name}-aggregates-${dim.toLowerCase()}-scaling`, {
          serviceNamespace: "dynamodb",
          resourceId: pulumi.interpolate`table/${this.aggregatesTable.name}`,
          scalableDimension: `dynamodb:table:${dim}CapacityUnits`,
          minCapacity: dim === "Write" ? dynamo.minWriteCapacity : dynamo.minReadCapacity,
          maxCapacity: dim === "Write" ? dynamo.maxWriteCapacity : dynamo.maxReadCapacity,
        }, parent);
        new aws.appautoscaling.Policy(`${name}-aggregates-${dim.toLowerCase()}-policy`, {
          policyType: "TargetTrackingScaling",
          resourceId: target.resourceId,
          scalableDimension: target.scalableDimension,
          serviceNamespace: target.serviceNamespace,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: dynamo.targetUtilization,
            predefinedMetricSpecification: { predefinedMetricType: `DynamoDB${dim}CapacityUtilization` },
          },
        }, parent);
      }
    }

    // ---- Where nothing is lost: quarantine for bad records, a queue for failed batches -----------
    this.quarantineBucket = new SecureBucket(`${name}-quarantine`, {
      kmsKeyArn: args.kmsKeyArn,
      versioning: protection.bucketVersioning,
      forceDestroy: protection.forceDestroyBuckets,
      lifecycle: [retentionLifecycle("expire-quarantine", s.quarantineRetentionDays)],
    }, parent);

    this.failedBatchesQueue = new aws.sqs.Queue(`${name}-failed-batches`, {
      kmsMasterKeyId: args.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 3600,
      messageRetentionSeconds: 14 * 24 * 3600,
    }, parent);

    this.spikeBus = new aws.cloudwatch.EventBus(`${name}-spikes`, {}, parent);

    // ---- Transform: the stream processor and its event source mapping ---------------------
    this.processor = new PlatformFunction(`${name}-processor`, {
      code: "stream-processor",
      description: "Validates transactions, aggregates per minute x product x region into DynamoDB, detects spikes",
      memoryMb: limits.lambda.memoryMb,
      timeoutSeconds: limits.lambda.timeoutSeconds,
      reservedConcurrency: s.processorConcurrency,
      logRetentionDays: operations.logRetentionDays,
      kmsKeyArn: args.kmsKeyArn,
      // A 10,000-record batch's garbage fits a 32 MB young generation: ~12% faster (docs/functions.md).
      nodeOptions: "--max-semi-space-size=32",
      environment: {
        AGGREGATES_TABLE: this.aggregatesTable.name,
        QUARANTINE_BUCKET: this.quarantineBucket.bucketName,
        QUARANTINE_PREFIX: "quarantine/",
        SPIKE_BUS_NAME: this.spikeBus.name,
        SALES_REGIONS: args.salesRegions.join(","),
        CURRENCIES: args.currencies.join(","),
        SPIKE_RATIO: String(args.spikes.ratio),
        SPIKE_MIN_UNITS: String(args.spikes.minUnits),
        SPIKE_BASELINE_MINUTES: String(args.spikes.baselineMinutes),
        SPIKE_MAX_ALERTS_PER_MINUTE: String(args.spikes.maxAlertsPerMinute),
        HOT_RETENTION_DAYS: String(args.workload.hotRetentionDays),
        EMAIL_HASH_SECRET_ARN: args.emailHashSecretArn,
        MAX_RECORD_BYTES: String(s.maxRecordBytes),
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      },
      statements: [
        {
          sid: "ReadStream",
          actions: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
          resources: [this.stream.arn],
        },
        { sid: "ApplyAggregates", actions: ["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"], resources: [this.aggregatesTable.arn] },
        { sid: "SetAsideRejected", actions: ["s3:PutObject"], resources: [pulumi.interpolate`${this.quarantineBucket.arn}/quarantine/*`] },
        { sid: "PublishSpikes", actions: ["events:PutEvents"], resources: [this.spikeBus.arn] },
        { sid: "SendFailedBatches", actions: ["sqs:SendMessage", "sqs:GetQueueAttributes"], resources: [this.failedBatchesQueue.arn] },
        { sid: "ReadHashKey", actions: ["secretsmanager:GetSecretValue"], resources: [args.emailHashSecretArn] },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      ],
    }, parent);

    this.eventSourceMapping = new aws.lambda.EventSourceMapping(`${name}-processor-source`, {
      eventSourceArn: this.stream.arn,
      functionName: this.processor.arn,
      startingPosition: "TRIM_HORIZON",
      batchSize: limits.lambda.batchSize,
      maximumBatchingWindowInSeconds: limits.lambda.batchingWindowSeconds,
      parallelizationFactor: limits.lambda.parallelizationFactor,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: limits.lambda.maxRetries,
      maximumRecordAgeInSeconds: limits.lambda.maxRecordAgeSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: this.failedBatchesQueue.arn } },
    }, { parent: this, dependsOn: [this.processor] });

    // ---- Store: validated history as Parquet through Firehose ---------------------------------
    this.historyBucket = new SecureBucket(`${name}-history`, {
      kmsKeyArn: args.kmsKeyArn,
      versioning: protection.bucketVersioning,
      forceDestroy: protection.forceDestroyBuckets,
      lifecycle: [
        retentionLifecycle("history-retention", args.workload.historyRetentionDays, "history/"),
        // Firehose keeps a failed record's original bytes here (e-mail in clear): short-lived, written by Firehose only.
        retentionLifecycle("delivery-errors", s.deliveryErrorRetentionDays, "errors/"),
      ],
    }, parent);

    const catalogPrefix = args.catalogPrefix.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    this.database = new aws.glue.CatalogDatabase(`${name}-catalog`, {
      name: `${catalogPrefix}_retail`,
      description: "Retail transactions history (validated), queried with Athena",
    }, parent);

    const historyLocation = pulumi.interpolate`s3://${this.historyBucket.bucketName}/history/`;
    this.historyTable = new aws.glue.CatalogTable(`${name}-history-table`, {
      databaseName: this.database.name,
      name: "transactions",
      description: "Validated transactions, one row per delivery (deduplicate on transaction_id)",
      tableType: "EXTERNAL_TABLE",
      parameters: {
        classification: "parquet",
        EXTERNAL: "TRUE",
        "parquet.compression": "SNAPPY",
        // Partition projection: Athena computes partitions, so no crawler runs or bills.
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": "2025-01-01,NOW",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": pulumi.interpolate`${historyLocation}dt=\${dt}/`,
      },
      partitionKeys: [{ name: HISTORY_PARTITION.name, type: HISTORY_PARTITION.type, comment: HISTORY_PARTITION.comment }],
      storageDescriptor: {
        location: historyLocation,
        inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", parameters: { "serialization.format": "1" } },
        columns: HISTORY_COLUMNS.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      },
    }, parent);

    const transform = recordTransformFunction(`${name}-history-transform`, {
      description: "Validates and normalises transactions for the Parquet history; marks invalid ones ProcessingFailed",
      salesRegions: args.salesRegions,
      currencies: args.currencies,
      emailHashSecretArn: args.emailHashSecretArn,
      kmsKeyArn: args.kmsKeyArn,
      reservedConcurrency: s.transformConcurrency,
      logRetentionDays: operations.logRetentionDays,
      maxRecordBytes: s.maxRecordBytes,
      metricsNamespace,
    }, parent);

    const deliveryLogs = new aws.cloudwatch.LogGroup(`${name}-history-delivery-logs`, {
      name: `/platform/${pulumi.getProject()}/${pulumi.getStack()}/${name}-history-delivery`,
      retentionInDays: operations.logRetentionDays,
      kmsKeyId: args.kmsKeyArn,
    }, parent);
    const deliveryLogStream = new aws.cloudwatch.LogStream(`${name}-history-delivery-errors`, { logGroupName: deliveryLogs.name, name: "DestinationDelivery" }, parent);

    const firehoseRole = new aws.iam.Role(`${name}-history-delivery-role`, {
      description: "Firehose: read the stream, transform, convert to Parquet, write the history",
      assumeRolePolicy: assumeRolePolicy("firehose.amazonaws.com"),
    }, parent);
    const catalogArn = pulumi.interpolate`arn:aws:glue:${region}:${this.database.catalogId}:catalog`;
    const databaseArn = pulumi.interpolate`arn:aws:glue:${region}:${this.database.catalogId}:database/${this.database.name}`;
    const tableArn = pulumi.interpolate`arn:aws:glue:${region}:${this.database.catalogId}:table/${this.database.name}/${this.historyTable.name}`;
    const firehosePolicy = new aws.iam.RolePolicy(`${name}-history-delivery-policy`, {
      role: firehoseRole.id,
      policy: policyDocument([
        {
          sid: "ReadStream",
          actions: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
          resources: [this.stream.arn],
        },
        { sid: "Transform", actions: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"], resources: [transform.arn, pulumi.interpolate`${transform.arn}:*`] },
        { sid: "ReadSchema", actions: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"], resources: [catalogArn, databaseArn, tableArn] },
        { sid: "ListHistory", actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources: [this.historyBucket.arn] },
        { sid: "WriteHistory", actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources: [pulumi.interpolate`${this.historyBucket.arn}/*`] },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
        { sid: "LogDeliveryErrors", actions: ["logs:PutLogEvents"], resources: [pulumi.interpolate`${deliveryLogs.arn}:*`] },
      ]),
    }, parent);

    this.deliveryStream = new aws.kinesis.FirehoseDeliveryStream(`${name}-history-delivery`, {
      destination: "extended_s3",
      kinesisSourceConfiguration: { kinesisStreamArn: this.stream.arn, roleArn: firehoseRole.arn },
      extendedS3Configuration: {
        roleArn: firehoseRole.arn,
        bucketArn: this.historyBucket.arn,
        prefix: "history/dt=!{timestamp:yyyy-MM-dd}/",
        errorOutputPrefix: "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
        bufferingSize: s.firehoseBufferingMb,
        bufferingInterval: s.firehoseBufferingSeconds,
        compressionFormat: "UNCOMPRESSED",
        kmsKeyArn: args.kmsKeyArn,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogs.name, logStreamName: deliveryLogStream.name },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: "Lambda",
              parameters: [
                { parameterName: "LambdaArn", parameterValue: pulumi.interpolate`${transform.arn}:$LATEST` },
                { parameterName: "BufferSizeInMBs", parameterValue: "1" },
                { parameterName: "BufferIntervalInSeconds", parameterValue: "60" },
              ],
            },
          ],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
          schemaConfiguration: { databaseName: this.database.name, tableName: this.historyTable.name, roleArn: firehoseRole.arn, region },
        },
      },
    }, { parent: this, dependsOn: [firehosePolicy] });

    // ---- Analyse: Athena with enforced limits, and the regular reports ------------------------
    const results = new SecureBucket(`${name}-athena-results`, {
      kmsKeyArn: args.kmsKeyArn,
      // Reports live here too: versioned like every bucket where protection asks for it.
      versioning: protection.bucketVersioning,
      forceDestroy: true,
      lifecycle: [
        retentionLifecycle("athena-results", s.athenaResultsRetentionDays, "athena/"),
        retentionLifecycle("reports", s.reportRetentionDays, "reports/"),
      ],
    }, parent);

    this.workgroup = new aws.athena.Workgroup(`${name}-analytics`, {
      description: "Retail reports; each query is cancelled past the bytes-scanned cutoff",
      forceDestroy: !protection.deletionProtection,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: s.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: pulumi.interpolate`s3://${results.bucketName}/athena/`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
        },
      },
    }, parent);

    this.namedQueries = REPORT_QUERIES.map(
      (q) =>
        new aws.athena.NamedQuery(`${name}-${q.id}`, {
          name: q.id,
          description: q.description,
          workgroup: this.workgroup.name,
          database: this.database.name,
          query: pulumi.all([this.database.name, this.historyTable.name]).apply(([db, table]) => renderQuery(q, db, table)),
        }, parent),
    );

    const reportTopic = new aws.sns.Topic(`${name}-reports`, { kmsMasterKeyId: args.kmsKeyArn, displayName: "Retail sales reports" }, parent);
    const report = new PlatformFunction(`${name}-report`, {
      code: "scheduled-report",
      description: "Runs the Athena report queries, writes the report to S3 and publishes a summary",
      memoryMb: 256,
      timeoutSeconds: 600,
      reservedConcurrency: s.reportConcurrency,
      logRetentionDays: operations.logRetentionDays,
      kmsKeyArn: args.kmsKeyArn,
      environment: {
        ATHENA_WORKGROUP: this.workgroup.name,
        GLUE_DATABASE: this.database.name,
        NAMED_QUERY_IDS: pulumi.all(this.namedQueries.map((q) => q.id)).apply((ids) => ids.join(",")),
        REPORT_BUCKET: results.bucketName,
        REPORT_PREFIX: "reports/",
        SUMMARY_TOPIC_ARN: reportTopic.arn,
        POWERTOOLS_SERVICE_NAME: `${name}-report`,
      },
      statements: [
        {
          sid: "RunReports",
          actions: ["athena:BatchGetNamedQuery", "athena:GetNamedQuery", "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
          resources: [this.workgroup.arn],
        },
        { sid: "ReadCatalog", actions: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"], resources: [catalogArn, databaseArn, tableArn] },
        { sid: "ListBuckets", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [this.historyBucket.arn, results.arn] },
        { sid: "ReadHistory", actions: ["s3:GetObject"], resources: [pulumi.interpolate`${this.historyBucket.arn}/history/*`] },
        { sid: "WriteResults", actions: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], resources: [pulumi.interpolate`${results.arn}/*`] },
        { sid: "PublishSummary", actions: ["sns:Publish"], resources: [reportTopic.arn] },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      ],
    }, parent);

    const schedulerRole = new aws.iam.Role(`${name}-report-scheduler-role`, {
      description: "EventBridge Scheduler: invoke the report function",
      assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com"),
    }, parent);
    new aws.iam.RolePolicy(`${name}-report-scheduler-policy`, {
      role: schedulerRole.id,
      policy: policyDocument([{ sid: "InvokeReport", actions: ["lambda:InvokeFunction"], resources: [report.arn] }]),
    }, parent);
    new aws.scheduler.Schedule(`${name}-report-schedule`, {
      description: "Daily retail sales report",
      scheduleExpression: s.reportSchedule,
      scheduleExpressionTimezone: "UTC",
      flexibleTimeWindow: { mode: "OFF" },
      target: { arn: report.arn, roleArn: schedulerRole.arn, retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 } },
    }, parent);

    // ---- Visualise: live view, alarms and spike alerts ------------------------------------
    const spikeRule = new aws.cloudwatch.EventRule(`${name}-spike-alerts`, {
      eventBusName: this.spikeBus.name,
      description: "Sale spikes detected by the stream processor",
      eventPattern: JSON.stringify({ source: ["retail.platform"], "detail-type": ["RetailSalesSpike"] }),
    }, parent);
    new aws.cloudwatch.EventTarget(`${name}-spike-alerts-topic`, {
      eventBusName: this.spikeBus.name,
      rule: spikeRule.name,
      arn: args.alertTopicArn,
    }, parent);

    this.dashboard = new aws.cloudwatch.Dashboard(`${name}-live`, {
      dashboardName: `${pulumi.getProject()}-${pulumi.getStack()}-${name}-live`,
      dashboardBody: pulumi
        .all([region, this.stream.name, this.processor.functionName, this.aggregatesTable.name, this.deliveryStream.name])
        .apply(([reg, streamName, processorName, tableName, deliveryStreamName]) =>
          dashboardBody({ region: reg, streamName, processorName, tableName, deliveryStreamName, metricsNamespace, serviceName }),
        ),
    }, parent);

    const alarm = (suffix: string, a: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "treatMissingData">) =>
      new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, {
        ...a,
        alarmActions: [args.alertTopicArn],
        okActions: [args.alertTopicArn],
        treatMissingData: "notBreaching",
      }, parent);

    this.alarms = [
      alarm("iterator-age", {
        alarmDescription: "The stream processor is falling behind the stream",
        namespace: "AWS/Kinesis",
        metricName: "GetRecords.IteratorAgeMilliseconds",
        dimensions: { StreamName: this.stream.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 5,
        threshold: operations.iteratorAgeAlarmMs,
        comparisonOperator: "GreaterThanThreshold",
      }),
      alarm("processor-errors", {
        alarmDescription: "The stream processor failed invocations",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: this.processor.functionName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      }),
      alarm("history-transform-errors", {
        alarmDescription: "The history transformation failed invocations",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: transform.functionName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      }),
      alarm("report-errors", {
        alarmDescription: "The scheduled report failed",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: report.functionName },
        statistic: "Sum",
        period: 3600,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      }),
      alarm("failed-batches", {
        alarmDescription: "Batches exhausted their retries and wait in the failed-batches queue for replay",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.failedBatchesQueue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      }),
      alarm("aggregates-throttled", {
        alarmDescription: "DynamoDB throttled writes: the table hit its request-unit bound",
        namespace: "AWS/DynamoDB",
        metricName: "WriteThrottleEvents",
        dimensions: { TableName: this.aggregatesTable.name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 2,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      }),
      alarm("history-freshness", {
        alarmDescription: "The history is more than 15 minutes behind",
        namespace: "AWS/Firehose",
        metricName: "DeliveryToS3.DataFreshness",
        dimensions: { DeliveryStreamName: this.deliveryStream.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 2,
        threshold: 900,
        comparisonOperator: "GreaterThanThreshold",
      }),
      ...(limits.kinesis.mode === "on-demand"
        ? [
            alarm("ingest-above-bound", {
              alarmDescription: `On-demand ingest above the ${limits.kinesis.maxWriteMBps} MB/s the budget assumes`,
              namespace: "AWS/Kinesis",
              metricName: "IncomingBytes",
              dimensions: { StreamName: this.stream.name },
              statistic: "Sum",
              period: 300,
              evaluationPeriods: 3,
              threshold: limits.kinesis.maxWriteMBps * MB * 300,
              comparisonOperator: "GreaterThanThreshold",
            }),
          ]
        : []),
    ];

    // ---- Visualise: QuickSight on Athena (needs an account subscription; off in dev) -----------
    if (args.quicksight.enabled && args.quicksight.principalArn) {
      const principal = args.quicksight.principalArn;
      const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
      const dataSource = new aws.quicksight.DataSource(`${name}-quicksight-source`, {
        dataSourceId: `${pulumi.getProject()}-${pulumi.getStack()}-${name}-athena`,
        awsAccountId: accountId,
        name: `Retail history (${pulumi.getStack()})`,
        type: "ATHENA",
        parameters: { athena: { workGroup: this.workgroup.name } },
        sslProperties: { disableSsl: false },
        permissions: [{ principal, actions: ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"] }],
      }, parent);
      const dataSetId = `${pulumi.getProject()}-${pulumi.getStack()}-${name}-transactions`;
      const dataSet = new aws.quicksight.DataSet(`${name}-quicksight-dataset`, {
        dataSetId,
        awsAccountId: accountId,
        name: `Retail transactions (${pulumi.getStack()})`,
        importMode: "SPICE",
        physicalTableMaps: [
          {
            physicalTableMapId: "transactions",
            relationalTable: {
              dataSourceArn: dataSource.arn,
              catalog: "AwsDataCatalog",
              schema: this.database.name,
              name: this.historyTable.name,
              inputColumns: HISTORY_COLUMNS.filter((c) => !c.type.startsWith("array")).map((c) => ({
                name: c.name,
                type: c.type === "double" ? "DECIMAL" : c.type === "int" ? "INTEGER" : "STRING",
              })),
            },
          },
        ],
        permissions: [{ principal, actions: ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet", "quicksight:DescribeIngestion", "quicksight:ListIngestions"] }],
      }, parent);
      new aws.quicksight.RefreshSchedule(`${name}-quicksight-refresh`, {
        awsAccountId: accountId,
        dataSetId: dataSet.dataSetId,
        scheduleId: `${name}-refresh`,
        schedule: {
          refreshType: "FULL_REFRESH",
          scheduleFrequency: args.quicksight.refreshIntervalHours >= 24 ? { interval: "DAILY", timeOfTheDay: "05:00" } : { interval: "HOURLY" },
        },
      }, parent);
    }

    this.streamName = this.stream.name;
    this.tableName = this.aggregatesTable.name;
    this.historyBucketName = this.historyBucket.bucketName;
    this.workgroupName = this.workgroup.name;
    this.registerOutputs({
      streamName: this.streamName,
      tableName: this.tableName,
      historyBucketName: this.historyBucketName,
      workgroupName: this.workgroupName,
    });
  }
}
