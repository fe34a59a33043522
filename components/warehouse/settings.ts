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
  /** Bytes per 5 minutes above which producers send more than the workload's peak (x2): an alarm, since Direct PUT has no cap we can set. */
  readonly ingestAlarmBytesPer5Min: number;
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
    ingestAlarmBytesPer5Min: Math.ceil(args.workload.peakTps * args.workload.averageRecordBytes * 300 * 2),
  };
}
