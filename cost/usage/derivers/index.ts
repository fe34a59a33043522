/**
 * Every usage deriver, by Pulumi type token, as cost/estimators/index.ts
 * lists the estimators. One file per service family; this file only wires
 * them together. Every estimator's type is either here or in
 * {@link NOT_DERIVED} with the reason (test/cost/derivers.test.ts checks both
 * ways), so a new estimator cannot silently get no usage.
 */
import { apigatewayRestApi } from "./apigateway";
import { athenaWorkgroup } from "./athena";
import { dynamodbTable } from "./dynamodb";
import { firehoseDeliveryStream } from "./firehose";
import { glueCrawler, glueJob } from "./glue";
import { kinesisStream } from "./kinesis";
import { lambdaFunction } from "./lambda";
import { logGroup } from "./logs";
import { eventBus, snsTopic, snsTopicSubscription, sqsQueue } from "./messaging";
import { natGateway, vpcEndpoint } from "./network";
import { quicksightDataSource } from "./quicksight";
import { redshiftServerlessWorkgroup } from "./redshift";
import { s3Bucket } from "./s3";
import { schedulerSchedule } from "./schedules";
import { stateMachine } from "./stepFunctions";
import type { Deriver } from "./types";

export const DERIVERS: Readonly<Record<string, Deriver>> = {
  "aws:kinesis/stream:Stream": kinesisStream,
  "aws:lambda/function:Function": lambdaFunction,
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": firehoseDeliveryStream,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:dynamodb/table:Table": dynamodbTable,
  "aws:s3/bucket:Bucket": s3Bucket,
  "aws:s3/bucketV2:BucketV2": s3Bucket,
  "aws:athena/workgroup:Workgroup": athenaWorkgroup,
  "aws:sqs/queue:Queue": sqsQueue,
  "aws:sns/topic:Topic": snsTopic,
  "aws:sns/topicSubscription:TopicSubscription": snsTopicSubscription,
  "aws:cloudwatch/eventBus:EventBus": eventBus,
  "aws:scheduler/schedule:Schedule": schedulerSchedule,
  "aws:glue/job:Job": glueJob,
  "aws:glue/crawler:Crawler": glueCrawler,
  "aws:sfn/stateMachine:StateMachine": stateMachine,
  "aws:redshiftserverless/workgroup:Workgroup": redshiftServerlessWorkgroup,
  "aws:quicksight/dataSource:DataSource": quicksightDataSource,
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
  "aws:apigateway/restApi:RestApi": apigatewayRestApi,
};

/** Priced types with no usage to derive: their estimator prices them from props alone (a usage file may still set their keys). */
export const NOT_DERIVED: Readonly<Record<string, string>> = {
  "aws:glue/catalogDatabase:CatalogDatabase": "One Data Catalog object by default; partitions, versions and requests come from a usage file.",
  "aws:glue/catalogTable:CatalogTable": "One Data Catalog object by default; partitions, versions and requests come from a usage file.",
  "aws:redshiftserverless/namespace:Namespace": "Managed storage comes from a usage file (compute is derived on the workgroup).",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "Priced per alarm-month from its own period and metrics.",
  "aws:cloudwatch/dashboard:Dashboard": "A fixed price per dashboard-month.",
  "aws:kms/key:Key": "A fixed price per key-month; requests come from a usage file.",
  "aws:secretsmanager/secret:Secret": "A fixed price per secret-month; API calls come from a usage file.",
  "aws:budgets/budget:Budget": "A fixed price per budget-day.",
  "aws:quicksight/dataSet:DataSet": "SPICE GB come from a usage file (billed only when importMode is SPICE).",
  "aws:ec2/eip:Eip": "A fixed price per public IPv4 address-hour.",
};

export type { Deriver } from "./types";
