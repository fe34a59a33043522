/**
 * Store: the validated history as date-partitioned Parquet. Firehose reads the
 * stream, runs the record transformation, converts to Parquet against the Glue
 * table and writes to S3; the table is catalogued by partition projection, so
 * no crawler runs or bills.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlatformFunction } from "../shared/PlatformFunction";
import { firehoseLambdaProcessing, recordTransformFunction } from "../shared/recordTransform";
import { pipelineBucket, retentionLifecycle, SecureBucket } from "../shared/SecureBucket";
import { parquetStorage } from "../shared/glue";
import { assumeRolePolicy, policyDocument } from "../shared/iam";
import { RealtimeContext } from "./context";
import { HISTORY_COLUMNS, HISTORY_PARTITION } from "./historySchema";

/** ARNs of the catalog, the database and the history table, as Glue grants need them. */
export interface HistoryCatalogArns {
  readonly catalog: pulumi.Output<string>;
  readonly database: pulumi.Output<string>;
  readonly table: pulumi.Output<string>;
}

export interface HistoryStage {
  readonly historyBucket: SecureBucket;
  readonly database: aws.glue.CatalogDatabase;
  readonly historyTable: aws.glue.CatalogTable;
  readonly catalogArns: HistoryCatalogArns;
  readonly transform: PlatformFunction;
  readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
}

export function buildHistory(ctx: RealtimeContext, stream: aws.kinesis.Stream): HistoryStage {
  const { name, args, settings: s, opts, region } = ctx;
  const historyBucket = pipelineBucket(`${name}-history`, args, [
    retentionLifecycle("history-retention", args.workload.historyRetentionDays, "history/"),
    // Firehose keeps a failed record's original bytes here (e-mail in clear): short-lived, written by Firehose only.
    retentionLifecycle("delivery-errors", s.deliveryErrorRetentionDays, "errors/"),
  ], opts);
  const { database, historyTable } = historyCatalog(ctx, historyBucket);
  const transform = recordTransformFunction(`${name}-history-transform`, {
    description: "Validates and normalises transactions for the Parquet history; marks invalid ones ProcessingFailed",
    salesRegions: args.salesRegions,
    currencies: args.currencies,
    emailHashSecretArn: args.emailHashSecretArn,
    kmsKeyArn: args.kmsKeyArn,
    reservedConcurrency: s.transformConcurrency,
    logRetentionDays: args.operations.logRetentionDays,
    maxRecordBytes: s.maxRecordBytes,
    metricsNamespace: ctx.metricsNamespace,
  }, opts);
  const catalogArns: HistoryCatalogArns = {
    catalog: pulumi.interpolate`arn:aws:glue:${region}:${database.catalogId}:catalog`,
    database: pulumi.interpolate`arn:aws:glue:${region}:${database.catalogId}:database/${database.name}`,
    table: pulumi.interpolate`arn:aws:glue:${region}:${database.catalogId}:table/${database.name}/${historyTable.name}`,
  };
  const deliveryStream = historyDelivery(ctx, { stream, historyBucket, database, historyTable, catalogArns, transform });
  return { historyBucket, database, historyTable, catalogArns, transform, deliveryStream };
}

function historyCatalog({ name, args, opts }: RealtimeContext, historyBucket: SecureBucket) {
  const catalogPrefix = args.catalogPrefix.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const database = new aws.glue.CatalogDatabase(`${name}-catalog`, {
    name: `${catalogPrefix}_retail`,
    description: "Retail transactions history (validated), queried with Athena",
  }, opts);
  const historyLocation = pulumi.interpolate`s3://${historyBucket.bucketName}/history/`;
  const historyTable = new aws.glue.CatalogTable(`${name}-history-table`, {
    databaseName: database.name,
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
    storageDescriptor: parquetStorage(historyLocation, HISTORY_COLUMNS),
  }, opts);
  return { database, historyTable };
}

type DeliveryInputs = Omit<HistoryStage, "deliveryStream"> & { readonly stream: aws.kinesis.Stream };

/** Firehose from the stream to the history: its error logs, its role and the delivery stream. */
function historyDelivery({ name, args, settings: s, opts, region }: RealtimeContext, d: DeliveryInputs): aws.kinesis.FirehoseDeliveryStream {
  const { operations } = args;
  const transform = d.transform;
  const deliveryLogs = new aws.cloudwatch.LogGroup(`${name}-history-delivery-logs`, {
    name: `/platform/${pulumi.getProject()}/${pulumi.getStack()}/${name}-history-delivery`,
    retentionInDays: operations.logRetentionDays,
    kmsKeyId: args.kmsKeyArn,
  }, opts);
  const deliveryLogStream = new aws.cloudwatch.LogStream(`${name}-history-delivery-errors`, { logGroupName: deliveryLogs.name, name: "DestinationDelivery" }, opts);

  const firehoseRole = new aws.iam.Role(`${name}-history-delivery-role`, {
    description: "Firehose: read the stream, transform, convert to Parquet, write the history",
    assumeRolePolicy: assumeRolePolicy("firehose.amazonaws.com"),
  }, opts);
  const firehosePolicy = new aws.iam.RolePolicy(`${name}-history-delivery-policy`, {
    role: firehoseRole.id,
    policy: policyDocument([
      {
        sid: "ReadStream",
        actions: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
        resources: [d.stream.arn],
      },
      { sid: "Transform", actions: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"], resources: [transform.arn, pulumi.interpolate`${transform.arn}:*`] },
      { sid: "ReadSchema", actions: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"], resources: [d.catalogArns.catalog, d.catalogArns.database, d.catalogArns.table] },
      { sid: "ListHistory", actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources: [d.historyBucket.arn] },
      { sid: "WriteHistory", actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources: [pulumi.interpolate`${d.historyBucket.arn}/*`] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      { sid: "LogDeliveryErrors", actions: ["logs:PutLogEvents"], resources: [pulumi.interpolate`${deliveryLogs.arn}:*`] },
    ]),
  }, opts);

  return new aws.kinesis.FirehoseDeliveryStream(`${name}-history-delivery`, {
    destination: "extended_s3",
    kinesisSourceConfiguration: { kinesisStreamArn: d.stream.arn, roleArn: firehoseRole.arn },
    extendedS3Configuration: {
      roleArn: firehoseRole.arn,
      bucketArn: d.historyBucket.arn,
      prefix: "history/dt=!{timestamp:yyyy-MM-dd}/",
      errorOutputPrefix: "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
      bufferingSize: s.firehoseBufferingMb,
      bufferingInterval: s.firehoseBufferingSeconds,
      compressionFormat: "UNCOMPRESSED",
      kmsKeyArn: args.kmsKeyArn,
      cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogs.name, logStreamName: deliveryLogStream.name },
      processingConfiguration: firehoseLambdaProcessing(transform),
      dataFormatConversionConfiguration: {
        enabled: true,
        inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
        outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
        schemaConfiguration: { databaseName: d.database.name, tableName: d.historyTable.name, roleArn: firehoseRole.arn, region },
      },
    },
  }, { ...opts, dependsOn: [firehosePolicy] });
}
