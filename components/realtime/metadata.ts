/** What the real-time pipeline is, stage by stage, and the workload profiles it fits. */
import { FitRule, PipelineMetadata } from "../stages";

/** Peaks at or above this many transactions per second need elastic streaming ingestion. */
export const HIGH_TPS = 500;

export const REALTIME_METADATA: PipelineMetadata<"realtime"> = {
  kind: "realtime",
  component: "RealtimeAnalyticsPipeline",
  title: "Real-time retail analytics",
  latencyClass: "real-time",
  useCase:
    "Continuous purchase events at thousands per second that must be analysed within seconds: live trends, popular products and sale spikes, with a full history for reports.",
  stages: [
    { stage: "acquire", service: "Amazon Kinesis Data Streams", role: "Ingests every transaction as it happens, ordered per shard, with bounded capacity.", resourceTypes: ["aws:kinesis/stream:Stream"] },
    { stage: "transform", service: "AWS Lambda", role: "Validates each transaction, aggregates per minute, product and region, and detects spikes.", resourceTypes: ["aws:lambda/function:Function", "aws:lambda/eventSourceMapping:EventSourceMapping"] },
    { stage: "store", service: "Amazon DynamoDB + Amazon S3 (via Amazon Data Firehose)", role: "Keeps hot per-minute aggregates with a TTL, and the validated history as date-partitioned Parquet.", resourceTypes: ["aws:dynamodb/table:Table", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws:s3/bucket:Bucket"] },
    { stage: "analyse", service: "AWS Glue Data Catalog + Amazon Athena", role: "Describes the history with partition projection and answers SQL reports with a per-query scan cutoff.", resourceTypes: ["aws:glue/catalogTable:CatalogTable", "aws:athena/workgroup:Workgroup", "aws:athena/namedQuery:NamedQuery"] },
    { stage: "visualise", service: "Amazon QuickSight + Amazon CloudWatch", role: "Dashboards for business users on Athena, and a live operational dashboard with alarms and spike alerts.", resourceTypes: ["aws:quicksight/dataSet:DataSet", "aws:cloudwatch/dashboard:Dashboard", "aws:cloudwatch/metricAlarm:MetricAlarm"] },
  ],
};

export const REALTIME_FIT: readonly FitRule[] = [
  { points: 2, when: ({ workload }) => workload.peakTps >= HIGH_TPS, why: ({ workload }) => `peaks of ${workload.peakTps} transactions/s need elastic stream ingestion (Kinesis) and per-record processing` },
  { points: 1, when: ({ needs }) => needs.sources === "events", why: () => "continuous events are its input" },
  { points: 2, when: ({ needs }) => needs.analysis === "live", why: () => "live dashboards, trends and spike alerts are what it is built for" },
];
