/**
 * The retailer's chosen design (docs/brief.md):
 * Kinesis -> Lambda (validate, aggregate, detect spikes) -> DynamoDB (hot) and,
 * through Firehose, S3 Parquet history -> Glue catalog -> Athena -> QuickSight,
 * with a CloudWatch dashboard, alarms, spike alerts and a scheduled report.
 * Every autoscaled or usage-billed part carries an explicit bound.
 *
 * The constructor resolves the settings and calls one builder per stage
 * (components/realtime/): ingest, aggregates, processor, history, reports,
 * monitoring, quicksight.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlatformFunction } from "./shared/PlatformFunction";
import { quicksightPrincipal } from "./shared/quicksight";
import { platformMetricsNamespace } from "./shared/recordTransform";
import { SecureBucket } from "./shared/SecureBucket";
import { buildAggregates } from "./realtime/aggregates";
import { RealtimeContext } from "./realtime/context";
import { buildHistory } from "./realtime/history";
import { buildIngest } from "./realtime/ingest";
import { REALTIME_METADATA } from "./realtime/metadata";
import { buildMonitoring } from "./realtime/monitoring";
import { buildProcessor } from "./realtime/processor";
import { buildQuickSight } from "./realtime/quicksight";
import { buildReports } from "./realtime/reports";
import { RealtimeAnalyticsPipelineArgs, resolveRealtimeSettings } from "./realtime/settings";

export { REALTIME_FIT, REALTIME_METADATA } from "./realtime/metadata";
export { RealtimeAnalyticsPipelineArgs, ResolvedRealtimeSettings, resolveRealtimeSettings } from "./realtime/settings";

export class RealtimeAnalyticsPipeline extends pulumi.ComponentResource {
  public static readonly metadata = REALTIME_METADATA;

  public readonly stream: aws.kinesis.Stream;
  public readonly processor: PlatformFunction;
  public readonly eventSourceMapping: aws.lambda.EventSourceMapping;
  public readonly aggregatesTable: aws.dynamodb.Table;
  public readonly failedBatchesQueue: aws.sqs.Queue;
  public readonly historyBucket: SecureBucket;
  public readonly quarantineBucket: SecureBucket;
  public readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  public readonly database: aws.glue.CatalogDatabase;
  public readonly historyTable: aws.glue.CatalogTable;
  public readonly workgroup: aws.athena.Workgroup;
  public readonly namedQueries: aws.athena.NamedQuery[];
  public readonly spikeBus: aws.cloudwatch.EventBus;
  public readonly dashboard: aws.cloudwatch.Dashboard;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];

  public readonly streamName: pulumi.Output<string>;
  public readonly tableName: pulumi.Output<string>;
  public readonly historyBucketName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;

  public constructor(name: string, args: RealtimeAnalyticsPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pipelines:Realtime", name, {}, opts);
    const settings = resolveRealtimeSettings(args);
    const parent = { parent: this };
    const ctx: RealtimeContext = {
      name,
      args,
      settings,
      opts: parent,
      region: aws.getRegionOutput({}, parent).region,
      metricsNamespace: platformMetricsNamespace(),
      serviceName: `${name}-processor`,
    };

    this.stream = buildIngest(ctx);
    this.aggregatesTable = buildAggregates(ctx);
    const processor = buildProcessor(ctx, this.stream, this.aggregatesTable);
    ({ processor: this.processor, eventSourceMapping: this.eventSourceMapping, quarantineBucket: this.quarantineBucket } = processor);
    ({ failedBatchesQueue: this.failedBatchesQueue, spikeBus: this.spikeBus } = processor);
    const history = buildHistory(ctx, this.stream);
    ({ historyBucket: this.historyBucket, database: this.database, historyTable: this.historyTable, deliveryStream: this.deliveryStream } = history);
    const reports = buildReports(ctx, history);
    ({ workgroup: this.workgroup, namedQueries: this.namedQueries } = reports);
    ({ dashboard: this.dashboard, alarms: this.alarms } = buildMonitoring(ctx, { stream: this.stream, aggregatesTable: this.aggregatesTable, processor, history, reports }));
    if (args.quicksight.enabled) buildQuickSight(ctx, quicksightPrincipal(args.quicksight, args.awsRegion, parent), reports, history);

    this.streamName = this.stream.name;
    this.tableName = this.aggregatesTable.name;
    this.historyBucketName = this.historyBucket.bucketName;
    this.workgroupName = this.workgroup.name;
    this.registerOutputs({
      streamName: this.streamName,
      tableName: this.tableName,
      historyBucketName: this.historyBucketName,
      workgroupName: this.workgroupName,
    });
  }
}
