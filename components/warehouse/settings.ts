/** The streaming warehouse's args, and every setting it derives from them, resolved and checked in one place. */
import * as pulumi from "@pulumi/pulumi";
import { PipelineEnvironmentArgs } from "../shared/context";
import { UsageLimitBreachAction, breachActionFor } from "../shared/ServerlessWarehouse";
import { firehoseCidrsFor } from "./firehoseCidrs";

export interface StreamingWarehousePipelineArgs extends PipelineEnvironmentArgs {
  readonly salesRegions: readonly string[];
  readonly currencies: readonly string[];
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
  /** The event stream in front of Firehose: its capacity is the bound on what producers can send (limits.kinesis). */
  readonly streamMode: "PROVISIONED" | "ON_DEMAND";
  readonly shardCount?: number;
  /** Hours the stream keeps events Firehose has not read yet (24, the minimum: Firehose retries within it). */
  readonly streamRetentionHours: number;
}

/** Pure; tested directly. */
export function resolveStreamingWarehouseSettings(args: StreamingWarehousePipelineArgs): ResolvedStreamingWarehouseSettings {
  if (args.quicksight.enabled && args.quicksight.groupName === undefined) {
    throw new Error("StreamingWarehousePipeline: quicksight.groupName is required when quicksight.enabled is true");
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
    // Producers put into a Kinesis stream, not Direct PUT: the stream's shards are a bound AWS enforces and can carry
    // the peak, while Direct PUT's default quota in some regions cannot (1 MiB/s in eu-west-3; docs/design.md).
    streamMode: args.limits.kinesis.mode === "provisioned" ? "PROVISIONED" : "ON_DEMAND",
    ...(args.limits.kinesis.mode === "provisioned" ? { shardCount: args.limits.kinesis.shards } : {}),
    streamRetentionHours: 24,
  };
}
