/**
 * The Firehose data transformation both Firehose pipelines deploy
 * (functions/firehose-transform): validates each record against the
 * transaction contract and marks invalid ones ProcessingFailed.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformFunction } from "./PlatformFunction";

export interface RecordTransformArgs {
  readonly description: string;
  readonly salesRegions: readonly string[];
  readonly currencies: readonly string[];
  readonly emailHashSecretArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly reservedConcurrency: number;
  readonly logRetentionDays: number;
  readonly maxRecordBytes: number;
  /** EMF namespace for the transform's metrics, when it should publish some. */
  readonly metricsNamespace?: string;
}

/** The EMF namespace of the platform's own metrics for this stack (dashboards and alarms read it). */
export function platformMetricsNamespace(): string {
  return `RetailPlatform/${pulumi.getStack()}`;
}

export function recordTransformFunction(name: string, args: RecordTransformArgs, opts: pulumi.ComponentResourceOptions): PlatformFunction {
  return new PlatformFunction(name, {
    code: "firehose-transform",
    description: args.description,
    memoryMb: 512,
    timeoutSeconds: 120,
    reservedConcurrency: args.reservedConcurrency,
    logRetentionDays: args.logRetentionDays,
    kmsKeyArn: args.kmsKeyArn,
    environment: {
      SALES_REGIONS: args.salesRegions.join(","),
      CURRENCIES: args.currencies.join(","),
      EMAIL_HASH_SECRET_ARN: args.emailHashSecretArn,
      MAX_RECORD_BYTES: String(args.maxRecordBytes),
      POWERTOOLS_SERVICE_NAME: name,
      ...(args.metricsNamespace ? { POWERTOOLS_METRICS_NAMESPACE: args.metricsNamespace } : {}),
    },
    statements: [
      { sid: "ReadHashKey", actions: ["secretsmanager:GetSecretValue"], resources: [args.emailHashSecretArn] },
      { sid: "UseDataKey", actions: ["kms:Decrypt"], resources: [args.kmsKeyArn] },
    ],
  }, opts);
}

/** Firehose's processing configuration that runs a transformation function on 1 MB / 60 s sub-batches. */
export function firehoseLambdaProcessing(transform: PlatformFunction) {
  return {
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
  };
}
