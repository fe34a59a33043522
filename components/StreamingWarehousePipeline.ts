/**
 * P2, streaming into a warehouse (docs/brief.md): application servers put
 * events into a Kinesis stream (encrypted, capacity from limits.kinesis) ->
 * Amazon Data Firehose reads it -> an optional
 * transformation Lambda validates and flattens them -> Firehose stages gzip'd
 * batches in S3 and issues COPY into Amazon Redshift Serverless -> QuickSight
 * on Redshift (switchable).
 *
 * The target table is created by an `aws:redshiftdata/statement:Statement`: the
 * Redshift Data API runs `CREATE TABLE IF NOT EXISTS` (warehouse/salesEvents.ts)
 * during `pulumi up`, with the AWS-managed admin secret, before Firehose exists.
 *
 * Networking (shared/ServerlessWarehouse.ts): an awsx VPC, private subnets in
 * three AZs, no NAT gateway. Firehose reaches Redshift only over a public
 * endpoint, so the workgroup sits in public subnets (internet gateway, no
 * charge) with port 5439 open to the region's Firehose CIDR block alone;
 * QuickSight comes in through a VPC connection in the private subnets.
 *
 * The constructor resolves the settings and calls one builder per stage
 * (components/warehouse/): store, ingest, delivery, monitoring; QuickSight from shared/.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PlatformFunction } from "./shared/PlatformFunction";
import { quicksightPrincipal, warehouseDashboardSource } from "./shared/quicksight";
import { SecureBucket } from "./shared/SecureBucket";
import { ServerlessWarehouse } from "./shared/ServerlessWarehouse";
import { StreamingWarehouseContext } from "./warehouse/context";
import { buildDelivery } from "./warehouse/delivery";
import { buildIngest } from "./warehouse/ingest";
import { STREAMING_WAREHOUSE_METADATA } from "./warehouse/metadata";
import { buildAlarms } from "./warehouse/monitoring";
import { HOURLY_REVENUE_COLUMNS, HOURLY_REVENUE_SQL, LOADED_HISTORY_KEYS } from "./warehouse/salesEvents";
import { resolveStreamingWarehouseSettings, StreamingWarehousePipelineArgs } from "./warehouse/settings";
import { buildStore } from "./warehouse/store";

export { STREAMING_WAREHOUSE_FIT, STREAMING_WAREHOUSE_METADATA } from "./warehouse/metadata";
export { ResolvedStreamingWarehouseSettings, StreamingWarehousePipelineArgs, resolveStreamingWarehouseSettings } from "./warehouse/settings";

export class StreamingWarehousePipeline extends pulumi.ComponentResource {
  public static readonly metadata = STREAMING_WAREHOUSE_METADATA;

  public readonly warehouse: ServerlessWarehouse;
  public readonly stagingBucket: SecureBucket;
  public readonly createTable: aws.redshiftdata.Statement;
  public readonly eventStream: aws.kinesis.Stream;
  public readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  public readonly producerPolicy: aws.iam.Policy;
  public readonly transform?: PlatformFunction;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];

  public readonly eventStreamName: pulumi.Output<string>;
  public readonly deliveryStreamName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;
  public readonly producerPolicyArn: pulumi.Output<string>;

  public constructor(name: string, args: StreamingWarehousePipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:pipelines:StreamingWarehouse", name, {}, opts);
    const settings = resolveStreamingWarehouseSettings(args);
    const parent = { parent: this };
    const ctx: StreamingWarehouseContext = { name, args, settings, opts: parent, accountId: aws.getCallerIdentityOutput({}, parent).accountId };

    const store = buildStore(ctx);
    ({ warehouse: this.warehouse, createTable: this.createTable, stagingBucket: this.stagingBucket } = store);
    this.eventStream = buildIngest(ctx);
    const delivery = buildDelivery(ctx, store, this.eventStream);
    ({ deliveryStream: this.deliveryStream, producerPolicy: this.producerPolicy } = delivery);
    if (delivery.transform) this.transform = delivery.transform;
    this.alarms = buildAlarms(ctx, this.eventStream, delivery);
    // QuickSight on Redshift through a VPC connection (needs an account subscription; off in dev).
    if (args.quicksight.enabled) {
      warehouseDashboardSource(name, {
        warehouse: this.warehouse,
        principalArn: quicksightPrincipal(args.quicksight, args.awsRegion, parent),
        dataSourceName: `Retail warehouse (${pulumi.getStack()})`,
        dataSetName: `Hourly revenue (${pulumi.getStack()})`,
        sql: HOURLY_REVENUE_SQL,
        columns: HOURLY_REVENUE_COLUMNS,
      }, parent);
    }

    this.eventStreamName = this.eventStream.name;
    this.deliveryStreamName = this.deliveryStream.name;
    this.workgroupName = this.warehouse.workgroupName;
    this.producerPolicyArn = this.producerPolicy.arn;
    this.registerOutputs({ eventStreamName: this.eventStreamName, deliveryStreamName: this.deliveryStreamName, workgroupName: this.workgroupName, producerPolicyArn: this.producerPolicyArn });
  }
}

/** Keys the transformation emits that the table loads (documentation and tests). */
export const STREAMING_WAREHOUSE_LOADED_KEYS = LOADED_HISTORY_KEYS;
