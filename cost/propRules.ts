/**
 * What AWS accepts for each prop that changes a price, by type token: the
 * range and type of a number, or the values of a string. `platform cost
 * resource --props` checks these before pricing, the way usage is checked, so
 * a value AWS would refuse (Lambda memory -512 MB) is an error, not a line
 * silently priced at zero. Data, with the AWS page each rule comes from, as of
 * {@link PROP_RULES_AS_OF}.
 */
import { LOG_RETENTION_DAYS } from "../model/awsLimits";
import { GLUE_WORKER_DPU } from "./estimators/glue";

export const PROP_RULES_AS_OF = "2026-12-01";

export type PropRule =
  | { readonly kind: "integer" | "number"; readonly min?: number; readonly max?: number; readonly also?: readonly number[]; readonly steps?: readonly { from: number; to: number; step: number }[]; readonly source: string }
  | { readonly kind: "enum"; readonly values: readonly (string | number)[]; readonly source: string }
  | { readonly kind: "boolean"; readonly source: string }
  | { readonly kind: "list"; readonly of: readonly string[]; readonly length?: number; readonly source: string };

const API = {
  lambda: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
  lambdaQuotas: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
  lambdaConcurrency: "https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html",
  kinesis: "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html",
  kinesisRetention: "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DecreaseStreamRetentionPeriod.html",
  dynamodb: "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ProvisionedThroughput.html",
  dynamodbTable: "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html",
  athena: "https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html",
  redshift: "https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-capacity.html",
  glue: "https://docs.aws.amazon.com/glue/latest/webapi/API_CreateJob.html",
  logs: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  alarm: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  sqs: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html",
  sns: "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html",
  sfn: "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html",
  quicksight: "https://docs.aws.amazon.com/quicksight/latest/APIReference/API_CreateDataSet.html",
  vpcEndpoint: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html",
} as const;

export const PROP_RULES: Readonly<Record<string, Readonly<Record<string, PropRule>>>> = {
  "aws:lambda/function:Function": {
    memorySize: { kind: "integer", min: 128, max: 10_240, source: API.lambda },
    timeout: { kind: "integer", min: 1, max: 900, source: API.lambdaQuotas },
    // -1 is the Pulumi provider's "no reserved concurrency"; 0 and up are reserved executions.
    reservedConcurrentExecutions: { kind: "integer", min: -1, source: API.lambdaConcurrency },
    architectures: { kind: "list", of: ["x86_64", "arm64"], length: 1, source: API.lambda },
  },
  "aws:kinesis/stream:Stream": {
    shardCount: { kind: "integer", min: 1, source: API.kinesis },
    retentionPeriod: { kind: "integer", min: 24, max: 8760, source: API.kinesisRetention },
    "streamModeDetails.streamMode": { kind: "enum", values: ["PROVISIONED", "ON_DEMAND"], source: API.kinesis },
  },
  "aws:dynamodb/table:Table": {
    billingMode: { kind: "enum", values: ["PROVISIONED", "PAY_PER_REQUEST"], source: API.dynamodbTable },
    readCapacity: { kind: "integer", min: 1, source: API.dynamodb },
    writeCapacity: { kind: "integer", min: 1, source: API.dynamodb },
    "pointInTimeRecovery.enabled": { kind: "boolean", source: API.dynamodbTable },
  },
  "aws:athena/workgroup:Workgroup": {
    "configuration.bytesScannedCutoffPerQuery": { kind: "integer", min: 10_000_000, source: API.athena },
  },
  "aws:redshiftserverless/workgroup:Workgroup": {
    // 4, or 8 to 512 in steps of 8, or 512 to 1024 in steps of 32 (1024 in some regions only).
    baseCapacity: { kind: "integer", min: 4, max: 1024, also: [4], steps: [{ from: 8, to: 512, step: 8 }, { from: 512, to: 1024, step: 32 }], source: API.redshift },
    maxCapacity: { kind: "integer", min: 4, source: API.redshift },
  },
  "aws:glue/job:Job": {
    numberOfWorkers: { kind: "integer", min: 1, source: API.glue },
    workerType: { kind: "enum", values: Object.keys(GLUE_WORKER_DPU), source: API.glue },
    maxCapacity: { kind: "number", min: 0.0625, max: 100, source: API.glue },
    timeout: { kind: "integer", min: 1, source: API.glue },
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    // 0 is the Pulumi provider's "never expire".
    retentionInDays: { kind: "enum", values: [0, ...LOG_RETENTION_DAYS], source: API.logs },
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    // 10, 20, 30 (high resolution) or any multiple of 60.
    period: { kind: "integer", min: 10, also: [10, 20, 30], steps: [{ from: 60, to: Number.MAX_SAFE_INTEGER, step: 60 }], source: API.alarm },
  },
  "aws:sqs/queue:Queue": { fifoQueue: { kind: "boolean", source: API.sqs } },
  "aws:sns/topicSubscription:TopicSubscription": {
    protocol: { kind: "enum", values: ["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"], source: API.sns },
  },
  "aws:sfn/stateMachine:StateMachine": { type: { kind: "enum", values: ["STANDARD", "EXPRESS"], source: API.sfn } },
  "aws:quicksight/dataSet:DataSet": { importMode: { kind: "enum", values: ["SPICE", "DIRECT_QUERY"], source: API.quicksight } },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    vpcEndpointType: { kind: "enum", values: ["Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork"], source: API.vpcEndpoint },
  },
};

/** The rule a value breaks, as the words after "must be", or undefined when AWS accepts it. */
export function propViolation(rule: PropRule, value: unknown): string | undefined {
  switch (rule.kind) {
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false" ? undefined : "true or false";
    case "enum":
      return rule.values.includes(value as string | number) ? undefined : `one of ${rule.values.join(", ")}`;
    case "list": {
      const ok = Array.isArray(value) && (rule.length === undefined || value.length === rule.length) && value.every((v) => rule.of.includes(v as string));
      return ok ? undefined : `a list of ${rule.length === 1 ? "exactly one" : "values"} of ${rule.of.join(", ")}`;
    }
    default:
      return numberViolation(rule, value);
  }
}

function numberViolation(rule: Extract<PropRule, { kind: "integer" | "number" }>, value: unknown): string | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  const what = rule.kind === "integer" ? "an integer" : "a number";
  const range = rule.min !== undefined && rule.max !== undefined ? ` from ${rule.min} to ${rule.max}` : rule.min !== undefined ? ` of ${rule.min} or more` : rule.max !== undefined ? ` up to ${rule.max}` : "";
  const allowed = rule.steps ? `${rule.also?.length ? `${rule.also.join(", ")} or ` : ""}${rule.steps.map((s) => (s.to === Number.MAX_SAFE_INTEGER ? `a multiple of ${s.step}` : `${s.from} to ${s.to} in steps of ${s.step}`)).join(", or ")}` : undefined;
  const words = allowed ? `${what}: ${allowed}` : `${what}${range}`;
  if (typeof n !== "number" || !Number.isFinite(n) || (rule.kind === "integer" && !Number.isInteger(n))) return words;
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) return words;
  if (rule.steps && !rule.also?.includes(n) && !rule.steps.some((s) => n >= s.from && n <= s.to && (n - s.from) % s.step === 0)) return words;
  return undefined;
}
