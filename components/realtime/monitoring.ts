/**
 * Visualise (operations): spike alerts from the bus to the alert topic, the
 * live CloudWatch dashboard, and the alarms that say the pipeline is behind,
 * failing, throttled or above the ingest the budget assumes.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lambdaErrorsAlarm, onDemandIngestAlarms, platformAlarm } from "../shared/alarms";
import { RealtimeContext } from "./context";
import { dashboardBody } from "./dashboard";
import { HistoryStage } from "./history";
import { ProcessorStage } from "./processor";
import { ReportsStage } from "./reports";
import { failedBatchAgeAlarmSeconds } from "./replayWindow";

export interface MonitoredResources {
  readonly stream: aws.kinesis.Stream;
  readonly aggregatesTable: aws.dynamodb.Table;
  readonly processor: ProcessorStage;
  readonly history: HistoryStage;
  readonly reports: ReportsStage;
}

export interface MonitoringStage {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
}

export function buildMonitoring(ctx: RealtimeContext, m: MonitoredResources): MonitoringStage {
  const { name, args, opts, region, metricsNamespace, serviceName } = ctx;
  const spikeBus = m.processor.spikeBus;
  const spikeRule = new aws.cloudwatch.EventRule(`${name}-spike-alerts`, {
    eventBusName: spikeBus.name,
    description: "Sale spikes detected by the stream processor",
    eventPattern: JSON.stringify({ source: ["retail.platform"], "detail-type": ["RetailSalesSpike"] }),
  }, opts);
  new aws.cloudwatch.EventTarget(`${name}-spike-alerts-topic`, {
    eventBusName: spikeBus.name,
    rule: spikeRule.name,
    arn: args.alertTopicArn,
  }, opts);

  const dashboard = new aws.cloudwatch.Dashboard(`${name}-live`, {
    dashboardName: `${pulumi.getProject()}-${pulumi.getStack()}-${name}-live`,
    dashboardBody: pulumi
      .all([region, m.stream.name, m.processor.processor.functionName, m.aggregatesTable.name, m.history.deliveryStream.name])
      .apply(([reg, streamName, processorName, tableName, deliveryStreamName]) =>
        dashboardBody({ region: reg, streamName, processorName, tableName, deliveryStreamName, metricsNamespace, serviceName }),
      ),
  }, opts);
  return { dashboard, alarms: alarms(ctx, m) };
}

function alarms({ name, args, settings, opts }: RealtimeContext, m: MonitoredResources): aws.cloudwatch.MetricAlarm[] {
  const { limits, operations, alertTopicArn } = args;
  const alarm = (suffix: string, spec: Parameters<typeof platformAlarm>[2]) => platformAlarm(`${name}-${suffix}`, alertTopicArn, spec, opts);
  const errors = (suffix: string, description: string, functionName: pulumi.Input<string>, periodSeconds = 300) =>
    lambdaErrorsAlarm(`${name}-${suffix}`, alertTopicArn, { description, functionName, periodSeconds }, opts);
  return [
    alarm("iterator-age", {
      alarmDescription: "The stream processor is falling behind the stream",
      namespace: "AWS/Kinesis",
      metricName: "GetRecords.IteratorAgeMilliseconds",
      dimensions: { StreamName: m.stream.name },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      threshold: operations.iteratorAgeAlarmMs,
      comparisonOperator: "GreaterThanThreshold",
    }),
    errors("processor-errors", "The stream processor failed invocations", m.processor.processor.functionName),
    errors("history-transform-errors", "The history transformation failed invocations", m.history.transform.functionName),
    errors("report-errors", "The scheduled report failed", m.reports.report.functionName, 3600),
    alarm("failed-batches", {
      alarmDescription: "Batches exhausted their retries and wait in the failed-batches queue for replay",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: m.processor.failedBatchesQueue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    }),
    alarm("failed-batches-age", {
      alarmDescription: "The oldest failed batch nears the end of the stream's retention: replay it now (platform failed-batches replay)",
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: m.processor.failedBatchesQueue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: failedBatchAgeAlarmSeconds(settings.streamRetentionHours, limits.lambda.maxRecordAgeSeconds),
      comparisonOperator: "GreaterThanThreshold",
    }),
    alarm("aggregates-throttled", {
      alarmDescription: "DynamoDB throttled writes: the table hit its request-unit bound",
      namespace: "AWS/DynamoDB",
      metricName: "WriteThrottleEvents",
      dimensions: { TableName: m.aggregatesTable.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 2,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    }),
    alarm("history-freshness", {
      alarmDescription: "The history is more than 15 minutes behind",
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions: { DeliveryStreamName: m.history.deliveryStream.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 2,
      threshold: 900,
      comparisonOperator: "GreaterThanThreshold",
    }),
    ...onDemandIngestAlarms(`${name}-ingest-above-bound`, alertTopicArn, m.stream.name, limits.kinesis, opts),
  ];
}
