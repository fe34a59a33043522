/** What the batch ETL pipeline is, stage by stage, and the workload profiles it fits. */
import { FitRule, PipelineMetadata } from "../stages";

export const BATCH_ETL_METADATA: PipelineMetadata<"batch-etl"> = {
  kind: "batch-etl",
  component: "BatchEtlPipeline",
  title: "Multi-step batch ETL",
  latencyClass: "batch",
  useCase:
    "Complex multi-source data from operational databases (orders, customers, products) that must be joined, checked and enriched in auditable steps before business KPIs are loaded into a warehouse every night.",
  stages: [
    { stage: "acquire", service: "Amazon S3 + AWS Lambda + upload gate (API Gateway, DynamoDB)", role: "Database exports land in the RAW zone through the upload gate (at most maxFilesPerDay presigned URLs a day, each for one object of at most maxFileMb; sources optionally described as Glue JDBC connections); an S3-triggered Lambda checks format, header, encoding and size and quarantines bad files with the reason.", resourceTypes: ["aws:s3/bucket:Bucket", "aws:s3/bucketNotification:BucketNotification", "aws:lambda/function:Function", "aws:apigateway/restApi:RestApi", "aws:dynamodb/table:Table"] },
    { stage: "transform", service: "AWS Glue + AWS Step Functions", role: "Glue jobs clean, join and convert to Parquet, check quality and enrich with reference data; a state machine runs them in order nightly and notifies failures.", resourceTypes: ["aws:glue/job:Job", "aws:sfn/stateMachine:StateMachine", "aws:scheduler/schedule:Schedule"] },
    { stage: "store", service: "Amazon S3 (TRANSFORMED, ENRICHED) + Amazon Redshift Serverless", role: "Keeps each step's output in its own zone and loads the KPIs into a bounded warehouse through the Redshift Data API.", resourceTypes: ["aws:s3/bucket:Bucket", "aws:redshiftserverless/workgroup:Workgroup", "aws:redshiftserverless/usageLimit:UsageLimit", "aws:redshiftdata/statement:Statement"] },
    { stage: "analyse", service: "Amazon Redshift Serverless", role: "Serves the daily KPIs to SQL and BI with bounded RPUs and a monthly usage limit.", resourceTypes: ["aws:redshiftserverless/workgroup:Workgroup"] },
    { stage: "visualise", service: "Amazon QuickSight", role: "Business dashboards on the warehouse KPIs through a VPC connection to the private warehouse (switchable per environment).", resourceTypes: ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet", "aws:quicksight/vpcConnection:VpcConnection"] },
  ],
};

export const BATCH_ETL_FIT: readonly FitRule[] = [
  { points: 3, when: ({ needs }) => needs.sources === "relational", why: () => "exports of relational databases are its input, with auditable steps (Step Functions)" },
  { points: 1, when: ({ needs }) => needs.sources === "files", why: () => "batch files are a valid input" },
  { points: 1, when: ({ needs }) => needs.analysis === "reports" || needs.analysis === "warehouse", why: () => "enriched data lands in a warehouse for reports" },
];
