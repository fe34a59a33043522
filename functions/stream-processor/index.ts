/**
 * Stream processor: the Kinesis event source mapping's target
 * (ReportBatchItemFailures on, bisect on error, parallelization factor 1).
 * Configuration is read and validated at cold start; clients, the hash key,
 * the recent-id set and the baseline cache live as long as the container.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { S3Client } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { HashKeyProvider } from "../shared";
import { loadProcessorEnv, toProcessorConfig } from "./config";
import { fromLambdaRecord, MetricsSink, processRecords, ProcessorDeps } from "./processor";
import { RecentIds } from "./RecentIds";
import { FoldState } from "./fold";
import { BaselineCache } from "./spikes";
import { ChainTails } from "./writer";

const env = loadProcessorEnv(process.env);
const config = toProcessorConfig(env);
const logger = new Logger();
const metrics = new Metrics();
const keys = new HashKeyProvider(env);

const sink: MetricsSink = {
  count(name, value, dimensions) {
    if (dimensions) {
      const single = metrics.singleMetric();
      for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
      single.addMetric(name, MetricUnit.Count, value);
    } else {
      metrics.addMetric(name, MetricUnit.Count, value);
    }
  },
};

const deps: ProcessorDeps = {
  config,
  dynamo: new DynamoDBClient({}),
  s3: new S3Client({}),
  events: new EventBridgeClient({}),
  hashKey: () => keys.get(),
  recent: new RecentIds(config.dedupCacheSize),
  baselines: new BaselineCache(),
  tails: new ChainTails(),
  folds: new FoldState(),
  metrics: sink,
  logger,
};

export const handler = async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> => {
  logger.addContext(context);
  try {
    const outcome = await processRecords(event.Records.map(fromLambdaRecord), deps);
    logger.info("batch processed", {
      records: event.Records.length,
      valid: outcome.valid,
      duplicates: outcome.duplicates,
      rejected: outcome.rejected,
      failed: outcome.failedSequenceNumbers.length,
      wcu: outcome.consumedWcu,
      spikes: outcome.spikes.length,
      suppressedSpikes: outcome.suppressedSpikes,
    });
    return { batchItemFailures: outcome.failedSequenceNumbers.map((itemIdentifier) => ({ itemIdentifier })) };
  } finally {
    metrics.publishStoredMetrics();
  }
};
