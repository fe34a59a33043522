/**
 * The AWS service metrics our dashboards and alarms may chart: namespace,
 * name and the exact dimension set CloudWatch publishes them with, each from
 * the service's documentation page (CloudWatch matches the dimension set
 * exactly: a metric queried with fewer or more dimensions has no data).
 */
export interface AwsMetric {
  readonly namespace: string;
  readonly name: string;
  /** Dimension names, sorted. */
  readonly dimensions: readonly string[];
  readonly doc: string;
}

const KINESIS = "https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html";
const LAMBDA = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html";
const DYNAMODB = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html";
const FIREHOSE = "https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html";
const ATHENA = "https://docs.aws.amazon.com/athena/latest/ug/query-metrics-viewing.html";
const SQS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html";

export const AWS_METRICS: readonly AwsMetric[] = [
  { namespace: "AWS/Kinesis", name: "IncomingRecords", dimensions: ["StreamName"], doc: KINESIS },
  { namespace: "AWS/Kinesis", name: "IncomingBytes", dimensions: ["StreamName"], doc: KINESIS },
  { namespace: "AWS/Kinesis", name: "GetRecords.IteratorAgeMilliseconds", dimensions: ["StreamName"], doc: KINESIS },
  { namespace: "AWS/Kinesis", name: "WriteProvisionedThroughputExceeded", dimensions: ["StreamName"], doc: KINESIS },
  { namespace: "AWS/Lambda", name: "IteratorAge", dimensions: ["FunctionName"], doc: LAMBDA },
  { namespace: "AWS/Lambda", name: "Errors", dimensions: ["FunctionName"], doc: LAMBDA },
  { namespace: "AWS/Lambda", name: "Throttles", dimensions: ["FunctionName"], doc: LAMBDA },
  { namespace: "AWS/DynamoDB", name: "ConsumedWriteCapacityUnits", dimensions: ["TableName"], doc: DYNAMODB },
  { namespace: "AWS/DynamoDB", name: "WriteThrottleEvents", dimensions: ["TableName"], doc: DYNAMODB },
  { namespace: "AWS/Firehose", name: "DeliveryToS3.DataFreshness", dimensions: ["DeliveryStreamName"], doc: FIREHOSE },
  { namespace: "AWS/Firehose", name: "DeliveryToRedshift.Success", dimensions: ["DeliveryStreamName"], doc: FIREHOSE },
  { namespace: "AWS/Firehose", name: "IncomingBytes", dimensions: ["DeliveryStreamName"], doc: FIREHOSE },
  { namespace: "AWS/SQS", name: "ApproximateNumberOfMessagesVisible", dimensions: ["QueueName"], doc: SQS },
  { namespace: "AWS/SQS", name: "ApproximateAgeOfOldestMessage", dimensions: ["QueueName"], doc: SQS },
  // Athena publishes query metrics per workgroup when the workgroup enables CloudWatch metrics.
  { namespace: "AWS/Athena", name: "ProcessedBytes", dimensions: ["WorkGroup"], doc: ATHENA },
];
