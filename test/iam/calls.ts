/**
 * The AWS calls a stack must allow and those it must deny, built from the
 * synthesized stack (names, ARNs, roles) so they follow its resources:
 * - {@link functionCalls}: what the functions did in the emulator tests
 *   (recorded by ./recorder.ts), with the KMS call S3 makes on their behalf
 *   for SSE-KMS buckets;
 * - {@link SERVICE_CALLS}: what AWS services do for the stack, each with the
 *   AWS documentation page that says which permission the call needs;
 * - {@link DENIED_CALLS}: calls outside each role's job.
 */
import { OPERATOR_FOLDERS, RecordedCall } from "./recorder";
import { ACCOUNT, SimCall, StackIam } from "./stackIam";

const FN = "aws:lambda/function:Function";
const BUCKET = "aws:s3/bucket:Bucket";
const ROLE = "aws:iam/role:Role";

/** The customer managed key a bucket encrypts with by default (SSE-KMS), if any. */
function bucketKey(iam: StackIam, bucket: string): string | undefined {
  const sse = iam.resources.find((r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" && r.inputs["bucket"] === bucket);
  const rules = (sse?.inputs["rules"] ?? []) as { applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string } }[];
  return rules[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId;
}

/**
 * S3 calls KMS with the caller's permissions for an SSE-KMS object: GenerateDataKey to write,
 * Decrypt to read (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms).
 * With an S3 Bucket Key the encryption context is the bucket ARN.
 */
function s3Kms(iam: StackIam, principal: string, bucket: string, write: boolean): SimCall[] {
  const key = bucketKey(iam, bucket);
  if (!key) return [];
  const context = { "kms:ViaService": `s3.${iam.region}.amazonaws.com`, "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}` };
  return [{ principal, action: write ? "kms:GenerateDataKey" : "kms:Decrypt", resource: key, context }];
}

/** The IAM action of an S3 operation, and whether it writes. */
const S3_ACTIONS: Readonly<Record<string, [string, boolean]>> = {
  HeadObjectCommand: ["s3:GetObject", false],
  GetObjectCommand: ["s3:GetObject", false],
  PutObjectCommand: ["s3:PutObject", true],
  DeleteObjectCommand: ["s3:DeleteObject", false],
};

function s3Calls(iam: StackIam, principal: string, bucket: string, c: RecordedCall): SimCall[] {
  const key = String(c.input["Key"]);
  if (c.command === "CopyObjectCommand") {
    const source = decodeURIComponent(String(c.input["CopySource"])).split("/").slice(1).join("/");
    return [
      { principal, action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${source}` },
      ...s3Kms(iam, principal, bucket, false),
      { principal, action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${key}` },
      ...s3Kms(iam, principal, bucket, true),
    ];
  }
  const [action, write] = S3_ACTIONS[c.command] ?? [`s3:${c.command.replace(/Command$/, "")}`, true];
  return [{ principal, action, resource: `arn:aws:s3:::${bucket}/${key}` }, ...(action === "s3:DeleteObject" ? [] : s3Kms(iam, principal, bucket, write))];
}

/** Which stack function ran the code of a function folder, and where its emulator names point in the stack. */
const FUNCTION_OF_FOLDER: Readonly<Record<string, { fn: string; translate(iam: StackIam, principal: string, c: RecordedCall): SimCall[] }>> = {
  "stream-processor": {
    fn: "realtime-processor",
    translate(iam, principal, c) {
      const env = (iam.inputsOf(FN, "realtime-processor")["environment"] as { variables: Record<string, string> }).variables;
      if (c.client === "DynamoDBClient") return [{ principal, action: `dynamodb:${c.command.replace(/Command$/, "")}`, resource: `arn:aws:dynamodb:${iam.region}:${ACCOUNT}:table/${env["AGGREGATES_TABLE"]}` }];
      if (c.client === "S3Client") return s3Calls(iam, principal, env["QUARANTINE_BUCKET"], c);
      throw new Error(`no stack mapping for the processor's ${c.client} ${c.command}`);
    },
  },
  "scheduled-report": {
    fn: "realtime-report",
    translate(iam, principal, c) {
      const env = (iam.inputsOf(FN, "realtime-report")["environment"] as { variables: Record<string, string> }).variables;
      if (c.client === "S3Client") return s3Calls(iam, principal, env["REPORT_BUCKET"], c);
      if (c.client === "SNSClient") return [{ principal, action: "sns:Publish", resource: env["SUMMARY_TOPIC_ARN"] }, ...(c.command === "PublishCommand" ? [{ principal, action: "kms:GenerateDataKey", resource: String(iam.inputsOf("aws:sns/topic:Topic", "realtime-reports")["kmsMasterKeyId"]), context: { "kms:ViaService": `sns.${iam.region}.amazonaws.com` } }] : [])];
      if (c.client === "AthenaClient") return [{ principal, action: `athena:${c.command.replace(/Command$/, "")}`, resource: `arn:aws:athena:${iam.region}:${ACCOUNT}:workgroup/${env["ATHENA_WORKGROUP"]}` }];
      throw new Error(`no stack mapping for the report's ${c.client} ${c.command}`);
    },
  },
  "file-check": {
    fn: "batch-file-check",
    translate(iam, principal, c) {
      // The function checks files in the bucket whose notifications invoke it.
      const permission = iam.resources.find((r) => r.type === "aws:lambda/permission:Permission" && String(r.inputs["function"]).startsWith("batch-file-check"));
      const bucket = String(permission?.inputs["sourceArn"]).replace("arn:aws:s3:::", "");
      // The stack invokes it for keys under the notification's prefix; the tests name keys without it.
      const notification = iam.resources.find((r) => r.type === "aws:s3/bucketNotification:BucketNotification" && r.inputs["bucket"] === bucket);
      const incoming = String((notification?.inputs["lambdaFunctions"] as { filterPrefix?: string }[] | undefined)?.[0]?.filterPrefix ?? "");
      const quarantine = String((iam.inputsOf(FN, "batch-file-check")["environment"] as { variables: Record<string, string> }).variables["QUARANTINE_PREFIX"]);
      const inStack = (key: string) => (key.startsWith(quarantine) ? key.replace(/^([^/]+\/[^/]+\/)/, `$1${incoming}`) : `${incoming}${key}`);
      const input = { ...c.input, Key: inStack(String(c.input["Key"])), ...(c.input["CopySource"] ? { CopySource: `${bucket}/${inStack(decodeURIComponent(c.input["CopySource"] as string).split("/").slice(1).join("/"))}` } : {}) };
      if (c.client === "S3Client") return s3Calls(iam, principal, bucket, { ...c, input });
      throw new Error(`no stack mapping for the file check's ${c.client} ${c.command}`);
    },
  },
  "upload-gate": {
    fn: "datalake-upload-gate",
    translate(iam, principal, c) {
      const { table, bucket, prefix } = gateEnv(iam, "datalake-upload-gate");
      // getSignedUrl runs PutObject's middleware without sending it: the producer's PUT is that call, as the gate's role.
      if (c.client === "S3Client" && c.command === "PutObjectCommand") return gatedPut(iam, principal, bucket, `${prefix}${String(c.input["Key"]).split("/").pop()}`, c.input["IfNoneMatch"] === "*");
      if (c.client === "DynamoDBClient") return [{ principal, action: `dynamodb:${c.command.replace(/Command$/, "")}`, resource: `arn:aws:dynamodb:${iam.region}:${ACCOUNT}:table/${table}` }];
      throw new Error(`no stack mapping for the upload gate's ${c.client} ${c.command}`);
    },
  },
};

/** The upload gate's table, bucket and landing prefix, from its environment. */
function gateEnv(iam: StackIam, fn: string): { table: string; bucket: string; prefix: string } {
  const env = (iam.inputsOf(FN, fn)["environment"] as { variables: Record<string, string> }).variables;
  return { table: env["SLOTS_TABLE"], bucket: env["LANDING_BUCKET"], prefix: env["LANDING_PREFIX"] };
}

/** A presigned PUT of the gate, as S3 evaluates it: as the gate's role, with the signed If-None-Match. */
function gatedPut(iam: StackIam, principal: string, bucket: string, key: string, ifNoneMatch = true): SimCall[] {
  const context = { "aws:PrincipalArn": principal, ...(ifNoneMatch ? { "s3:if-none-match": "*" } : {}) };
  return [{ principal, action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${key}`, context }, ...s3Kms(iam, principal, bucket, true)];
}

/** The recorded calls of the functions this stack deploys, as calls of their roles on its resources. */
export function functionCalls(iam: StackIam, recorded: readonly RecordedCall[]): { source: string; call: SimCall }[] {
  const out: { source: string; call: SimCall }[] = [];
  for (const c of recorded) {
    if (OPERATOR_FOLDERS.has(c.fn)) continue; // the operator's credentials, not a role of the stack: see operatorCalls
    const mapping = FUNCTION_OF_FOLDER[c.fn];
    if (!mapping) throw new Error(`a call from functions/${c.fn} (${c.client} ${c.command}) has no stack mapping in test/iam/calls.ts`);
    if (!iam.has(FN, mapping.fn)) continue;
    for (const call of mapping.translate(iam, iam.functionRole(mapping.fn), c)) out.push({ source: `${mapping.fn}: ${c.client} ${c.command}`, call });
  }
  return out;
}

export interface ServiceCalls {
  readonly name: string;
  /** The AWS documentation page saying which permissions the service uses. */
  readonly doc: string;
  /** The calls, or undefined when the stack has no such resource. */
  calls(iam: StackIam): SimCall[] | undefined;
}

const topicArn = (iam: StackIam) => iam.arnOf("aws:sns/topic:Topic", "core-alerts");
const coreKey = (iam: StackIam) => iam.arnOf("aws:kms/key:Key", "core-key");
const roleArn = (iam: StackIam, name: string) => iam.arnOf(ROLE, name);

/** A service publishing to the encrypted alert topic: sns:Publish on the topic, and the key to encrypt the message. */
function publishesToTopic(service: string): (iam: StackIam) => SimCall[] {
  return (iam) => {
    const context = { "aws:SourceAccount": ACCOUNT };
    return [
      { principal: service, action: "sns:Publish", resource: topicArn(iam), context },
      { principal: service, action: "kms:GenerateDataKey", resource: coreKey(iam), context },
      { principal: service, action: "kms:Decrypt", resource: coreKey(iam), context },
    ];
  };
}

/**
 * S3 writing each logged bucket's server access logs into the log bucket, as the logging service
 * with the source bucket's account and ARN (the log bucket is SSE-S3: no key is used).
 */
function accessLogDeliveries(iam: StackIam, sourceAccount: string): SimCall[] {
  const target = iam.arnOf(BUCKET, "core-access-logs");
  return iam.resources
    .filter((r) => r.type === "aws:s3/bucketLogging:BucketLogging")
    .map((r) => ({
      principal: "logging.s3.amazonaws.com",
      action: "s3:PutObject",
      resource: `${target}/${String(r.inputs["targetPrefix"])}${ACCOUNT}/${iam.region}/${String(r.inputs["bucket"])}/2026/12/01/2026-12-01-00-00-00-0123456789ABCDEF`,
      context: { "aws:SourceAccount": sourceAccount, "aws:SourceArn": `arn:aws:s3:::${String(r.inputs["bucket"])}` },
    }));
}

/**
 * QuickSight running an Athena data source's query with the data source's role: the workgroup,
 * the table in the catalog, its objects (S3 decrypts them with the caller's kms:Decrypt), and the
 * results it writes to the workgroup's location and reads back.
 */
function quicksightAthena(iam: StackIam, pipeline: "realtime" | "datalake"): SimCall[] | undefined {
  const roleName = `${pipeline}-quicksight-athena-role`;
  if (!iam.has(ROLE, roleName)) return undefined;
  const role = roleArn(iam, roleName);
  const [workgroup, dataBucket, dataPrefix, resultsBucket, table] =
    pipeline === "realtime" ? ["realtime-analytics", "realtime-history", "history/", "realtime-athena-results", "realtime-history-table"] : ["datalake-analytics", "datalake-curated", "sales/", "datalake-artifacts", "datalake-curated-table"];
  const database = String(iam.inputsOf("aws:glue/catalogDatabase:CatalogDatabase", `${pipeline}-catalog`)["name"]);
  const tableName = String(iam.inputsOf("aws:glue/catalogTable:CatalogTable", table)["name"]);
  const data = iam.arnOf(BUCKET, dataBucket).replace("arn:aws:s3:::", "");
  const results = iam.arnOf(BUCKET, resultsBucket).replace("arn:aws:s3:::", "");
  const via = { "kms:ViaService": `s3.${iam.region}.amazonaws.com` };
  return [
    ...["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"].map((action) => ({ principal: role, action, resource: iam.arnOf("aws:athena/workgroup:Workgroup", workgroup) })),
    { principal: role, action: "glue:GetTable", resource: `arn:aws:glue:${iam.region}:${ACCOUNT}:table/${database}/${tableName}` },
    { principal: role, action: "glue:GetPartitions", resource: `arn:aws:glue:${iam.region}:${ACCOUNT}:database/${database}` },
    { principal: role, action: "s3:ListBucket", resource: `arn:aws:s3:::${data}` },
    { principal: role, action: "s3:GetObject", resource: `arn:aws:s3:::${data}/${dataPrefix}dt=2026-12-01/part-0.parquet` },
    { principal: role, action: "kms:Decrypt", resource: coreKey(iam), context: { ...via, "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${data}` } },
    { principal: role, action: "s3:PutObject", resource: `arn:aws:s3:::${results}/athena/0123-4567.csv` },
    { principal: role, action: "kms:GenerateDataKey", resource: coreKey(iam), context: { ...via, "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${results}` } },
    { principal: role, action: "s3:GetObject", resource: `arn:aws:s3:::${results}/athena/0123-4567.csv` },
  ];
}

function when(iam: StackIam, type: string, name: string, calls: () => SimCall[]): SimCall[] | undefined {
  return iam.has(type, name) ? calls() : undefined;
}

export const SERVICE_CALLS: readonly ServiceCalls[] = [
  ...(["datalake-upload-gate", "batch-upload-gate"] as const).map((gate) => ({
    // getSignedUrl makes no call: the producer's PUT is the call, with the gate's credentials.
    name: `a producer's presigned PUT through ${gate} acts as the gate's role, with If-None-Match`,
    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html",
    calls: (iam: StackIam) =>
      when(iam, FN, gate, () => {
        const { bucket, prefix } = gateEnv(iam, gate);
        return gatedPut(iam, iam.functionRole(gate), bucket, `${prefix}2026-12-02-0b0e5f6e-2f7e-4c53-9d8e-1f1f1f1f1f1f-orders.csv`);
      }),
  })),
  {
    name: "Lambda event source mapping polls the Kinesis stream with the processor's role",
    doc: "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#events-kinesis-permissions",
    calls: (iam) =>
      when(iam, FN, "realtime-processor", () => {
        const role = iam.functionRole("realtime-processor");
        const stream = iam.arnOf("aws:kinesis/stream:Stream", "realtime-transactions");
        return [
          ...["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"].map((action) => ({ principal: role, action, resource: stream })),
          // Records of a KMS-encrypted stream are decrypted with the consumer's permissions.
          { principal: role, action: "kms:Decrypt", resource: coreKey(iam), context: { "kms:ViaService": `kinesis.${iam.region}.amazonaws.com` } },
        ];
      }),
  },
  {
    name: "Lambda sends a failed batch's record to the on-failure SQS destination with the processor's role",
    doc: "https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html",
    calls: (iam) =>
      when(iam, FN, "realtime-processor", () => {
        const role = iam.functionRole("realtime-processor");
        return [
          { principal: role, action: "sqs:SendMessage", resource: iam.arnOf("aws:sqs/queue:Queue", "realtime-failed-batches") },
          { principal: role, action: "kms:GenerateDataKey", resource: coreKey(iam), context: { "kms:ViaService": `sqs.${iam.region}.amazonaws.com` } },
        ];
      }),
  },
  {
    name: "Firehose reads the stream, invokes the transform and writes the history bucket with its delivery role",
    doc: "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3",
    calls: (iam) =>
      when(iam, ROLE, "realtime-history-delivery-role", () => {
        const role = roleArn(iam, "realtime-history-delivery-role");
        const bucket = iam.arnOf(BUCKET, "realtime-history").replace("arn:aws:s3:::", "");
        const stream = iam.arnOf("aws:kinesis/stream:Stream", "realtime-transactions");
        return [
          ...["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"].map((action) => ({ principal: role, action, resource: stream })),
          { principal: role, action: "lambda:InvokeFunction", resource: iam.arnOf(FN, "realtime-history-transform") },
          { principal: role, action: "lambda:GetFunctionConfiguration", resource: iam.arnOf(FN, "realtime-history-transform") },
          ...["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"].map((action) => ({ principal: role, action, resource: `arn:aws:s3:::${bucket}` })),
          ...["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"].map((action) => ({ principal: role, action, resource: `arn:aws:s3:::${bucket}/history/dt=2026-11-28/part-0.parquet` })),
          ...s3Kms(iam, role, bucket, true),
        ];
      }),
  },
  {
    name: "EventBridge Scheduler invokes the report function with its execution role",
    doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role",
    calls: (iam) => when(iam, ROLE, "realtime-report-scheduler-role", () => [{ principal: roleArn(iam, "realtime-report-scheduler-role"), action: "lambda:InvokeFunction", resource: iam.arnOf(FN, "realtime-report") }]),
  },
  {
    name: "EventBridge Scheduler starts the batch state machine with its execution role",
    doc: "https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role",
    calls: (iam) => when(iam, ROLE, "batch-schedule-role", () => [{ principal: roleArn(iam, "batch-schedule-role"), action: "states:StartExecution", resource: iam.arnOf("aws:sfn/stateMachine:StateMachine", "batch-orchestration") }]),
  },
  {
    name: "S3 invokes the file check on new objects (Lambda permission, with the bucket as source)",
    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
    calls: (iam) =>
      when(iam, FN, "batch-file-check", () => [
        { principal: "s3.amazonaws.com", action: "lambda:InvokeFunction", resource: iam.arnOf(FN, "batch-file-check"), context: { "aws:SourceArn": iam.arnOf(BUCKET, "batch-raw"), "aws:SourceAccount": ACCOUNT } },
      ]),
  },
  {
    name: "Step Functions runs the Glue jobs (.sync) with the state machine's role",
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/glue-iam.html",
    calls: (iam) =>
      when(iam, ROLE, "batch-orchestration-role", () => {
        const role = roleArn(iam, "batch-orchestration-role");
        const job = iam.arnOf("aws:glue/job:Job", "batch-raw-to-transformed");
        return ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"].map((action) => ({ principal: role, action, resource: job }));
      }),
  },
  {
    name: "Glue jobs read their security configuration (wildcard-only) with their roles",
    doc: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html",
    calls: (iam) => {
      const roles = ["batch-raw-to-transformed-role", "batch-transformed-to-enriched-role", "batch-quality-check-role", "datalake-raw-to-curated-role", "datalake-raw-crawler-role"].filter((r) => iam.has(ROLE, r));
      return roles.length === 0 ? undefined : roles.map((r) => ({ principal: roleArn(iam, r), action: "glue:GetSecurityConfiguration", resource: "*" }));
    },
  },
  {
    name: "Step Functions runs the warehouse load through the Data API with the state machine's role",
    doc: "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html",
    calls: (iam) =>
      when(iam, ROLE, "batch-orchestration-role", () => {
        const role = roleArn(iam, "batch-orchestration-role");
        const workgroup = iam.resources.find((r) => r.type === "aws:redshiftserverless/workgroup:Workgroup")!;
        const workgroupArn = iam.arnOf(workgroup.type, workgroup.name);
        return [
          { principal: role, action: "redshift-data:BatchExecuteStatement", resource: workgroupArn },
          { principal: role, action: "redshift-data:ExecuteStatement", resource: workgroupArn },
        ];
      }),
  },
  {
    name: "Step Functions polls DescribeStatement from another session of its role than the one that ran the statement",
    doc: "https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html",
    calls: (iam) =>
      when(iam, ROLE, "batch-orchestration-role", () => {
        const roleId = String(iam.outputOf(ROLE, "batch-orchestration-role", "uniqueId"));
        const context = { "aws:userid": `${roleId}:execution-b`, "redshift-data:statement-owner-iam-userid": `${roleId}:execution-a` };
        return [{ principal: roleArn(iam, "batch-orchestration-role"), action: "redshift-data:DescribeStatement", resource: "*", context }];
      }),
  },
  {
    name: "Glue (Spark on EMRFS) writes a `<dir>_$folder$` marker beside every directory it creates under a prefix it may write",
    doc: "https://repost.aws/knowledge-center/emr-s3-empty-files",
    calls: (iam) => {
      const calls: SimCall[] = [];
      for (const role of iam.resources.filter((r) => r.type === ROLE && String(r.inputs["assumeRolePolicy"]).includes("glue.amazonaws.com"))) {
        const arn = iam.arnOf(ROLE, role.name);
        for (const s of iam.identityStatements(arn)) {
          if (!([] as string[]).concat(s.Action ?? []).includes("s3:PutObject")) continue;
          for (const r of ([] as string[]).concat(s.Resource ?? [])) {
            const m = /^(arn:aws:s3:::[^/]+)\/(.+)\/\*$/.exec(r);
            if (m) calls.push({ principal: arn, action: "s3:PutObject", resource: `${m[1]}/${m[2]}_$folder$` });
          }
        }
      }
      return calls.length === 0 ? undefined : calls;
    },
  },
  { name: "AWS Budgets publishes budget alerts to the encrypted topic", doc: "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html", calls: publishesToTopic("budgets.amazonaws.com") },
  { name: "Cost Anomaly Detection publishes anomaly alerts to the encrypted topic", doc: "https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html", calls: publishesToTopic("costalerts.amazonaws.com") },
  { name: "CloudWatch alarms publish to the encrypted topic", doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html", calls: publishesToTopic("cloudwatch.amazonaws.com") },
  { name: "EventBridge rules publish to the encrypted topic", doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions", calls: publishesToTopic("events.amazonaws.com") },
  {
    name: "S3 server access logging delivers every bucket's logs to the log bucket (logging service principal, this account's buckets)",
    doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general",
    calls: (iam) => accessLogDeliveries(iam, ACCOUNT),
  },
  {
    name: "QuickSight runs the real-time history data source's Athena queries with its role",
    doc: "https://docs.aws.amazon.com/quicksight/latest/APIReference/API_AthenaParameters.html",
    calls: (iam) => quicksightAthena(iam, "realtime"),
  },
  {
    name: "QuickSight runs the data lake data source's Athena queries with its role",
    doc: "https://docs.aws.amazon.com/quicksight/latest/APIReference/API_AthenaParameters.html",
    calls: (iam) => quicksightAthena(iam, "datalake"),
  },
];

export interface DeniedCall {
  readonly name: string;
  calls(iam: StackIam): SimCall[] | undefined;
}

export const DENIED_CALLS: readonly DeniedCall[] = [
  {
    name: "a landing prefix takes no PUT but the gate's, none without If-None-Match, and the gate writes nowhere else",
    calls: (iam) =>
      when(iam, FN, "batch-upload-gate", () => {
        const gate = iam.functionRole("batch-upload-gate");
        const { bucket, prefix } = gateEnv(iam, "batch-upload-gate");
        const fileCheck = iam.functionRole("batch-file-check");
        return [
          gatedPut(iam, gate, bucket, `${prefix}2026-12-02-x-orders.csv`, false)[0],
          { principal: fileCheck, action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${prefix}forged.csv`, context: { "aws:PrincipalArn": fileCheck, "s3:if-none-match": "*" } },
          gatedPut(iam, gate, bucket, "quarantine/x.csv")[0],
          { principal: gate, action: "dynamodb:DeleteItem", resource: `arn:aws:dynamodb:${iam.region}:${ACCOUNT}:table/${gateEnv(iam, "batch-upload-gate").table}` },
        ];
      }),
  },
  {
    name: "the processor cannot read the history, delete aggregates or publish to the alert topic",
    calls: (iam) =>
      when(iam, FN, "realtime-processor", () => {
        const role = iam.functionRole("realtime-processor");
        const env = (iam.inputsOf(FN, "realtime-processor")["environment"] as { variables: Record<string, string> }).variables;
        return [
          { principal: role, action: "s3:GetObject", resource: `${iam.arnOf(BUCKET, "realtime-quarantine")}/quarantine/dt=2026-11-28/x.ndjson` },
          { principal: role, action: "dynamodb:DeleteItem", resource: `arn:aws:dynamodb:${iam.region}:${ACCOUNT}:table/${env["AGGREGATES_TABLE"]}` },
          { principal: role, action: "dynamodb:DeleteTable", resource: `arn:aws:dynamodb:${iam.region}:${ACCOUNT}:table/${env["AGGREGATES_TABLE"]}` },
          { principal: role, action: "sns:Publish", resource: topicArn(iam) },
          { principal: role, action: "kinesis:PutRecord", resource: iam.arnOf("aws:kinesis/stream:Stream", "realtime-transactions") },
          { principal: role, action: "kms:ScheduleKeyDeletion", resource: coreKey(iam) },
        ];
      }),
  },
  {
    name: "the report function cannot write the history or start queries in another workgroup",
    calls: (iam) =>
      when(iam, FN, "realtime-report", () => {
        const role = iam.functionRole("realtime-report");
        return [
          { principal: role, action: "s3:PutObject", resource: `${iam.arnOf(BUCKET, "realtime-history")}/history/x.parquet` },
          { principal: role, action: "s3:DeleteObject", resource: `${iam.arnOf(BUCKET, "realtime-history")}/history/x.parquet` },
          { principal: role, action: "athena:StartQueryExecution", resource: `arn:aws:athena:${iam.region}:${ACCOUNT}:workgroup/primary` },
          { principal: role, action: "glue:DeleteTable", resource: `arn:aws:glue:${iam.region}:${ACCOUNT}:catalog` },
        ];
      }),
  },
  {
    name: "the file check cannot write outside its bucket",
    calls: (iam) => when(iam, FN, "batch-file-check", () => [{ principal: iam.functionRole("batch-file-check"), action: "s3:PutObject", resource: `${iam.arnOf(BUCKET, "batch-enriched")}/kpis/x.json` }]),
  },
  {
    name: "the Firehose delivery role cannot delete history or read the quarantine",
    calls: (iam) =>
      when(iam, ROLE, "realtime-history-delivery-role", () => {
        const role = roleArn(iam, "realtime-history-delivery-role");
        return [
          { principal: role, action: "s3:DeleteObject", resource: `${iam.arnOf(BUCKET, "realtime-history")}/history/x.parquet` },
          { principal: role, action: "s3:GetObject", resource: `${iam.arnOf(BUCKET, "realtime-quarantine")}/quarantine/x.ndjson` },
        ];
      }),
  },
  {
    name: "the report scheduler can invoke only the report function",
    calls: (iam) => when(iam, ROLE, "realtime-report-scheduler-role", () => [{ principal: roleArn(iam, "realtime-report-scheduler-role"), action: "lambda:InvokeFunction", resource: iam.arnOf(FN, "realtime-processor") }]),
  },
  {
    name: "another service cannot publish to the topic, nor use the key",
    calls: (iam) => [
      { principal: "s3.amazonaws.com", action: "sns:Publish", resource: topicArn(iam), context: { "aws:SourceAccount": ACCOUNT } },
      { principal: "budgets.amazonaws.com", action: "sns:Publish", resource: topicArn(iam), context: { "aws:SourceAccount": "999999999999" } },
      { principal: "s3.amazonaws.com", action: "kms:Decrypt", resource: coreKey(iam), context: { "aws:SourceAccount": ACCOUNT } },
    ],
  },
  {
    name: "Step Functions cannot read another principal's Data API statements",
    calls: (iam) =>
      when(iam, ROLE, "batch-orchestration-role", () => {
        const roleId = String(iam.outputOf(ROLE, "batch-orchestration-role", "uniqueId"));
        const context = { "aws:userid": `${roleId}:execution-b`, "redshift-data:statement-owner-iam-userid": "AROAOTHERROLE0000000:someone" };
        return [{ principal: roleArn(iam, "batch-orchestration-role"), action: "redshift-data:DescribeStatement", resource: "*", context }];
      }),
  },
  {
    name: "S3 cannot invoke the file check for another bucket",
    calls: (iam) => when(iam, FN, "batch-file-check", () => [{ principal: "s3.amazonaws.com", action: "lambda:InvokeFunction", resource: iam.arnOf(FN, "batch-file-check"), context: { "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket", "aws:SourceAccount": ACCOUNT } }]),
  },
  {
    name: "the logging service cannot write another account's bucket logs into the log bucket, nor anyone else",
    calls: (iam) => [
      ...accessLogDeliveries(iam, "999999999999"),
      { principal: "s3.amazonaws.com", action: "s3:PutObject", resource: `${iam.arnOf(BUCKET, "core-access-logs")}/realtime-history/x`, context: { "aws:SourceAccount": ACCOUNT } },
    ],
  },
  {
    name: "QuickSight's data source role cannot read the quarantine, write the history or query another workgroup",
    calls: (iam) =>
      when(iam, ROLE, "realtime-quicksight-athena-role", () => {
        const role = roleArn(iam, "realtime-quicksight-athena-role");
        return [
          { principal: role, action: "s3:GetObject", resource: `${iam.arnOf(BUCKET, "realtime-quarantine")}/quarantine/x.ndjson` },
          { principal: role, action: "s3:PutObject", resource: `${iam.arnOf(BUCKET, "realtime-history")}/history/x.parquet` },
          { principal: role, action: "athena:StartQueryExecution", resource: `arn:aws:athena:${iam.region}:${ACCOUNT}:workgroup/primary` },
        ];
      }),
  },
];

/** The IAM action of an SDK operation where the names differ (the Service Authorization Reference's). */
const OPERATION_ACTIONS: Readonly<Record<string, string>> = { "S3Client ListObjectsCommand": "s3:ListBucket", "S3Client ListObjectsV2Command": "s3:ListBucket" };

/**
 * What the operator's tools (the replays, ./recorder.ts OPERATOR_FOLDERS) did in the emulator tests, as
 * (action, resource) pairs on the stack's resources: the permissions the operator's credentials need.
 * The quarantine bucket holds quarantine/ and failed-deliveries/; any other key is the history's.
 */
export function operatorCalls(iam: StackIam, recorded: readonly RecordedCall[]): { action: string; resource: string }[] {
  if (!iam.has(FN, "realtime-processor")) return [];
  const service: Readonly<Record<string, string>> = { DynamoDBClient: "dynamodb", S3Client: "s3", KinesisClient: "kinesis", SQSClient: "sqs" };
  const out: { action: string; resource: string }[] = [];
  for (const c of recorded.filter((r) => OPERATOR_FOLDERS.has(r.fn))) {
    const prefix = service[c.client];
    if (!prefix) throw new Error(`no stack mapping for the operator's ${c.client} ${c.command}`);
    const action = OPERATION_ACTIONS[`${c.client} ${c.command}`] ?? `${prefix}:${c.command.replace(/Command$/, "")}`;
    const key = typeof c.input["Key"] === "string" ? c.input["Key"] : "";
    const bucket = c.command.startsWith("List") || /^(quarantine|failed-deliveries)\//.test(key) ? "realtime-quarantine" : "realtime-history";
    const resource = {
      dynamodb: () => iam.arnOf("aws:dynamodb/table:Table", "realtime-aggregates"),
      // Objects as a policy names them: the key's first folder, then *.
      s3: () => (action === "s3:ListBucket" ? iam.arnOf(BUCKET, bucket) : `${iam.arnOf(BUCKET, bucket)}/${key.includes("/") ? `${key.split("/")[0]}/` : ""}*`),
      kinesis: () => iam.arnOf("aws:kinesis/stream:Stream", "realtime-transactions"),
      sqs: () => iam.arnOf("aws:sqs/queue:Queue", "realtime-failed-batches"),
    }[prefix as "dynamodb" | "s3" | "kinesis" | "sqs"]();
    out.push({ action, resource });
  }
  return [...new Map(out.map((o) => [`${o.action} ${o.resource}`, o])).values()];
}
