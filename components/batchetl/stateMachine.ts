/**
 * The batch ETL state machine (Amazon States Language), built by a pure function
 * so tests validate it with asl-validator and read its states by value:
 *
 *   CheckRawFiles (S3 list) -> AnyRawFiles? -> Transform (.sync) -> QualityCheck (.sync)
 *   -> Enrich (.sync) -> LoadWarehouse (Data API batch) -> wait/describe loop
 *   -> Succeeded; any failure -> NotifyFailure (SNS) -> Failed.
 */

export interface BatchEtlDefinitionParams {
  readonly rawBucket: string;
  readonly rawPrefix: string;
  readonly transformJob: string;
  readonly qualityJob: string;
  readonly enrichJob: string;
  /** Glue job timeout in minutes; each task waits a little longer than its job. */
  readonly jobTimeoutMinutes: number;
  readonly workgroupName: string;
  readonly database: string;
  readonly secretArn: string;
  /** The load batch (warehouse SQL), run in one transaction. */
  readonly loadSqls: readonly string[];
  readonly alertTopicArn: string;
  /** Seconds between two looks at the load statement. */
  readonly loadPollSeconds?: number;
  /** Longest the load may run, in seconds. */
  readonly loadTimeoutSeconds?: number;
}

type State = Record<string, unknown>;

const CATCH_ALL = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "NotifyFailure" }];

function glueTask(jobName: string, timeoutSeconds: number, next: string): State {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::glue:startJobRun.sync",
    Parameters: { JobName: jobName, Arguments: { "--RUN_ID.$": "$$.Execution.Name" } },
    TimeoutSeconds: timeoutSeconds,
    ResultSelector: { "jobRunId.$": "$.Id", "state.$": "$.JobRunState" },
    ResultPath: `$.steps.${jobName.replace(/[^A-Za-z0-9]/g, "_")}`,
    Catch: CATCH_ALL,
    Next: next,
  };
}

/** The whole state machine definition. Pure. */
export function batchEtlDefinition(p: BatchEtlDefinitionParams): Record<string, unknown> {
  if (p.loadSqls.length === 0) throw new Error("batchEtlDefinition: loadSqls must hold at least one statement");
  const jobSeconds = p.jobTimeoutMinutes * 60 + 300;
  const poll = p.loadPollSeconds ?? 30;
  const loadTimeout = p.loadTimeoutSeconds ?? 3600;
  const states: Record<string, State> = {
    CheckRawFiles: {
      Type: "Task",
      Comment: "Quality check before spending Glue time: are there files that passed the file check?",
      Resource: "arn:aws:states:::aws-sdk:s3:listObjectsV2",
      Parameters: { Bucket: p.rawBucket, Prefix: p.rawPrefix, MaxKeys: 1 },
      ResultSelector: { "count.$": "$.KeyCount" },
      ResultPath: "$.raw",
      Catch: CATCH_ALL,
      Next: "AnyRawFiles",
    },
    AnyRawFiles: {
      Type: "Choice",
      Choices: [{ Variable: "$.raw.count", NumericGreaterThan: 0, Next: "Transform" }],
      Default: "NothingToProcess",
    },
    NothingToProcess: { Type: "Succeed", Comment: "No new raw files tonight" },
    Transform: { ...glueTask(p.transformJob, jobSeconds, "QualityCheck"), Comment: "Clean, join and convert RAW to TRANSFORMED Parquet" },
    QualityCheck: { ...glueTask(p.qualityJob, jobSeconds, "Enrich"), Comment: "Fail the run when TRANSFORMED breaks a quality rule" },
    Enrich: { ...glueTask(p.enrichJob, jobSeconds, "LoadWarehouse"), Comment: "Reference data and business KPIs into ENRICHED" },
    LoadWarehouse: {
      Type: "Task",
      Comment: "Replace the KPIs of the loaded dates in Redshift, in one transaction",
      Resource: "arn:aws:states:::aws-sdk:redshiftdata:batchExecuteStatement",
      Parameters: {
        WorkgroupName: p.workgroupName,
        Database: p.database,
        SecretArn: p.secretArn,
        Sqls: [...p.loadSqls],
        "StatementName.$": "States.Format('batch-etl-load-{}', $$.Execution.Name)",
      },
      ResultSelector: { "id.$": "$.Id" },
      ResultPath: "$.load",
      Catch: CATCH_ALL,
      Next: "WaitForLoad",
    },
    WaitForLoad: { Type: "Wait", Seconds: poll, Next: "DescribeLoad" },
    DescribeLoad: {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:redshiftdata:describeStatement",
      Parameters: { "Id.$": "$.load.id" },
      ResultSelector: { "status.$": "$.Status" },
      ResultPath: "$.loadStatus",
      Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 }],
      Catch: CATCH_ALL,
      Next: "LoadFinished",
    },
    LoadFinished: {
      Type: "Choice",
      Choices: [
        { Variable: "$.loadStatus.status", StringEquals: "FINISHED", Next: "Succeeded" },
        { Or: [{ Variable: "$.loadStatus.status", StringEquals: "FAILED" }, { Variable: "$.loadStatus.status", StringEquals: "ABORTED" }], Next: "LoadFailed" },
      ],
      Default: "WaitForLoad",
    },
    LoadFailed: {
      Type: "Pass",
      Result: { Error: "RedshiftLoadFailed", Cause: "The Data API load batch ended FAILED or ABORTED; see DescribeStatement for the statement id in $.load.id" },
      ResultPath: "$.error",
      Next: "NotifyFailure",
    },
    NotifyFailure: {
      Type: "Task",
      Resource: "arn:aws:states:::sns:publish",
      Parameters: {
        TopicArn: p.alertTopicArn,
        Subject: "Batch ETL run failed",
        "Message.$": "States.Format('Batch ETL execution {} failed: {}', $$.Execution.Name, States.JsonToString($.error))",
      },
      ResultPath: "$.notified",
      Next: "Failed",
    },
    Failed: { Type: "Fail", Error: "BatchEtlFailed", Cause: "A step failed; the alert topic was notified" },
    Succeeded: { Type: "Succeed" },
  };
  return {
    Comment: "Nightly batch ETL: RAW -> TRANSFORMED -> quality check -> ENRICHED -> Redshift",
    StartAt: "CheckRawFiles",
    // Three jobs, the load and some slack: the execution can never run (and bill) longer.
    TimeoutSeconds: 3 * jobSeconds + loadTimeout + 600,
    States: states,
  };
}
