/** Alarms to the platform topic: failed COPYs, ingest above twice the workload's peak, a failing transformation. */
import * as aws from "@pulumi/aws";
import { lambdaErrorsAlarm, platformAlarm } from "../shared/alarms";
import { StreamingWarehouseContext } from "./context";
import { WarehouseDeliveryStage } from "./delivery";

export function buildAlarms({ name, args, settings: s, opts }: StreamingWarehouseContext, delivery: WarehouseDeliveryStage): aws.cloudwatch.MetricAlarm[] {
  const topic = args.alertTopicArn;
  const stream = delivery.deliveryStream;
  return [
    platformAlarm(`${name}-copy-failures`, topic, {
      alarmDescription: "Firehose COPY into Redshift failed (warehouse paused by its usage limit, table missing or network)",
      namespace: "AWS/Firehose",
      metricName: "DeliveryToRedshift.Success",
      dimensions: { DeliveryStreamName: stream.name },
      statistic: "Minimum",
      period: 300,
      evaluationPeriods: 3,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
    }, opts),
    platformAlarm(`${name}-ingest-above-peak`, topic, {
      alarmDescription: `Producers send more than twice the workload's peak (${args.workload.peakTps} tx/s): Direct PUT has no cap, so the bill follows`,
      namespace: "AWS/Firehose",
      metricName: "IncomingBytes",
      dimensions: { DeliveryStreamName: stream.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 3,
      threshold: s.ingestAlarmBytesPer5Min,
      comparisonOperator: "GreaterThanThreshold",
    }, opts),
    ...(delivery.transform
      ? [lambdaErrorsAlarm(`${name}-transform-errors`, topic, { description: "The warehouse transformation failed invocations", functionName: delivery.transform.functionName }, opts)]
      : []),
  ];
}
