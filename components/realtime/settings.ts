/** The real-time pipeline's args, and every setting it derives from them, resolved and checked in one place. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { SpikesSchema } from "../../environments";
import { PipelineEnvironmentArgs } from "../shared/context";

export interface RealtimeAnalyticsPipelineArgs extends PipelineEnvironmentArgs {
  readonly salesRegions: readonly string[];
  readonly currencies: readonly string[];
  readonly spikes: z.infer<typeof SpikesSchema>;
  /** From PlatformCore. */
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

export const MB = 1024 * 1024;

/** Resolves defaults and rejects contradictions before any resource exists. Pure; tested directly. */
export function resolveRealtimeSettings(args: RealtimeAnalyticsPipelineArgs): ResolvedRealtimeSettings {
  const { limits } = args;
  if (args.salesRegions.length === 0) throw new Error("RealtimeAnalyticsPipeline: salesRegions must list at least one region");
  if (args.currencies.length === 0) throw new Error("RealtimeAnalyticsPipeline: currencies must list at least one currency");
  if (args.quicksight.enabled && args.quicksight.groupName === undefined) {
    throw new Error("RealtimeAnalyticsPipeline: quicksight.groupName is required when quicksight.enabled is true");
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
