/**
 * Transform: the stream processor (validate, aggregate per minute x product x
 * region, detect spikes) and its event source mapping, with where nothing is
 * lost: a quarantine bucket for rejected records, a queue for batches that
 * exhausted their retries, and the bus spike events go to.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlatformFunction } from "../shared/PlatformFunction";
import { pipelineBucket, retentionLifecycle, SecureBucket } from "../shared/SecureBucket";
import { RealtimeContext } from "./context";

export interface ProcessorStage {
  readonly quarantineBucket: SecureBucket;
  readonly failedBatchesQueue: aws.sqs.Queue;
  readonly spikeBus: aws.cloudwatch.EventBus;
  readonly processor: PlatformFunction;
  readonly eventSourceMapping: aws.lambda.EventSourceMapping;
}

export function buildProcessor(ctx: RealtimeContext, stream: aws.kinesis.Stream, aggregatesTable: aws.dynamodb.Table): ProcessorStage {
  const { name, args, settings: s, opts } = ctx;
  const quarantineBucket = pipelineBucket(`${name}-quarantine`, args, [retentionLifecycle("expire-quarantine", s.quarantineRetentionDays)], opts);
  const failedBatchesQueue = new aws.sqs.Queue(`${name}-failed-batches`, {
    kmsMasterKeyId: args.kmsKeyArn,
    kmsDataKeyReusePeriodSeconds: 3600,
    messageRetentionSeconds: 14 * 24 * 3600,
  }, opts);
  const spikeBus = new aws.cloudwatch.EventBus(`${name}-spikes`, {}, opts);
  const processor = processorFunction(ctx, { stream, aggregatesTable, quarantineBucket, failedBatchesQueue, spikeBus });
  const limits = args.limits.lambda;
  const eventSourceMapping = new aws.lambda.EventSourceMapping(`${name}-processor-source`, {
    eventSourceArn: stream.arn,
    functionName: processor.arn,
    startingPosition: "TRIM_HORIZON",
    batchSize: limits.batchSize,
    maximumBatchingWindowInSeconds: limits.batchingWindowSeconds,
    parallelizationFactor: limits.parallelizationFactor,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: limits.maxRetries,
    maximumRecordAgeInSeconds: limits.maxRecordAgeSeconds,
    functionResponseTypes: ["ReportBatchItemFailures"],
    destinationConfig: { onFailure: { destinationArn: failedBatchesQueue.arn } },
  }, { ...opts, dependsOn: [processor] });
  return { quarantineBucket, failedBatchesQueue, spikeBus, processor, eventSourceMapping };
}

interface ProcessorTargets {
  readonly stream: aws.kinesis.Stream;
  readonly aggregatesTable: aws.dynamodb.Table;
  readonly quarantineBucket: SecureBucket;
  readonly failedBatchesQueue: aws.sqs.Queue;
  readonly spikeBus: aws.cloudwatch.EventBus;
}

function processorFunction({ name, args, settings: s, opts, metricsNamespace, serviceName }: RealtimeContext, t: ProcessorTargets): PlatformFunction {
  const { limits, operations } = args;
  return new PlatformFunction(`${name}-processor`, {
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
      AGGREGATES_TABLE: t.aggregatesTable.name,
      QUARANTINE_BUCKET: t.quarantineBucket.bucketName,
      QUARANTINE_PREFIX: "quarantine/",
      SPIKE_BUS_NAME: t.spikeBus.name,
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
        resources: [t.stream.arn],
      },
      { sid: "ApplyAggregates", actions: ["dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:Query"], resources: [t.aggregatesTable.arn] },
      // failed-deliveries/: the failure notes a replay reads (functions/stream-processor/failureNotes.ts).
      { sid: "SetAsideRejected", actions: ["s3:PutObject"], resources: [pulumi.interpolate`${t.quarantineBucket.arn}/quarantine/*`, pulumi.interpolate`${t.quarantineBucket.arn}/failed-deliveries/*`] },
      { sid: "PublishSpikes", actions: ["events:PutEvents"], resources: [t.spikeBus.arn] },
      { sid: "SendFailedBatches", actions: ["sqs:SendMessage", "sqs:GetQueueAttributes"], resources: [t.failedBatchesQueue.arn] },
      { sid: "ReadHashKey", actions: ["secretsmanager:GetSecretValue"], resources: [args.emailHashSecretArn] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
    ],
  }, opts);
}
