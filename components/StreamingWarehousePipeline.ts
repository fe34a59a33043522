/**
 * P2, streaming into a warehouse (docs/brief.md): application servers put
 * events into Amazon Data Firehose (direct PUT, encrypted) -> an optional
 * transformation Lambda validates and flattens them -> Firehose stages gzip'd
 * batches in S3 and issues COPY into Amazon Redshift Serverless -> QuickSight
 * on Redshift (switchable).
 *
 * The target table is created by an `aws:redshiftdata/statement:Statement`: the
 * Redshift Data API runs `CREATE TABLE IF NOT EXISTS` (warehouse/salesEvents.ts)
 * during `pulumi up`, with the AWS-managed admin secret, before Firehose exists.
 *
 * Networking (warehouse/ServerlessWarehouse.ts): an awsx VPC, private subnets in
 * three AZs, no NAT gateway. Firehose reaches Redshift only over a public
 * endpoint, so the workgroup sits in public subnets (internet gateway, no
 * charge) with port 5439 open to the region's Firehose CIDR block alone;
 * QuickSight comes in through a VPC connection in the private subnets.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Limits, Operations, Protection, QuickSightSchema, Workload } from "../environments";
import { z } from "zod";
import { PlatformFunction } from "./shared/PlatformFunction";
import { recordTransformFunction } from "./shared/recordTransform";
import { SecureBucket, retentionLifecycle } from "./shared/SecureBucket";
import { assumeRolePolicy, policyDocument } from "./shared/iam";
import { ServerlessWarehouse, UsageLimitBreachAction, breachActionFor } from "./warehouse/ServerlessWarehouse";
import { firehoseCidrsFor } from "./warehouse/firehoseCidrs";
import { warehouseDashboardSource } from "./warehouse/quicksight";
import { COPY_OPTIONS, HOURLY_REVENUE_COLUMNS, HOURLY_REVENUE_SQL, LOADED_HISTORY_KEYS, SALES_EVENTS_COLUMNS, SALES_EVENTS_SCHEMA, SALES_EVENTS_TABLE, createTableSql } from "./warehouse/salesEvents";
import { PipelineMetadata } from "./stages";

export interface StreamingWarehousePipelineArgs {
  readonly awsRegion: string;
  readonly salesRegions: readonly string[];
  readonly currencies: readonly string[];
  readonly workload: Workload;
  readonly limits: Limits;
  readonly protection: Protection;
  readonly operations: Operations;
  readonly quicksight: z.infer<typeof QuickSightSchema>;
  /** From PlatformCore. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly alertTopicArn: pulumi.Input<string>;
  readonly emailHashSecretArn: pulumi.Input<string>;
  /** Run functions/firehose-transform on every batch (validation, flattening). Default true. */
  readonly transform?: boolean;
  /** Usage-limit breach action. Default: "deactivate" without deletion protection (dev), "emit-metric" with it (prod). */
  readonly usageLimitBreachAction?: UsageLimitBreachAction;
  /** Firehose CIDR blocks; default: the documented block of `awsRegion`. */
  readonly firehoseCidrs?: readonly string[];
}

export interface ResolvedStreamingWarehouseSettings {
  readonly transform: boolean;
  readonly breachAction: UsageLimitBreachAction;
  readonly firehoseCidrs: string[];
  readonly bufferingSeconds: number;
  readonly bufferingMb: number;
  /** How long Firehose retries a failed COPY before writing the batch to the errors prefix. */
  readonly retrySeconds: number;
  readonly stagingRetentionDays: number;
  readonly transformConcurrency: number;
  readonly maxRecordBytes: number;
  readonly databaseName: string;
  /** Bytes per 5 minutes above which producers send more than the workload's peak (x2): an alarm, since Direct PUT has no cap we can set. */
  readonly ingestAlarmBytesPer5Min: number;
}

/** Pure; tested directly. */
export function resolveStreamingWarehouseSettings(args: StreamingWarehousePipelineArgs): ResolvedStreamingWarehouseSettings {
  if (args.quicksight.enabled && !args.quicksight.principalArn) {
    throw new Error("StreamingWarehousePipeline: quicksight.principalArn is required when quicksight.enabled is true");
  }
  const transform = args.transform ?? true;
  if (transform && (args.salesRegions.length === 0 || args.currencies.length === 0)) {
    throw new Error("StreamingWarehousePipeline: salesRegions and currencies must be listed when transform is on");
  }
  return {
    transform,
    breachAction: args.usageLimitBreachAction ?? breachActionFor(args.protection),
    firehoseCidrs: firehoseCidrsFor(args.awsRegion, args.firehoseCidrs),
    bufferingSeconds: args.limits.firehose.bufferingSeconds,
    // Redshift destinations buffer 1..128 MB.
    bufferingMb: Math.min(128, args.limits.firehose.bufferingMb),
    retrySeconds: 3600,
    stagingRetentionDays: 7,
    transformConcurrency: Math.max(2, Math.ceil(args.limits.lambda.reservedConcurrency / 2)),
    maxRecordBytes: 100 * 1024,
    databaseName: "retail",
    ingestAlarmBytesPer5Min: Math.ceil(args.workload.peakTps * args.workload.averageRecordBytes * 300 * 2),
  };
}

export const STREAMING_WAREHOUSE_METADATA: PipelineMetadata = {
  kind: "streaming-warehouse",
  component: "StreamingWarehousePipeline",
  title: "Streaming into a warehouse",
  latencyClass: "near-real-time",
  useCase:
    "Continuous events from application servers monitored within minutes with SQL joins and BI on a warehouse: Firehose buffers and batches the stream, Redshift serves fast repeated dashboards.",
  stages: [
    { stage: "acquire", service: "Amazon Data Firehose", role: "Receives events by direct PUT from application servers, encrypted, and buffers them by size and time.", resourceTypes: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"] },
    { stage: "transform", service: "AWS Lambda (Firehose transformation)", role: "Validates and flattens each record before the warehouse sees it; invalid records land in the errors prefix.", resourceTypes: ["aws:lambda/function:Function"] },
    { stage: "store", service: "Amazon Redshift Serverless (staged through Amazon S3)", role: "Firehose stages gzip'd batches in S3 and issues COPY into a table created through the Redshift Data API; RPUs and monthly RPU-hours are bounded.", resourceTypes: ["aws:redshiftserverless/namespace:Namespace", "aws:redshiftserverless/workgroup:Workgroup", "aws:redshiftserverless/usageLimit:UsageLimit", "aws:redshiftdata/statement:Statement", "aws:s3/bucket:Bucket"] },
    { stage: "analyse", service: "Amazon Redshift Serverless", role: "Answers SQL over the loaded events, with a per-query time limit and a monthly usage limit.", resourceTypes: ["aws:redshiftserverless/workgroup:Workgroup"] },
    { stage: "visualise", service: "Amazon QuickSight", role: "Dashboards on a Redshift data source reached through a VPC connection (switchable per environment).", resourceTypes: ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet", "aws:quicksight/vpcConnection:VpcConnection"] },
  ],
};

export class StreamingWarehousePipeline extends pulumi.ComponentResource {
  public static readonly metadata = STREAMING_WAREHOUSE_METADATA;

  public readonly warehouse: ServerlessWarehouse;
  public readonly stagingBucket: SecureBucket;
  public readonly createTable: aws.redshiftdata.Statement;
  public readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  public readonly producerPolicy: aws.iam.Policy;
  public readonly transform?: PlatformFunction;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];

  public readonly deliveryStreamName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;
  public readonly producerPolicyArn: pulumi.Output<string>;

  public constructor(name: string, args: StreamingWarehousePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pipelines:StreamingWarehouse", name, {}, opts);
    const s = resolveStreamingWarehouseSettings(args);
    const parent = { parent: this };
    const { protection, operations } = args;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    // ---- Store: the warehouse (bounded RPUs, usage limit, AWS-managed admin secret) -------------
    this.warehouse = new ServerlessWarehouse(`${name}-warehouse`, {
      redshift: args.limits.redshift,
      breachAction: s.breachAction,
      kmsKeyArn: args.kmsKeyArn,
      databaseName: s.databaseName,
      publicIngressCidrs: s.firehoseCidrs,
    }, parent);

    // The documented table-creation mechanism: one Data API statement, run at deploy time.
    this.createTable = new aws.redshiftdata.Statement(`${name}-create-table`, {
      workgroupName: this.warehouse.workgroupName,
      database: s.databaseName,
      secretArn: this.warehouse.adminSecretArn,
      sql: createTableSql(),
      statementName: `${name}-create-${SALES_EVENTS_TABLE}`,
    }, { parent: this, dependsOn: [this.warehouse] });

    // ---- Store: the staging zone Firehose COPYs from ------------------------------------------
    this.stagingBucket = new SecureBucket(`${name}-staging`, {
      kmsKeyArn: args.kmsKeyArn,
      versioning: protection.bucketVersioning,
      forceDestroy: protection.forceDestroyBuckets,
      lifecycle: [retentionLifecycle("staging", s.stagingRetentionDays, "staging/"), retentionLifecycle("errors", 30, "errors/")],
    }, parent);

    // ---- Transform: the optional Firehose transformation ---------------------------------------
    if (s.transform) {
      this.transform = recordTransformFunction(`${name}-transform`, {
        description: "Validates and flattens events for the warehouse; marks invalid ones ProcessingFailed",
        salesRegions: args.salesRegions,
        currencies: args.currencies,
        emailHashSecretArn: args.emailHashSecretArn,
        kmsKeyArn: args.kmsKeyArn,
        reservedConcurrency: s.transformConcurrency,
        logRetentionDays: operations.logRetentionDays,
        maxRecordBytes: s.maxRecordBytes,
      }, parent);
    }

    // ---- Acquire: the delivery stream ------------------------------------------------------------
    const deliveryLogs = new aws.cloudwatch.LogGroup(`${name}-delivery-logs`, {
      name: `/platform/${pulumi.getProject()}/${pulumi.getStack()}/${name}-delivery`,
      retentionInDays: operations.logRetentionDays,
      kmsKeyId: args.kmsKeyArn,
    }, parent);
    const redshiftLogStream = new aws.cloudwatch.LogStream(`${name}-delivery-redshift`, { logGroupName: deliveryLogs.name, name: "RedshiftDelivery" }, parent);
    const s3LogStream = new aws.cloudwatch.LogStream(`${name}-delivery-s3`, { logGroupName: deliveryLogs.name, name: "S3Delivery" }, parent);

    const role = new aws.iam.Role(`${name}-delivery-role`, {
      description: "Firehose: transform, stage in S3, COPY into Redshift with the managed admin secret",
      assumeRolePolicy: assumeRolePolicy("firehose.amazonaws.com", accountId),
    }, parent);
    const rolePolicy = new aws.iam.RolePolicy(`${name}-delivery-policy`, {
      role: role.id,
      policy: policyDocument([
        { sid: "ListStaging", actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources: [this.stagingBucket.arn] },
        { sid: "WriteStaging", actions: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources: [pulumi.interpolate`${this.stagingBucket.arn}/*`] },
        { sid: "ReadWarehouseSecret", actions: ["secretsmanager:GetSecretValue"], resources: [this.warehouse.adminSecretArn] },
        { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
        { sid: "LogDeliveryErrors", actions: ["logs:PutLogEvents"], resources: [pulumi.interpolate`${deliveryLogs.arn}:*`] },
        ...(this.transform ? [{ sid: "Transform", actions: ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"], resources: [this.transform.arn, pulumi.interpolate`${this.transform.arn}:*`] }] : []),
      ]),
    }, parent);

    this.deliveryStream = new aws.kinesis.FirehoseDeliveryStream(`${name}-events`, {
      destination: "redshift",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: args.kmsKeyArn },
      redshiftConfiguration: {
        roleArn: role.arn,
        clusterJdbcurl: this.warehouse.jdbcUrl,
        secretsManagerConfiguration: { enabled: true, secretArn: this.warehouse.adminSecretArn, roleArn: role.arn },
        dataTableName: `${SALES_EVENTS_SCHEMA}.${SALES_EVENTS_TABLE}`,
        dataTableColumns: SALES_EVENTS_COLUMNS.map((c) => c.name).join(","),
        copyOptions: COPY_OPTIONS,
        retryDuration: s.retrySeconds,
        s3BackupMode: "Disabled",
        s3Configuration: {
          roleArn: role.arn,
          bucketArn: this.stagingBucket.arn,
          prefix: "staging/",
          errorOutputPrefix: "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
          bufferingSize: s.bufferingMb,
          bufferingInterval: s.bufferingSeconds,
          compressionFormat: "GZIP",
          kmsKeyArn: args.kmsKeyArn,
          cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogs.name, logStreamName: s3LogStream.name },
        },
        cloudwatchLoggingOptions: { enabled: true, logGroupName: deliveryLogs.name, logStreamName: redshiftLogStream.name },
        ...(this.transform
          ? {
              processingConfiguration: {
                enabled: true,
                processors: [
                  {
                    type: "Lambda",
                    parameters: [
                      { parameterName: "LambdaArn", parameterValue: pulumi.interpolate`${this.transform.arn}:$LATEST` },
                      { parameterName: "BufferSizeInMBs", parameterValue: "1" },
                      { parameterName: "BufferIntervalInSeconds", parameterValue: "60" },
                    ],
                  },
                ],
              },
            }
          : {}),
      },
    }, { parent: this, dependsOn: [rolePolicy, this.createTable] });

    // Application servers attach this policy to put events; nothing else can.
    this.producerPolicy = new aws.iam.Policy(`${name}-producer`, {
      description: "Lets application servers put events into the warehouse delivery stream",
      policy: policyDocument([
        { sid: "PutEvents", actions: ["firehose:PutRecord", "firehose:PutRecordBatch"], resources: [this.deliveryStream.arn] },
        { sid: "EncryptEvents", actions: ["kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
      ]),
    }, parent);

    // ---- Alarms to the platform topic ------------------------------------------------------------
    const alarm = (suffix: string, a: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "treatMissingData">) =>
      new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, { ...a, alarmActions: [args.alertTopicArn], okActions: [args.alertTopicArn], treatMissingData: "notBreaching" }, parent);
    this.alarms = [
      alarm("copy-failures", {
        alarmDescription: "Firehose COPY into Redshift failed (warehouse paused by its usage limit, table missing or network)",
        namespace: "AWS/Firehose",
        metricName: "DeliveryToRedshift.Success",
        dimensions: { DeliveryStreamName: this.deliveryStream.name },
        statistic: "Minimum",
        period: 300,
        evaluationPeriods: 3,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
      }),
      alarm("ingest-above-peak", {
        alarmDescription: `Producers send more than twice the workload's peak (${args.workload.peakTps} tx/s): Direct PUT has no cap, so the bill follows`,
        namespace: "AWS/Firehose",
        metricName: "IncomingBytes",
        dimensions: { DeliveryStreamName: this.deliveryStream.name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 3,
        threshold: s.ingestAlarmBytesPer5Min,
        comparisonOperator: "GreaterThanThreshold",
      }),
      ...(this.transform
        ? [
            alarm("transform-errors", {
              alarmDescription: "The warehouse transformation failed invocations",
              namespace: "AWS/Lambda",
              metricName: "Errors",
              dimensions: { FunctionName: this.transform.functionName },
              statistic: "Sum",
              period: 300,
              evaluationPeriods: 1,
              threshold: 0,
              comparisonOperator: "GreaterThanThreshold",
            }),
          ]
        : []),
    ];

    // ---- Visualise: QuickSight on Redshift through a VPC connection (off in dev) ---------------
    if (args.quicksight.enabled && args.quicksight.principalArn) {
      warehouseDashboardSource(name, {
        warehouse: this.warehouse,
        principalArn: args.quicksight.principalArn,
        dataSourceName: `Retail warehouse (${pulumi.getStack()})`,
        dataSetName: `Hourly revenue (${pulumi.getStack()})`,
        sql: HOURLY_REVENUE_SQL,
        columns: HOURLY_REVENUE_COLUMNS,
      }, parent);
    }

    this.deliveryStreamName = this.deliveryStream.name;
    this.workgroupName = this.warehouse.workgroupName;
    this.producerPolicyArn = this.producerPolicy.arn;
    this.registerOutputs({ deliveryStreamName: this.deliveryStreamName, workgroupName: this.workgroupName, producerPolicyArn: this.producerPolicyArn });
  }
}

/** Keys the transformation emits that the table loads (documentation and tests). */
export const STREAMING_WAREHOUSE_LOADED_KEYS = LOADED_HISTORY_KEYS;
