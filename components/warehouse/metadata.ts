/** What the streaming warehouse is, stage by stage, and the workload profiles it fits. */
import { FitRule, PipelineMetadata } from "../stages";

export const STREAMING_WAREHOUSE_METADATA: PipelineMetadata<"streaming-warehouse"> = {
  kind: "streaming-warehouse",
  component: "StreamingWarehousePipeline",
  title: "Streaming into a warehouse",
  latencyClass: "near-real-time",
  useCase:
    "Continuous events from application servers monitored within minutes with SQL joins and BI on a warehouse: a Kinesis stream takes the events, Firehose buffers and batches them, Redshift serves fast repeated dashboards.",
  stages: [
    { stage: "acquire", service: "Amazon Kinesis Data Streams + Amazon Data Firehose", role: "Application servers put events into an encrypted stream whose shards bound what they can send; Firehose reads it and buffers by size and time.", resourceTypes: ["aws:kinesis/stream:Stream", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"] },
    { stage: "transform", service: "AWS Lambda (Firehose transformation)", role: "Validates and flattens each record before the warehouse sees it; invalid records land in the errors prefix.", resourceTypes: ["aws:lambda/function:Function"] },
    { stage: "store", service: "Amazon Redshift Serverless (staged through Amazon S3)", role: "Firehose stages gzip'd batches in S3 and issues COPY into a table created through the Redshift Data API; RPUs and monthly RPU-hours are bounded.", resourceTypes: ["aws:redshiftserverless/namespace:Namespace", "aws:redshiftserverless/workgroup:Workgroup", "aws:redshiftserverless/usageLimit:UsageLimit", "aws:redshiftdata/statement:Statement", "aws:s3/bucket:Bucket"] },
    { stage: "analyse", service: "Amazon Redshift Serverless", role: "Answers SQL over the loaded events, with a per-query time limit and a monthly usage limit.", resourceTypes: ["aws:redshiftserverless/workgroup:Workgroup"] },
    { stage: "visualise", service: "Amazon QuickSight", role: "Dashboards on a Redshift data source reached through a VPC connection (switchable per environment).", resourceTypes: ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet", "aws:quicksight/vpcConnection:VpcConnection"] },
  ],
};

export const STREAMING_WAREHOUSE_FIT: readonly FitRule[] = [
  { points: 1, when: ({ needs }) => needs.sources === "events", why: () => "continuous events are its input (Firehose buffers them into the warehouse)" },
  { points: 2, when: ({ needs }) => needs.analysis === "warehouse", why: () => "monitoring with SQL in a warehouse (Redshift) is what it is built for" },
  { points: 1, when: ({ needs }) => needs.analysis === "reports", why: () => "scheduled reports run well on a warehouse" },
];
