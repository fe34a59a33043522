/**
 * The pipelines a stack can select with `platform:pipelines`: for each, the
 * component and how it is built from the environment, its metadata (stages,
 * latency; docs/pipelines.md is generated from it) and the rules `platform
 * compare` scores it with. Adding a pipeline is one entry here, plus its kind
 * in PIPELINE_KINDS (environments/schema.ts), which the config schema accepts:
 * the registry is a `Record<PipelineKind, ...>`, so a kind without an entry, or
 * an entry without a kind, does not compile.
 */
import * as pulumi from "@pulumi/pulumi";
import { Environment, PIPELINE_KINDS, PipelineKind } from "../environments";
import { BATCH_ETL_FIT, BATCH_ETL_METADATA, BatchEtlPipeline } from "./BatchEtlPipeline";
import { DATALAKE_FIT, DATALAKE_METADATA, DataLakePipeline } from "./DataLakePipeline";
import { PlatformCore } from "./PlatformCore";
import { REALTIME_FIT, REALTIME_METADATA, RealtimeAnalyticsPipeline } from "./RealtimeAnalyticsPipeline";
import { PipelineEnvironmentArgs } from "./shared/context";
import { FitRule, PipelineMetadata } from "./stages";
import { STREAMING_WAREHOUSE_FIT, STREAMING_WAREHOUSE_METADATA, StreamingWarehousePipeline } from "./StreamingWarehousePipeline";

export interface PipelineDefinition<K extends PipelineKind = PipelineKind> {
  readonly metadata: PipelineMetadata<K>;
  /** Why a workload profile favours this pipeline (latency is scored for all alike). */
  readonly fit: readonly FitRule[];
  /** Declares the component for one environment; returns its stack outputs. */
  create(env: Environment, core: PlatformCore, opts: pulumi.ComponentResourceOptions): Record<string, pulumi.Output<unknown>>;
}

/** A Glue/Athena-safe name prefix for the stack. */
export function catalogPrefix(env: Environment): string {
  return `${env.project}_${env.stack}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/** What every pipeline takes from the environment and the shared core. */
function sharedArgs(env: Environment, core: PlatformCore): PipelineEnvironmentArgs {
  return {
    awsRegion: env.awsRegion,
    workload: env.workload,
    limits: env.limits,
    protection: env.protection,
    operations: env.operations,
    quicksight: env.quicksight,
    uploads: env.uploads,
    kmsKeyArn: core.keyArn,
    alertTopicArn: core.alertTopicArn,
    accessLogBucket: core.accessLogBucket.bucketName,
  };
}

export const PIPELINES: { readonly [K in PipelineKind]: PipelineDefinition<K> } = {
  realtime: {
    metadata: REALTIME_METADATA,
    fit: REALTIME_FIT,
    create(env, core, opts) {
      const p = new RealtimeAnalyticsPipeline("realtime", {
        salesRegions: env.salesRegions,
        currencies: env.currencies,
        ...sharedArgs(env, core),
        spikes: env.spikes,
        emailHashSecretArn: core.emailHashSecretArn,
        catalogPrefix: catalogPrefix(env),
      }, opts);
      return {
        streamName: p.streamName,
        aggregatesTable: p.tableName,
        historyBucket: p.historyBucketName,
        athenaWorkgroup: p.workgroupName,
        // What `platform quarantine|failed-batches` read from `pulumi stack output --json`.
        quarantineBucket: p.quarantineBucket.bucketName,
        failedBatchesQueueUrl: p.failedBatchesQueue.url,
        emailHashSecretArn: core.emailHashSecretArn,
      };
    },
  },
  datalake: {
    metadata: DATALAKE_METADATA,
    fit: DATALAKE_FIT,
    create(env, core, opts) {
      const p = new DataLakePipeline("datalake", {
        ...sharedArgs(env, core),
        catalogPrefix: catalogPrefix(env),
      }, opts);
      return { rawBucket: p.rawBucketName, curatedBucket: p.curatedBucketName, glueDatabase: p.databaseName, athenaWorkgroup: p.workgroupName, glueJob: p.jobName, uploadUrl: p.uploadGate.url, uploadApiKeyId: p.uploadGate.apiKey.id };
    },
  },
  "streaming-warehouse": {
    metadata: STREAMING_WAREHOUSE_METADATA,
    fit: STREAMING_WAREHOUSE_FIT,
    create(env, core, opts) {
      const p = new StreamingWarehousePipeline("warehouse", {
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
    fit: BATCH_ETL_FIT,
    create(env, core, opts) {
      const p = new BatchEtlPipeline("batch", {
        ...sharedArgs(env, core),
      }, opts);
      return { rawBucket: p.rawBucketName, stateMachineArn: p.stateMachineArn, redshiftWorkgroup: p.workgroupName, uploadUrl: p.uploadGate.url, uploadApiKeyId: p.uploadGate.apiKey.id };
    },
  },
};

/** The registered pipelines, in PIPELINE_KINDS order (the order docs and `compare` show them in). */
export const PIPELINE_DEFINITIONS: readonly PipelineDefinition[] = PIPELINE_KINDS.map((kind) => PIPELINES[kind]);
