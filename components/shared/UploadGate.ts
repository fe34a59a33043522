/**
 * The upload gate in front of a landing zone (P1 raw, P3 RAW): producers POST
 * {fileName, sizeBytes} to an API Gateway REST API with their API key and get
 * one presigned PUT URL for a fresh key under the landing prefix
 * (functions/upload-gate). What bounds the zone, and what does not:
 *
 * - the hard bound on files is the function's DynamoDB counter per UTC day,
 *   taken with a conditional update (`n < maxFilesPerDay`);
 * - the bound on bytes is the signed Content-Length (refused above maxFileMb);
 * - the landing bucket's policy lets no principal but the gate's role put
 *   objects under the prefix, and none without `If-None-Match` (no overwrite),
 *   so one URL makes at most one object (SecureBucket `gatedUploads`);
 * - the usage plan's throttle and daily quota keep a leaked key cheap, but AWS
 *   applies them on a best-effort basis ("Usage plan throttling and quotas are
 *   not hard limits ... Don't rely on usage plan quotas or throttling to control
 *   costs"), so no bound rests on them.
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
 *
 * Build it in two steps, because the bucket's policy names the gate's role:
 * `uploadGateRole(name)` first, the bucket with `gatedUploads`, then the gate.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveUploadLimits, UploadLimits } from "../../environments";
import { lambdaErrorsAlarm } from "./alarms";
import { ChildOptions, PipelineEnvironmentArgs } from "./context";
import { lambdaRole, PlatformFunction } from "./PlatformFunction";
import { SecureBucket } from "./SecureBucket";

const MB = 1024 * 1024;

export interface UploadGateArgs {
  readonly bucket: SecureBucket;
  /** Key prefix uploads land under, e.g. "incoming/". */
  readonly prefix: string;
  /** From `uploadGateRole`: the role the bucket's policy lets write. */
  readonly role: aws.iam.Role;
  readonly limits: UploadLimits;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  /** Failed invocations alert here (producers would get 5XX and no URL). */
  readonly alertTopicArn: pulumi.Input<string>;
  readonly protection: { readonly pointInTimeRecovery: boolean; readonly deletionProtection: boolean };
}

/** The gate's execution role, created before the landing bucket whose policy names it. */
export function uploadGateRole(name: string, opts: ChildOptions): aws.iam.Role {
  return lambdaRole(name, opts);
}

/** A pipeline's gate, with the stack's upload limits (platform:uploads, else derived from its workload). */
export function pipelineUploadGate(name: string, target: { bucket: SecureBucket; prefix: string; role: aws.iam.Role }, args: PipelineEnvironmentArgs, opts: ChildOptions): UploadGate {
  return new UploadGate(name, {
    ...target,
    limits: args.uploads ?? resolveUploadLimits(undefined, args.workload),
    kmsKeyArn: args.kmsKeyArn,
    logRetentionDays: args.operations.logRetentionDays,
    alertTopicArn: args.alertTopicArn,
    protection: args.protection,
  }, opts);
}

/** Requests a second the stage and the usage plan let through: enough for a day's files with 100x headroom, at least 1. Pure. */
export function gateRatePerSecond(limits: UploadLimits): number {
  return Math.max(1, Math.ceil((limits.maxFilesPerDay * 100) / 86_400));
}

export class UploadGate extends pulumi.ComponentResource {
  public readonly function: PlatformFunction;
  public readonly slots: aws.dynamodb.Table;
  public readonly api: aws.apigateway.RestApi;
  public readonly apiKey: aws.apigateway.ApiKey;
  /** POST here: https://<api>.execute-api.<region>.amazonaws.com/v1/uploads */
  public readonly url: pulumi.Output<string>;

  public constructor(name: string, args: UploadGateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:storage:UploadGate", name, {}, opts);
    const parent = { parent: this };
    this.slots = new aws.dynamodb.Table(`${name}-slots`, {
      billingMode: "PAY_PER_REQUEST",
      // One conditional update per granted URL: 5 WRU/s is far above any day's files, and bounds the table's cost.
      onDemandThroughput: { maxWriteRequestUnits: 5, maxReadRequestUnits: 1 },
      hashKey: "day",
      attributes: [{ name: "day", type: "S" }],
      ttl: { attributeName: "expiresAt", enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
      pointInTimeRecovery: { enabled: args.protection.pointInTimeRecovery },
      deletionProtectionEnabled: args.protection.deletionProtection,
    }, parent);
    this.function = new PlatformFunction(name, {
      code: "upload-gate",
      description: `Grants at most ${args.limits.maxFilesPerDay} presigned upload URLs a UTC day into ${args.prefix}`,
      memoryMb: 256,
      timeoutSeconds: 10,
      reservedConcurrency: 2,
      logRetentionDays: args.logRetentionDays,
      kmsKeyArn: args.kmsKeyArn,
      role: args.role,
      environment: {
        LANDING_BUCKET: args.bucket.bucketName,
        LANDING_PREFIX: args.prefix,
        SLOTS_TABLE: this.slots.name,
        MAX_FILES_PER_DAY: String(args.limits.maxFilesPerDay),
        MAX_FILE_BYTES: String(args.limits.maxFileMb * MB),
        URL_EXPIRY_SECONDS: String(args.limits.urlExpirySeconds),
        POWERTOOLS_SERVICE_NAME: name,
      },
      statements: [
        { sid: "TakeDailySlot", actions: ["dynamodb:UpdateItem"], resources: [this.slots.arn] },
        // What the presigned URLs do, as this role: one PUT under the landing prefix.
        { sid: "SignLandingUploads", actions: ["s3:PutObject"], resources: [pulumi.interpolate`${args.bucket.arn}/${args.prefix}*`] },
        { sid: "EncryptUploads", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [args.kmsKeyArn] },
      ],
    }, parent);
    lambdaErrorsAlarm(`${name}-errors`, args.alertTopicArn, {
      description: "The upload gate failed invocations: producers get no upload URL",
      functionName: this.function.functionName,
    }, parent);
    ({ api: this.api, apiKey: this.apiKey, url: this.url } = gateApi(name, this.function, args.limits, parent));
    this.registerOutputs({ url: this.url, apiKeyId: this.apiKey.id, functionName: this.function.functionName });
  }
}

/** The REST API: POST /uploads (API key required) -> the function, a stage throttle, a usage plan and one key. */
function gateApi(name: string, fn: PlatformFunction, limits: UploadLimits, opts: ChildOptions) {
  const api = new aws.apigateway.RestApi(`${name}-api`, { description: "Upload gate: presigned PUT URLs into a landing zone", endpointConfiguration: { types: "REGIONAL" } }, opts);
  const resource = new aws.apigateway.Resource(`${name}-uploads`, { restApi: api.id, parentId: api.rootResourceId, pathPart: "uploads" }, opts);
  const method = new aws.apigateway.Method(`${name}-post`, { restApi: api.id, resourceId: resource.id, httpMethod: "POST", authorization: "NONE", apiKeyRequired: true }, opts);
  const integration = new aws.apigateway.Integration(`${name}-to-function`, {
    restApi: api.id,
    resourceId: resource.id,
    httpMethod: method.httpMethod,
    type: "AWS_PROXY",
    integrationHttpMethod: "POST",
    uri: fn.function.invokeArn,
  }, opts);
  new aws.lambda.Permission(`${name}-from-api`, { action: "lambda:InvokeFunction", function: fn.functionName, principal: "apigateway.amazonaws.com", sourceArn: pulumi.interpolate`${api.executionArn}/*/POST/uploads` }, opts);
  const deployment = new aws.apigateway.Deployment(`${name}-deployment`, { restApi: api.id, triggers: { integration: integration.id, method: method.id } }, { ...opts, dependsOn: [integration] });
  const stage = new aws.apigateway.Stage(`${name}-stage`, { restApi: api.id, deployment: deployment.id, stageName: "v1" }, opts);
  const rate = gateRatePerSecond(limits);
  new aws.apigateway.MethodSettings(`${name}-throttle`, {
    restApi: api.id,
    stageName: stage.stageName,
    methodPath: "*/*",
    settings: { throttlingRateLimit: rate, throttlingBurstLimit: 2 * rate, metricsEnabled: false },
  }, opts);
  // Best effort (see the header): a leaked key's daily requests, not the bound on files.
  const plan = new aws.apigateway.UsagePlan(`${name}-plan`, {
    description: "Producers of the landing zone",
    apiStages: [{ apiId: api.id, stage: stage.stageName }],
    throttleSettings: { rateLimit: rate, burstLimit: 2 * rate },
    quotaSettings: { limit: 10 * limits.maxFilesPerDay, period: "DAY" },
  }, opts);
  const apiKey = new aws.apigateway.ApiKey(`${name}-key`, { description: "Producers' key; rotate by replacing it", enabled: true }, opts);
  new aws.apigateway.UsagePlanKey(`${name}-plan-key`, { keyId: apiKey.id, keyType: "API_KEY", usagePlanId: plan.id }, opts);
  return { api, apiKey, url: pulumi.interpolate`${stage.invokeUrl}/uploads` };
}
