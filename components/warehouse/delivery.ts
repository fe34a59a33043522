/**
 * Transform and deliver: the Firehose delivery stream that reads the event
 * stream, the optional transformation, the role Firehose reads and COPYs
 * with, and the policy producers attach to put events into the stream.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, policyDocument } from "../shared/iam";
import { PlatformFunction } from "../shared/PlatformFunction";
import { firehoseLambdaProcessing, platformMetricsNamespace, recordTransformFunction } from "../shared/recordTransform";
import { StreamingWarehouseContext } from "./context";
import { COPY_OPTIONS, SALES_EVENTS_COLUMNS, SALES_EVENTS_SCHEMA, SALES_EVENTS_TABLE } from "./salesEvents";
import { WarehouseStoreStage } from "./store";

export interface WarehouseDeliveryStage {
  readonly transform?: PlatformFunction;
  readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  readonly producerPolicy: aws.iam.Policy;
}

export function buildDelivery(ctx: StreamingWarehouseContext, store: WarehouseStoreStage, stream: aws.kinesis.Stream): WarehouseDeliveryStage {
  const { name, args, settings: s, opts } = ctx;
  const transform = s.transform
    ? recordTransformFunction(`${name}-transform`, {
        description: "Validates and flattens events for the warehouse; marks invalid ones ProcessingFailed",
        salesRegions: args.salesRegions,
        currencies: args.currencies,
        emailHashSecretArn: args.emailHashSecretArn,
        kmsKeyArn: args.kmsKeyArn,
        reservedConcurrency: s.transformConcurrency,
        logRetentionDays: args.operations.logRetentionDays,
        maxRecordBytes: s.maxRecordBytes,
        // The platform's namespace, as the real-time transform's: without it Powertools publishes to default_namespace.
        metricsNamespace: platformMetricsNamespace(),
      }, opts)
    : undefined;
  const deliveryStream = deliveryStreamOf(ctx, store, stream, transform);
  // Application servers attach this policy to put events; nothing else can.
  const producerPolicy = new aws.iam.Policy(`${name}-producer`, {
    description: "Lets application servers put events into the warehouse event stream",
    policy: policyDocument([
      { sid: "PutEvents", actions: ["kinesis:PutRecord", "kinesis:PutRecords"], resources: [stream.arn] },
      { sid: "EncryptEvents", actions: ["kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
    ]),
  }, opts);
  return { ...(transform ? { transform } : {}), deliveryStream, producerPolicy };
}

function deliveryStreamOf({ name, args, settings: s, opts, accountId }: StreamingWarehouseContext, store: WarehouseStoreStage, stream: aws.kinesis.Stream, transform: PlatformFunction | undefined): aws.kinesis.FirehoseDeliveryStream {
  const { warehouse, stagingBucket } = store;
  const deliveryLogs = new aws.cloudwatch.LogGroup(`${name}-delivery-logs`, {
    name: `/platform/${pulumi.getProject()}/${pulumi.getStack()}/${name}-delivery`,
    retentionInDays: args.operations.logRetentionDays,
    kmsKeyId: args.kmsKeyArn,
  }, opts);
  const redshiftLogStream = new aws.cloudwatch.LogStream(`${name}-delivery-redshift`, { logGroupName: deliveryLogs.name, name: "RedshiftDelivery" }, opts);
  const s3LogStream = new aws.cloudwatch.LogStream(`${name}-delivery-s3`, { logGroupName: deliveryLogs.name, name: "S3Delivery" }, opts);

  const role = new aws.iam.Role(`${name}-delivery-role`, {
    description: "Firehose: read the event stream, transform, stage in S3, COPY into Redshift with the managed admin secret",
    assumeRolePolicy: assumeRolePolicy("firehose.amazonaws.com", accountId),
  }, opts);
  const rolePolicy = new aws.iam.RolePolicy(`${name}-delivery-policy`, {
    role: role.id,
    policy: policyDocument([
      {
        sid: "ReadStream",
        actions: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
        resources: [stream.arn],
      },
      { sid: "ListStaging", actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources: [stagingBucket.arn] },
      { sid: "WriteStaging", actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources: [pulumi.interpolate`${stagingBucket.arn}/*`] },
      { sid: "ReadWarehouseSecret", actions: ["secretsmanager:GetSecretValue"], resources: [warehouse.adminSecretArn] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      { sid: "LogDeliveryErrors", actions: ["logs:PutLogEvents"], resources: [pulumi.interpolate`${deliveryLogs.arn}:*`] },
      ...(transform ? [{ sid: "Transform", actions: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"], resources: [transform.arn, pulumi.interpolate`${transform.arn}:*`] }] : []),
    ]),
  }, opts);

  return new aws.kinesis.FirehoseDeliveryStream(`${name}-events`, {
    destination: "redshift",
    // The stream encrypts events at rest with the platform key; Firehose's own SSE applies to Direct PUT only.
    kinesisSourceConfiguration: { kinesisStreamArn: stream.arn, roleArn: role.arn },
    redshiftConfiguration: {
      roleArn: role.arn,
      clusterJdbcurl: warehouse.jdbcUrl,
      secretsManagerConfiguration: { enabled: true, secretArn: warehouse.adminSecretArn, roleArn: role.arn },
      dataTableName: `${SALES_EVENTS_SCHEMA}.${SALES_EVENTS_TABLE}`,
      dataTableColumns: SALES_EVENTS_COLUMNS.map((c) => c.name).join(","),
      copyOptions: COPY_OPTIONS,
      retryDuration: s.retrySeconds,
      s3BackupMode: "Disabled",
      s3Configuration: {
        roleArn: role.arn,
        bucketArn: stagingBucket.arn,
        prefix: "staging/",
        errorOutputPrefix: "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
        bufferingSize: s.bufferingMb,
        bufferingInterval: s.bufferingSeconds,
        compressionFormat: "GZIP",
        kmsKeyArn: args.kmsKeyArn,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogs.name, logStreamName: s3LogStream.name },
      },
      cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogs.name, logStreamName: redshiftLogStream.name },
      ...(transform ? { processingConfiguration: firehoseLambdaProcessing(transform) } : {}),
    },
  }, { ...opts, dependsOn: [rolePolicy, store.createTable] });
}
