/**
 * P3, multi-step batch ETL (docs/brief.md): exports of operational databases
 * land in an S3 RAW zone through the upload gate (presigned URLs, at most
 * maxFilesPerDay a day) -> an S3-event-triggered Lambda (functions/file-check)
 * checks format, header, encoding and size and moves bad files to a quarantine
 * prefix with the reason -> Glue jobs clean/join/convert to Parquet (TRANSFORMED),
 * check quality, enrich with reference data and compute KPIs (ENRICHED) ->
 * loaded into Redshift Serverless through the Data API -> BI. A Step Functions
 * state machine orchestrates the steps (batchetl/stateMachine.ts), triggered
 * nightly by EventBridge Scheduler; every failure reaches the alert topic.
 *
 * The warehouse here is private (no public subnets, no NAT): the Data API and
 * COPY need no inbound network path. Relational sources may be described as
 * Glue JDBC connections whose credentials stay in Secrets Manager.
 *
 * The constructor resolves the settings and calls one builder per stage
 * (components/batchetl/): zones, acquire, jobs, store, orchestration;
 * QuickSight from shared/.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlatformFunction } from "./shared/PlatformFunction";
import { quicksightPrincipal, warehouseDashboardSource } from "./shared/quicksight";
import { SecureBucket } from "./shared/SecureBucket";
import { ServerlessWarehouse } from "./shared/ServerlessWarehouse";
import { pipelineUploadGate, UploadGate, uploadGateRole } from "./shared/UploadGate";
import { buildFileCheck, buildSourceConnections } from "./batchetl/acquire";
import { BatchEtlContext } from "./batchetl/context";
import { buildJobs } from "./batchetl/jobs";
import { BATCH_ETL_METADATA } from "./batchetl/metadata";
import { buildOrchestration } from "./batchetl/orchestration";
import { BatchEtlPipelineArgs, resolveBatchEtlSettings } from "./batchetl/settings";
import { KPI_DASHBOARD_COLUMNS, KPI_DASHBOARD_SQL } from "./batchetl/sql";
import { buildStore } from "./batchetl/store";
import { buildZones, INCOMING_PREFIX } from "./batchetl/zones";

export { BATCH_ETL_FIT, BATCH_ETL_METADATA } from "./batchetl/metadata";
export { BatchEtlPipelineArgs, JdbcSource, ResolvedBatchEtlSettings, resolveBatchEtlSettings } from "./batchetl/settings";

export class BatchEtlPipeline extends pulumi.ComponentResource {
  public static readonly metadata = BATCH_ETL_METADATA;

  public readonly rawBucket: SecureBucket;
  public readonly transformedBucket: SecureBucket;
  public readonly enrichedBucket: SecureBucket;
  public readonly artifactsBucket: SecureBucket;
  public readonly fileCheck: PlatformFunction;
  public readonly uploadGate: UploadGate;
  public readonly jobs: { transform: aws.glue.Job; quality: aws.glue.Job; enrich: aws.glue.Job };
  public readonly connections: aws.glue.Connection[];
  public readonly warehouse: ServerlessWarehouse;
  public readonly stateMachine: aws.sfn.StateMachine;
  public readonly schedule: aws.scheduler.Schedule;

  public readonly rawBucketName: pulumi.Output<string>;
  public readonly stateMachineArn: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;

  public constructor(name: string, args: BatchEtlPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pipelines:BatchEtl", name, {}, opts);
    const settings = resolveBatchEtlSettings(args);
    const parent = { parent: this };
    const ctx: BatchEtlContext = {
      name,
      args,
      settings,
      opts: parent,
      region: aws.getRegionOutput({}, parent).region,
      accountId: aws.getCallerIdentityOutput({}, parent).accountId,
    };

    const gateRole = uploadGateRole(`${name}-upload-gate`, parent);
    const zones = buildZones(ctx, gateRole.arn);
    ({ raw: this.rawBucket, transformed: this.transformedBucket, enriched: this.enrichedBucket, artifacts: this.artifactsBucket } = zones);
    this.uploadGate = pipelineUploadGate(`${name}-upload-gate`, { bucket: zones.raw, prefix: INCOMING_PREFIX, role: gateRole }, args, parent);
    this.fileCheck = buildFileCheck(ctx, zones);
    this.connections = buildSourceConnections(ctx);
    this.jobs = buildJobs(ctx, zones, this.connections);
    const store = buildStore(ctx, zones);
    this.warehouse = store.warehouse;
    ({ stateMachine: this.stateMachine, schedule: this.schedule } = buildOrchestration(ctx, zones, this.jobs, store));
    // QuickSight on the KPIs through a VPC connection (needs an account subscription; off in dev).
    if (args.quicksight.enabled) {
      warehouseDashboardSource(name, {
        warehouse: this.warehouse,
        principalArn: quicksightPrincipal(args.quicksight, args.awsRegion, parent),
        dataSourceName: `Batch KPIs warehouse (${pulumi.getStack()})`,
        dataSetName: `Daily KPIs (${pulumi.getStack()})`,
        sql: KPI_DASHBOARD_SQL,
        columns: KPI_DASHBOARD_COLUMNS,
      }, parent);
    }

    this.rawBucketName = this.rawBucket.bucketName;
    this.stateMachineArn = this.stateMachine.arn;
    this.workgroupName = this.warehouse.workgroupName;
    this.registerOutputs({ rawBucketName: this.rawBucketName, stateMachineArn: this.stateMachineArn, workgroupName: this.workgroupName, uploadUrl: this.uploadGate.url });
  }
}
