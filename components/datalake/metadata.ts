/** What the data lake is, stage by stage, and the workload profiles it fits. */
import { FitRule, PipelineMetadata } from "../stages";

export const DATALAKE_METADATA: PipelineMetadata<"datalake"> = {
  kind: "datalake",
  component: "DataLakePipeline",
  title: "Serverless data lake",
  latencyClass: "batch",
  useCase:
    "Large volumes of batch files (daily order exports, partner feeds) explored ad hoc with SQL: pay per query and per job run, no server or warehouse to keep running, columns declared once, no crawler to pay for.",
  stages: [
    { stage: "acquire", service: "Amazon S3 + upload gate (API Gateway, Lambda, DynamoDB)", role: "Receives batch files as they are, in an encrypted raw zone with a retention; producers upload through the gate, which grants at most maxFilesPerDay presigned URLs a day, each for one object of at most maxFileMb.", resourceTypes: ["aws:s3/bucket:Bucket", "aws:apigateway/restApi:RestApi", "aws:lambda/function:Function", "aws:dynamodb/table:Table"] },
    { stage: "transform", service: "AWS Glue (ETL job)", role: "A PySpark job reads the raw exports through a defined CSV table (no crawler), types, validates and writes curated Parquet with bounded workers and a timeout, on a schedule.", resourceTypes: ["aws:glue/job:Job", "aws:glue/workflow:Workflow", "aws:glue/trigger:Trigger", "aws:glue/catalogTable:CatalogTable"] },
    { stage: "store", service: "Amazon S3 + AWS Glue Data Catalog", role: "Keeps curated Parquet partitioned by date, catalogued by partition projection (no crawler).", resourceTypes: ["aws:s3/bucket:Bucket", "aws:glue/catalogDatabase:CatalogDatabase", "aws:glue/catalogTable:CatalogTable"] },
    { stage: "analyse", service: "Amazon Athena", role: "Answers ad hoc and saved SQL over the curated zone, each query cancelled past the bytes-scanned cutoff.", resourceTypes: ["aws:athena/workgroup:Workgroup", "aws:athena/namedQuery:NamedQuery"] },
    { stage: "visualise", service: "Amazon QuickSight", role: "Dashboards for business users on an Athena data source and dataset (switchable per environment).", resourceTypes: ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet"] },
  ],
};

export const DATALAKE_FIT: readonly FitRule[] = [
  { points: 2, when: ({ needs }) => needs.sources === "files", why: ({ workload }) => `batch files (${workload.batchFilesPerDay}/day of ${workload.batchFileMb} MB) land as they are through a bounded upload gate` },
  { points: 2, when: ({ needs }) => needs.analysis === "adhoc", why: () => "ad hoc SQL exploration on files (Athena) with no warehouse to run" },
  { points: 1, when: ({ needs }) => needs.analysis === "reports", why: () => "scheduled reports with Athena" },
];
