/**
 * Security basics: S3 buckets locked down (public access block, SSE, TLS-only
 * policy, versioning where required), encryption at rest on streams, tables,
 * queues and topics, DynamoDB point-in-time recovery, least-privilege IAM, and
 * no deprecated Lambda runtime (judged against policies/data/lambda-runtimes.json).
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import runtimeData from "./data/lambda-runtimes.json";
import { checkEach, IamStatement, iamStatements, IAM_POLICY_DOCUMENTS, jsonOrObject, peek, referrers, reportCannotVerify, resourcesOfType, statementLabel } from "./common";
import { accessLogTargets, BUCKET_TYPES } from "./audit";
import { today } from "./clock";

// ---- S3 ---------------------------------------------------------------------------------------


/** What a bucket rule checks: the bucket, the resources that configure it, whether it receives server access logs. */
type BucketCheck = (bucket: PolicyResource, related: (types: readonly string[]) => PolicyResource[], report: ReportViolation, config: Record<string, unknown>, logTarget: boolean) => void;

/** A stack rule over every bucket, given the resources that configure it. */
function bucketPolicy(name: string, description: string, check: BucketCheck, configSchema?: StackValidationPolicy["configSchema"]): StackValidationPolicy {
  return {
    name,
    description,
    ...(configSchema ? { configSchema } : {}),
    validateStack: (args, report) => {
      const config = args.getConfig<Record<string, unknown>>();
      const logTargets = accessLogTargets(args.resources);
      checkEach(resourcesOfType(args.resources, ...BUCKET_TYPES), report, (bucket) =>
        check(bucket, (types) => referrers(args.resources, bucket, types, "bucket"), report, config, logTargets.has(bucket.urn)),
      );
    },
  };
}

export const s3PublicAccessBlock = bucketPolicy(
  "s3-public-access-block",
  "S3 buckets must have a public access block with all four flags set.",
  (bucket, related, report) => {
    const blocks = related(["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"]);
    const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
    if (blocks.length === 0) {
      report(`S3 bucket ${bucket.name} must have a BucketPublicAccessBlock with ${flags.join(", ")} all true.`, bucket.urn);
      return;
    }
    const missing = flags.filter((f) => !blocks.some((b) => b.props[f] === true));
    if (missing.length > 0) report(`S3 bucket ${bucket.name} public access block must set ${missing.join(", ")} to true.`, bucket.urn);
  },
);

export const s3Encryption = bucketPolicy(
  "s3-encryption",
  "S3 buckets must have default server-side encryption with an allowed algorithm (SSE-KMS by default); a server access log target, SSE-S3 (AES256), the only one S3 delivers access logs to.",
  (bucket, related, report, config, logTarget) => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html: the target bucket's default encryption must be SSE-S3.
    const allowed = logTarget ? ["AES256"] : ((config["allowedAlgorithms"] as string[] | undefined) ?? ["aws:kms", "aws:kms:dsse"]);
    const configs = related([
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ]);
    const rules: unknown[] = configs.flatMap((c) => (Array.isArray(c.props["rules"]) ? (c.props["rules"] as unknown[]) : []));
    const inlineRules = peek(bucket.props, "serverSideEncryptionConfiguration", "rules");
    const inlineRule = peek(bucket.props, "serverSideEncryptionConfiguration", "rule");
    if (Array.isArray(inlineRules)) rules.push(...(inlineRules as unknown[]));
    else if (inlineRule !== undefined) rules.push(inlineRule);
    const algorithms = rules.map((r) => peek(r, "applyServerSideEncryptionByDefault", "sseAlgorithm")).filter((a): a is string => typeof a === "string");
    const why = logTarget ? " as a server access log target (S3 delivers access logs to SSE-S3 buckets only)" : "";
    if (algorithms.length === 0) report(`S3 bucket ${bucket.name} must have default server-side encryption (${allowed.join(" or ")})${why}.`, bucket.urn);
    else if (!algorithms.some((a) => allowed.includes(a))) report(`S3 bucket ${bucket.name} encryption must use ${allowed.join(" or ")}${why} (got ${algorithms.join(", ")}).`, bucket.urn);
  },
  { properties: { allowedAlgorithms: { type: "array", items: { type: "string", enum: ["AES256", "aws:kms", "aws:kms:dsse"] }, minItems: 1, default: ["aws:kms", "aws:kms:dsse"] } } },
);

/** True when the document denies every request made without TLS. */
export function deniesInsecureTransport(document: unknown): boolean {
  const doc = jsonOrObject(document);
  const raw = peek(doc, "Statement");
  const statements = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return statements.some((s: Record<string, unknown>) => {
    if (s["Effect"] !== "Deny") return false;
    const principal = s["Principal"];
    const anyone = principal === "*" || (typeof principal === "object" && principal !== null && [(principal as Record<string, unknown>)["AWS"]].flat().includes("*"));
    const actions = [s["Action"]].flat();
    const allActions = actions.includes("s3:*") || actions.includes("*");
    const secure = peek(s, "Condition", "Bool", "aws:SecureTransport");
    return anyone && allActions && (secure === false || secure === "false" || (Array.isArray(secure) && secure.map(String).includes("false")));
  });
}

export const s3TlsOnly = bucketPolicy("s3-tls-only", "S3 buckets must have a bucket policy that denies requests without TLS (aws:SecureTransport false).", (bucket, related, report) => {
  const policies = related(["aws:s3/bucketPolicy:BucketPolicy"]);
  if (!policies.some((p) => deniesInsecureTransport(p.props["policy"])) && !deniesInsecureTransport(bucket.props["policy"])) {
    report(`S3 bucket ${bucket.name} must have a bucket policy denying s3:* to everyone when aws:SecureTransport is false.`, bucket.urn);
  }
});

export const s3Versioning = bucketPolicy("s3-versioning", "S3 buckets must have versioning enabled.", (bucket, related, report) => {
  const versioning = related(["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"]);
  const enabled = versioning.some((v) => peek(v.props, "versioningConfiguration", "status") === "Enabled") || peek(bucket.props, "versioning", "enabled") === true;
  if (!enabled) report(`S3 bucket ${bucket.name} must have versioning enabled (a BucketVersioning with status Enabled).`, bucket.urn);
});

// ---- Encryption at rest -----------------------------------------------------------------------

/** One rule per resource type: what "encrypted" means for it. */
const ENCRYPTION_RULES: readonly { type: string; label: string; encrypted: (p: Record<string, unknown>) => boolean; fix: string }[] = [
  { type: "aws:kinesis/stream:Stream", label: "Kinesis stream", encrypted: (p) => p["encryptionType"] === "KMS", fix: 'encryptionType "KMS" with a kmsKeyId' },
  { type: "aws:dynamodb/table:Table", label: "DynamoDB table", encrypted: (p) => peek(p, "serverSideEncryption", "enabled") === true, fix: "serverSideEncryption.enabled true (customer-managed KMS key)" },
  { type: "aws:sqs/queue:Queue", label: "SQS queue", encrypted: (p) => Boolean(p["kmsMasterKeyId"]) || p["sqsManagedSseEnabled"] === true, fix: "kmsMasterKeyId (or sqsManagedSseEnabled true)" },
  { type: "aws:sns/topic:Topic", label: "SNS topic", encrypted: (p) => Boolean(p["kmsMasterKeyId"]), fix: "kmsMasterKeyId" },
];

export const encryptionAtRest: ResourceValidationPolicy = {
  name: "encryption-at-rest",
  description: "Kinesis streams, DynamoDB tables, SQS queues and SNS topics must be encrypted at rest.",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const rule = ENCRYPTION_RULES.find((r) => r.type === args.type);
    if (!rule) return args.notApplicable(`Policy only applies to ${ENCRYPTION_RULES.map((r) => r.type).join(", ")}`);
    if (!rule.encrypted(args.props)) report(`${rule.label} ${args.name} must be encrypted at rest: set ${rule.fix}.`);
  },
};

export const dynamodbPointInTimeRecovery: ResourceValidationPolicy = {
  name: "dynamodb-point-in-time-recovery",
  description: "DynamoDB tables must have point-in-time recovery enabled.",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, report) => {
    if (table.pointInTimeRecovery?.enabled !== true) report(`DynamoDB table ${args.name} must enable pointInTimeRecovery.`);
  }),
};

// ---- IAM --------------------------------------------------------------------------------------

/** Runs `check` on each identity policy document of an IAM resource. */
function iamDocumentPolicy(name: string, description: string, check: (args: ResourceValidationArgs, report: ReportViolation) => void, configSchema?: ResourceValidationPolicy["configSchema"]): ResourceValidationPolicy {
  return {
    name,
    description,
    ...(configSchema ? { configSchema } : {}),
    validateResource: (args, report) => {
      if (!IAM_POLICY_DOCUMENTS[args.type]) return args.notApplicable("Policy only applies to IAM identity policies");
      check(args, report);
    },
  };
}

function eachStatement(args: ResourceValidationArgs, report: ReportViolation, fn: (s: IamStatement, label: string) => void): void {
  for (const doc of IAM_POLICY_DOCUMENTS[args.type](args.props)) {
    const statements = iamStatements(doc);
    if (statements === undefined) {
      reportCannotVerify(report, args.urn, `${args.name} policy document is not readable JSON`);
      continue;
    }
    statements.forEach((s, i) => {
      if (s.effect === "Allow") fn(s, statementLabel(s, i));
    });
  }
}

export const iamNoWildcardAction: ResourceValidationPolicy = iamDocumentPolicy(
  "iam-no-wildcard-action",
  "IAM policies must not allow `*` or `service:*` actions (or NotAction).",
  (args, report) =>
    eachStatement(args, report, (s, label) => {
      if (s.notAction) report(`IAM policy ${args.name} ${label} must list actions, not NotAction.`);
      const wild = s.actions.filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
      if (!s.notAction && wild.length > 0) report(`IAM policy ${args.name} ${label} must not allow wildcard action ${wild.join(", ")}.`);
    }),
);

/** Verbs that only read; anything else is a write. */
const READ_VERBS = /^(Get|List|Describe|BatchGet|Query|Scan|Search|Lookup|Select|View|Head|Check|Validate|Filter)/;

export const iamNoWildcardResourceWrite: ResourceValidationPolicy = iamDocumentPolicy(
  "iam-no-wildcard-resource-write",
  "IAM policies must scope write actions to resources: no `*` resource on writes, except listed actions that AWS cannot scope.",
  (args, report) => {
    const allowed = args.getConfig<{ allowedActions: string[] }>().allowedActions ?? [];
    eachStatement(args, report, (s, label) => {
      if (!s.resources.includes("*")) return;
      const writes = s.notAction ? ["(NotAction)"] : s.actions.filter((a) => !allowed.includes(a) && !READ_VERBS.test(a.split(":")[1] ?? ""));
      if (writes.length > 0) report(`IAM policy ${args.name} ${label} must not allow ${writes.join(", ")} on resource "*" (scope them to ARNs).`);
    });
  },
  {
    properties: {
      allowedActions: {
        type: "array",
        items: { type: "string", pattern: "^[a-z0-9-]+:[A-Za-z0-9*]+$" },
        // AWS authorizes these on no resource type (Service Authorization Reference; test/iam checks every grant).
        default: ["cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "glue:StartCrawlerSchedule", "glue:StopCrawlerSchedule", "redshift-serverless:UpdateUsageLimit"],
      },
    },
  },
);

// ---- Lambda runtimes --------------------------------------------------------------------------

export const LAMBDA_RUNTIMES: Readonly<Record<string, string>> = runtimeData.runtimes;
export const LAMBDA_RUNTIMES_SOURCE = { url: runtimeData.source, asOf: runtimeData.asOf };

export const lambdaRuntimeSupported: ResourceValidationPolicy = {
  name: "lambda-runtime-supported",
  description: `Lambda functions must not use a deprecated runtime (dates from ${runtimeData.source}, as of ${runtimeData.asOf}).`,
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    const runtime = fn.runtime;
    if (runtime === undefined || runtime === null) return; // container image: no managed runtime
    const deprecatedOn = LAMBDA_RUNTIMES[runtime];
    if (deprecatedOn === undefined) {
      reportCannotVerify(report, args.urn, `runtime ${runtime} of ${args.name} is not in policies/data/lambda-runtimes.json (as of ${runtimeData.asOf})`);
      return;
    }
    if (deprecatedOn <= today()) report(`Lambda function ${args.name} must not use runtime ${runtime}: deprecated since ${deprecatedOn}.`);
  }),
};

export const securityPolicies = [
  s3PublicAccessBlock,
  s3Encryption,
  s3TlsOnly,
  s3Versioning,
  encryptionAtRest,
  dynamodbPointInTimeRecovery,
  iamNoWildcardAction,
  iamNoWildcardResourceWrite,
  lambdaRuntimeSupported,
];
