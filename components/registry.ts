/**
 * The pipelines a stack can select with `platform:pipelines`, and how each is
 * built from the environment. Adding a pipeline means adding one entry here.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment, PipelineKind } from "../environments";
import { BATCH_ETL_METADATA, BatchEtlPipeline } from "./BatchEtlPipeline";
import { DATALAKE_METADATA, DataLakePipeline } from "./DataLakePipeline";
import { PlatformCore } from "./PlatformCore";
import { REALTIME_METADATA, RealtimeAnalyticsPipeline } from "./RealtimeAnalyticsPipeline";
import { PipelineMetadata } from "./stages";
import { STREAMING_WAREHOUSE_METADATA, StreamingWarehousePipeline } from "./StreamingWarehousePipeline";

export interface PipelineDefinition {
  readonly metadata: PipelineMetadata;
  /** Declares the component for one environment; returns its stack outputs. */
  create(env: Environment, core: PlatformCore, opts: pulumi.ComponentResourceOptions): Record<string, pulumi.Output<unknown>>;
}

/** A Glue/Athena-safe name prefix for the stack. */
export function catalogPrefix(env: Environment): string {
  return `${env.project}_${env.stack}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/** What every pipeline takes from the environment and the shared core. */
function sharedArgs(env: Environment, core: PlatformCore) {
  return {
    workload: env.workload,
    limits: env.limits,
    protection: env.protection,
    operations: env.operations,
    quicksight: env.quicksight,
    kmsKeyArn: core.keyArn,
    alertTopicArn: core.alertTopicArn,
  };
}

export const PIPELINES: Partial<Record<PipelineKind, PipelineDefinition>> = {
  realtime: {
    metadata: REALTIME_METADATA,
    create(env, core, opts) {
      const p = new RealtimeAnalyticsPipeline("realtime", {
        salesRegions: env.salesRegions,
        currencies: env.currencies,
        ...sharedArgs(env, core),
        spikes: env.spikes,
        emailHashSecretArn: core.emailHashSecretArn,
        catalogPrefix: catalogPrefix(env),
      }, opts);
      return { streamName: p.streamName, aggregatesTable: p.tableName, historyBucket: p.historyBucketName, athenaWorkgroup: p.workgroupName };
    },
  },
  datalake: {
    metadata: DATALAKE_METADATA,
    create(env, core, opts) {
      const p = new DataLakePipeline("datalake", {
        ...sharedArgs(env, core),
        catalogPrefix: catalogPrefix(env),
      }, opts);
      return { rawBucket: p.rawBucketName, curatedBucket: p.curatedBucketName, glueDatabase: p.databaseName, athenaWorkgroup: p.workgroupName, glueJob: p.jobName };
    },
  },
  "streaming-warehouse": {
    metadata: STREAMING_WAREHOUSE_METADATA,
    create(env, core, opts) {
      const p = new StreamingWarehousePipeline("warehouse", {
        awsRegion: env.awsRegion,
        salesRegions: env.salesRegions,
        currencies: env.currencies,
        ...sharedArgs(env, core),
        emailHashSecretArn: core.emailHashSecretArn,
      }, opts);
      return { deliveryStream: p.deliveryStreamName, redshiftWorkgroup: p.workgroupName, producerPolicyArn: p.producerPolicyArn };
    },
  },
  "batch-etl": {
    metadata: BATCH_ETL_METADATA,
    create(env, core, opts) {
      const p = new BatchEtlPipeline("batch", {
        ...sharedArgs(env, core),
      }, opts);
      return { rawBucket: p.rawBucketName, stateMachineArn: p.stateMachineArn, redshiftWorkgroup: p.workgroupName };
    },
  },
};
