/** Alarms to the platform topic: failed COPYs, producers throttled by the stream, Firehose falling behind it, a failing transformation. */
import * as aws from "@pulumi/aws";
import { lambdaErrorsAlarm, onDemandIngestAlarms, platformAlarm } from "../shared/alarms";
import { StreamingWarehouseContext } from "./context";
import { WarehouseDeliveryStage } from "./delivery";

export function buildAlarms({ name, args, settings: s, opts }: StreamingWarehouseContext, stream: aws.kinesis.Stream, delivery: WarehouseDeliveryStage): aws.cloudwatch.MetricAlarm[] {
  const topic = args.alertTopicArn;
  return [
    platformAlarm(`${name}-copy-failures`, topic, {
      alarmDescription: "Firehose COPY into Redshift failed (warehouse paused by its usage limit, table missing or network)",
      namespace: "AWS/Firehose",
      metricName: "DeliveryToRedshift.Success",
      dimensions: { DeliveryStreamName: delivery.deliveryStream.name },
      statistic: "Minimum",
      period: 300,
      evaluationPeriods: 3,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
    }, opts),
    platformAlarm(`${name}-producers-throttled`, topic, {
      alarmDescription: "The event stream refused producers' writes (its shards are the bound): raise limits.kinesis.shards within maxShards",
      namespace: "AWS/Kinesis",
      metricName: "WriteProvisionedThroughputExceeded",
      dimensions: { StreamName: stream.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    }, opts),
    platformAlarm(`${name}-delivery-behind`, topic, {
      alarmDescription: `Firehose reads the event stream behind by more than ${args.operations.iteratorAgeAlarmMs} ms: events expire after ${s.streamRetentionHours} h`,
      namespace: "AWS/Kinesis",
      metricName: "GetRecords.IteratorAgeMilliseconds",
      dimensions: { StreamName: stream.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 3,
      threshold: args.operations.iteratorAgeAlarmMs,
      comparisonOperator: "GreaterThanThreshold",
    }, opts),
    ...onDemandIngestAlarms(`${name}-ingest-above-bound`, topic, stream.name, args.limits.kinesis, opts),
    ...(delivery.transform
      ? [lambdaErrorsAlarm(`${name}-transform-errors`, topic, { description: "The warehouse transformation failed invocations", functionName: delivery.transform.functionName }, opts)]
      : []),
  ];
}
