/**
 * Every estimator, by Pulumi type token. One file per service family; this
 * file only wires them together.
 */
import { apigatewayRestApi } from "./apigateway";
import { athenaWorkgroup, redshiftServerlessNamespace, redshiftServerlessWorkgroup } from "./analytics";
import { dynamodbTable } from "./dynamodb";
import { firehoseDeliveryStream } from "./firehose";
import { glueCatalogObject, glueCrawler, glueJob } from "./glue";
import { kinesisStream } from "./kinesis";
import { lambdaFunction } from "./lambda";
import { eventBus, schedulerSchedule, snsTopic, snsTopicSubscription, sqsQueue, stateMachine } from "./messaging";
import { elasticIp, natGateway, vpcEndpoint } from "./network";
import { dashboard, logGroup, metricAlarm } from "./observability";
import { quicksightDataSet, quicksightDataSource } from "./quicksight";
import { s3Bucket } from "./s3";
import { budget, kmsKey, secret } from "./security";
import { Estimator } from "./types";

export const ESTIMATORS: Readonly<Record<string, Estimator>> = {
  "aws:kinesis/stream:Stream": kinesisStream,
  "aws:lambda/function:Function": lambdaFunction,
  "aws:dynamodb/table:Table": dynamodbTable,
  "aws:s3/bucket:Bucket": s3Bucket,
  "aws:s3/bucketV2:BucketV2": s3Bucket,
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": firehoseDeliveryStream,
  "aws:glue/job:Job": glueJob,
  "aws:glue/crawler:Crawler": glueCrawler,
  "aws:glue/catalogDatabase:CatalogDatabase": glueCatalogObject,
  "aws:glue/catalogTable:CatalogTable": glueCatalogObject,
  "aws:athena/workgroup:Workgroup": athenaWorkgroup,
  "aws:redshiftserverless/workgroup:Workgroup": redshiftServerlessWorkgroup,
  "aws:redshiftserverless/namespace:Namespace": redshiftServerlessNamespace,
  "aws:sfn/stateMachine:StateMachine": stateMachine,
  "aws:sqs/queue:Queue": sqsQueue,
  "aws:sns/topic:Topic": snsTopic,
  "aws:sns/topicSubscription:TopicSubscription": snsTopicSubscription,
  "aws:cloudwatch/eventBus:EventBus": eventBus,
  "aws:scheduler/schedule:Schedule": schedulerSchedule,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
  "aws:cloudwatch/dashboard:Dashboard": dashboard,
  "aws:kms/key:Key": kmsKey,
  "aws:secretsmanager/secret:Secret": secret,
  "aws:budgets/budget:Budget": budget,
  "aws:quicksight/dataSource:DataSource": quicksightDataSource,
  "aws:quicksight/dataSet:DataSet": quicksightDataSet,
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/eip:Eip": elasticIp,
  "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
  "aws:apigateway/restApi:RestApi": apigatewayRestApi,
};

export type { Estimator } from "./types";
