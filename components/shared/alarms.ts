/**
 * CloudWatch alarms the platform's way: every alarm notifies the alert topic
 * when it fires and when it clears, and a missing datapoint (no traffic) is
 * not a breach. One builder for the alarm every function carries: any failed
 * invocation in a period.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Limits } from "../../environments";

/** What an alarm says; the actions and the missing-data rule are the platform's. */
export type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "treatMissingData">;

export function platformAlarm(name: string, alertTopicArn: pulumi.Input<string>, spec: AlarmSpec, opts: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(name, {
    ...spec,
    alarmActions: [alertTopicArn],
    okActions: [alertTopicArn],
    treatMissingData: "notBreaching",
  }, opts);
}

export interface LambdaErrorsAlarmArgs {
  readonly description: string;
  readonly functionName: pulumi.Input<string>;
  /** Period of the Errors sum, in seconds. Default 300. */
  readonly periodSeconds?: number;
}

/** Fires on any failed invocation (AWS/Lambda Errors above 0) in one period. */
export function lambdaErrorsAlarm(name: string, alertTopicArn: pulumi.Input<string>, args: LambdaErrorsAlarmArgs, opts: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
  return platformAlarm(name, alertTopicArn, {
    alarmDescription: args.description,
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: args.functionName },
    statistic: "Sum",
    period: args.periodSeconds ?? 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
  }, opts);
}

/**
 * An on-demand stream has no write cap the stack can set (AWS scales it to the region's maximum), so the
 * policy pack asks for an IncomingBytes alarm at the rate the budget assumes; a provisioned stream needs none.
 */
export function onDemandIngestAlarms(name: string, alertTopicArn: pulumi.Input<string>, streamName: pulumi.Input<string>, kinesis: Limits["kinesis"], opts: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm[] {
  if (kinesis.mode !== "on-demand") return [];
  return [
    platformAlarm(name, alertTopicArn, {
      alarmDescription: `On-demand ingest above the ${kinesis.maxWriteMBps} MB/s the budget assumes`,
      namespace: "AWS/Kinesis",
      metricName: "IncomingBytes",
      dimensions: { StreamName: streamName },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 3,
      threshold: kinesis.maxWriteMBps * 1024 * 1024 * 300,
      comparisonOperator: "GreaterThanThreshold",
    }, opts),
  ];
}
