/**
 * Glue building blocks shared by the batch pipelines (P1 data lake, P3 batch ETL):
 * bounded job capacity from `limits.glue`, a schedule that never runs more often
 * than `limits.glue.runsPerDay`, a KMS security configuration, the job's log
 * groups with retention (Glue 5.0's custom prefix), and failure alerts through EventBridge to the alert topic.
 * The pure parts (capacity, schedule) are tested without the engine.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Limits } from "../../environments";
import { assumeRolePolicy, policyDocument, Statement } from "./iam";

/** The Glue version every job runs (Spark 3.5, Python 3.11). */
export const GLUE_VERSION = "5.0";

export interface GlueCapacity {
  readonly workerType: string;
  /** Fixed worker count: Glue bills workers x minutes, so this is the ceiling. */
  readonly numberOfWorkers: number;
  /** Job timeout in minutes: a stuck job stops here rather than billing all day. */
  readonly timeoutMinutes: number;
  readonly runsPerDay: number;
}

/** Bounded capacity of a batch Glue job, from `limits.glue`. Pure. */
export function resolveGlueCapacity(component: string, glue: Limits["glue"]): GlueCapacity {
  // G.025X exists only for streaming ETL jobs; a batch job with it fails at run time.
  if (glue.workerType === "G.025X") {
    throw new Error(`${component}: limits.glue.workerType G.025X is for streaming jobs only; batch jobs need G.1X or larger`);
  }
  return { workerType: glue.workerType, numberOfWorkers: glue.maxWorkers, timeoutMinutes: glue.timeoutMinutes, runsPerDay: glue.runsPerDay };
}

/**
 * A Glue cron expression (UTC) that fires at most `runsPerDay` times a day, evenly
 * spread, or undefined for 0 (runs only on demand). Pure.
 */
export function glueScheduleExpression(runsPerDay: number, startHour = 2): string | undefined {
  if (!Number.isInteger(runsPerDay) || runsPerDay < 0) throw new Error(`runsPerDay must be a whole number of zero or more (got ${runsPerDay})`);
  if (runsPerDay === 0) return undefined;
  if (runsPerDay === 1) return `cron(0 ${startHour} * * ? *)`;
  if (runsPerDay <= 24) {
    const everyHours = Math.ceil(24 / runsPerDay);
    return `cron(0 ${startHour % everyHours}/${everyHours} * * ? *)`;
  }
  // More than hourly: the smallest divisor of 60 minutes that keeps the count within the bound.
  const minutes = [15, 20, 30, 60].find((m) => 1440 / m <= runsPerDay) ?? 60;
  return `cron(0/${minutes} * * * ? *)`;
}

/** How many times a day a cron expression produced by {@link glueScheduleExpression} fires. Pure. */
export function runsPerDayOf(expression: string | undefined): number {
  if (expression === undefined) return 0;
  const m = /^cron\((\S+) (\S+) \* \* \? \*\)$/.exec(expression);
  if (!m) throw new Error(`unsupported schedule ${expression}`);
  const count = (field: string, range: number) => {
    const step = /^(\d+)\/(\d+)$/.exec(field);
    if (step) return Math.ceil((range - Number(step[1])) / Number(step[2]));
    if (field === "*") return range;
    return 1;
  };
  return count(m[2], 24) * (m[1] === "0" ? 1 : count(m[1], 60));
}

/** A Glue security configuration: S3 output, CloudWatch logs and job bookmarks under the platform key. */
export function glueSecurityConfiguration(name: string, kmsKeyArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): aws.glue.SecurityConfiguration {
  return new aws.glue.SecurityConfiguration(name, {
    name: pulumi.interpolate`${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
    encryptionConfiguration: {
      s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn },
      cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn },
    },
  }, opts);
}

/**
 * Glue 5.0 logs to two groups, `<prefix>/error` (system, Spark and GlueLogger
 * logs) and `<prefix>/output` (the script's stdout and stderr). The default
 * prefix is /aws-glue/jobs, whose groups Glue creates without retention or our
 * key; `--custom-logGroup-prefix` points the job at the two groups created here
 * instead. The Glue 4 flags (`--enable-continuous-cloudwatch-log`,
 * `--continuous-log-logGroup`) do not apply to 5.0.
 * https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html
 */
export const GLUE_LOG_STREAMS = ["error", "output"] as const;

/** The log group prefix of a job (under /aws-glue/, which the runtime statements grant). */
export function glueLogGroupPrefix(name: string): string {
  return `/aws-glue/jobs/platform/${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
}

/** The job's `<prefix>/error` (`<name>-logs`) and `<prefix>/output` (`<name>-output-logs`) groups, with retention and encryption. */
export function glueLogGroups(name: string, retentionDays: number, kmsKeyArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): { prefix: string; groups: aws.cloudwatch.LogGroup[] } {
  const prefix = glueLogGroupPrefix(name);
  const groups = GLUE_LOG_STREAMS.map(
    (kind) =>
      new aws.cloudwatch.LogGroup(kind === "error" ? `${name}-logs` : `${name}-${kind}-logs`, {
        name: `${prefix}/${kind}`,
        retentionInDays: retentionDays,
        kmsKeyId: kmsKeyArn,
      }, opts),
  );
  return { prefix, groups };
}

/** Job arguments every platform Glue 5.0 job carries (logs to its own groups, metrics, bookmarks, temp dir). */
export function glueDefaultArguments(logGroupPrefix: string, tempDir: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
  return {
    "--custom-logGroup-prefix": logGroupPrefix,
    "--enable-metrics": "true",
    "--enable-observability-metrics": "true",
    "--job-bookmark-option": "job-bookmark-enable",
    "--TempDir": tempDir,
    "--enable-glue-datacatalog": "true",
  };
}

/** ARNs Glue statements are scoped to: the account's catalog, one database and its tables. */
export function catalogArns(region: pulumi.Input<string>, accountId: pulumi.Input<string>, database: pulumi.Input<string>) {
  return {
    catalog: pulumi.interpolate`arn:aws:glue:${region}:${accountId}:catalog`,
    database: pulumi.interpolate`arn:aws:glue:${region}:${accountId}:database/${database}`,
    tables: pulumi.interpolate`arn:aws:glue:${region}:${accountId}:table/${database}/*`,
  };
}

/** Statements every Glue role needs besides its data: its logs (Glue's groups are under /aws-glue/), the key, metrics. */
export function glueRuntimeStatements(region: pulumi.Input<string>, accountId: pulumi.Input<string>, kmsKeyArn: pulumi.Input<string>): Statement[] {
  return [
    {
      sid: "WriteGlueLogs",
      actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
      resources: [pulumi.interpolate`arn:aws:logs:${region}:${accountId}:log-group:/aws-glue/*`],
    },
    { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [kmsKeyArn] },
    { sid: "PublishJobMetrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"], condition: { StringEquals: { "cloudwatch:namespace": "Glue" } } },
    // Wildcard-only in the Service Authorization Reference: a grant on any ARN never matches.
    { sid: "ReadSecurityConfiguration", actions: ["glue:GetSecurityConfiguration"], resources: ["*"] },
  ];
}

/**
 * Objects a Spark job may write under a prefix: `prefix*`, plus the
 * `<dir>_$folder$` marker EMRFS puts beside every directory it creates
 * (https://repost.aws/knowledge-center/emr-s3-empty-files), which lies outside `prefix/*`.
 */
export function sparkWritePaths(bucketArn: pulumi.Input<string>, prefix: string): pulumi.Output<string>[] {
  const dirs = prefix.split("/").filter((d) => d !== "");
  const markers = dirs.map((_, i) => `${dirs.slice(0, i + 1).join("/")}_$folder$`);
  return [pulumi.interpolate`${bucketArn}/${prefix}*`, ...markers.map((m) => pulumi.interpolate`${bucketArn}/${m}`)];
}

/** A role Glue (job or crawler) assumes, with an inline least-privilege policy. */
export function glueRole(name: string, description: string, statements: readonly Statement[], opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = new aws.iam.Role(name, { description, assumeRolePolicy: assumeRolePolicy("glue.amazonaws.com") }, opts);
  new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument(statements) }, opts);
  return role;
}

/** EventBridge pattern matching failed runs of the given jobs and crawlers. Pure. */
export function glueFailurePattern(jobNames: readonly string[], crawlerNames: readonly string[]): Record<string, unknown> {
  const jobs = jobNames.length > 0 ? [{ "detail-type": ["Glue Job State Change"], detail: { jobName: [...jobNames], state: ["FAILED", "TIMEOUT", "ERROR"] } }] : [];
  const crawlers = crawlerNames.length > 0 ? [{ "detail-type": ["Glue Crawler State Change"], detail: { crawlerName: [...crawlerNames], state: ["Failed"] } }] : [];
  const parts = [...jobs, ...crawlers];
  if (parts.length === 0) throw new Error("glueFailurePattern needs at least one job or crawler");
  return parts.length === 1 ? { source: ["aws.glue"], ...parts[0] } : { source: ["aws.glue"], $or: parts };
}

/** Sends failed Glue runs to the platform's alert topic. */
export function glueFailureAlerts(
  name: string,
  jobNames: pulumi.Input<string>[],
  crawlerNames: pulumi.Input<string>[],
  alertTopicArn: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.EventRule {
  const rule = new aws.cloudwatch.EventRule(name, {
    description: "Failed, timed-out or errored Glue runs of this pipeline",
    eventPattern: pulumi.all([pulumi.all(jobNames), pulumi.all(crawlerNames)]).apply(([jobs, crawlers]) => JSON.stringify(glueFailurePattern(jobs, crawlers))),
  }, opts);
  new aws.cloudwatch.EventTarget(`${name}-topic`, { rule: rule.name, arn: alertTopicArn }, opts);
  return rule;
}

export interface GlueScriptJobArgs {
  readonly description: string;
  /** Description of the job's role. */
  readonly roleDescription: string;
  /** Local path of the PySpark script, uploaded to `scripts/<file name>` of the artifacts bucket. */
  readonly scriptPath: string;
  readonly artifactsBucketName: pulumi.Input<string>;
  readonly capacity: GlueCapacity;
  readonly securityConfigurationName: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** e.g. s3://<artifacts>/tmp/ */
  readonly tempDir: pulumi.Input<string>;
  /** The role's statements: its data, plus {@link glueRuntimeStatements}. */
  readonly statements: readonly Statement[];
  /** Job arguments besides {@link glueDefaultArguments}. */
  readonly arguments: Record<string, pulumi.Input<string>>;
  /** Glue connections the job runs in (JDBC sources). */
  readonly connections?: readonly pulumi.Input<string>[];
}

/**
 * A bounded PySpark job: its script as an encrypted S3 object, its log group,
 * its own least-privilege role, a fixed worker count, a timeout, no retries and
 * one run at a time. Resources are named `<name>-script`, `<name>-logs`,
 * `<name>-role` and `<name>`.
 */
export function glueScriptJob(name: string, args: GlueScriptJobArgs, opts: pulumi.CustomResourceOptions): aws.glue.Job {
  const file = args.scriptPath.split(/[\\/]/).pop()!;
  const script = new aws.s3.BucketObjectv2(`${name}-script`, {
    bucket: args.artifactsBucketName,
    key: `scripts/${file}`,
    source: new pulumi.asset.FileAsset(args.scriptPath),
    contentType: "text/x-python",
    serverSideEncryption: "aws:kms",
    kmsKeyId: args.kmsKeyArn,
  }, opts);
  const logs = glueLogGroups(name, args.logRetentionDays, args.kmsKeyArn, opts);
  const role = glueRole(`${name}-role`, args.roleDescription, args.statements, opts);
  return new aws.glue.Job(name, {
    description: args.description,
    roleArn: role.arn,
    glueVersion: GLUE_VERSION,
    command: { name: "glueetl", pythonVersion: "3", scriptLocation: pulumi.interpolate`s3://${script.bucket}/${script.key}` },
    workerType: args.capacity.workerType,
    numberOfWorkers: args.capacity.numberOfWorkers,
    timeout: args.capacity.timeoutMinutes,
    maxRetries: 0,
    executionProperty: { maxConcurrentRuns: 1 },
    securityConfiguration: args.securityConfigurationName,
    ...(args.connections && args.connections.length > 0 ? { connections: [...args.connections] } : {}),
    defaultArguments: { ...glueDefaultArguments(logs.prefix, args.tempDir), ...args.arguments },
  }, { ...opts, dependsOn: logs.groups });
}

/** A column of a Data Catalog table the platform defines (curated, raw and history tables). */
export interface GlueColumn {
  readonly name: string;
  /** Glue/Hive type. */
  readonly type: string;
  readonly comment: string;
}

/** A catalog table's storage descriptor for Parquet files under one location (Hive's Parquet formats and SerDe). */
export function parquetStorage(location: pulumi.Input<string>, columns: readonly { readonly name: string; readonly type: string; readonly comment?: string }[]) {
  return {
    location,
    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", parameters: { "serialization.format": "1" } },
    columns: columns.map((c) => ({ name: c.name, type: c.type, ...(c.comment !== undefined ? { comment: c.comment } : {}) })),
  };
}
