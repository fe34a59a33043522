/**
 * An S3 bucket with the platform's non-negotiables: SSE-KMS with a bucket key,
 * all four public-access-block flags, bucket-owner-enforced ownership, a
 * TLS-only bucket policy, optional versioning, lifecycle rules that move
 * data to cheaper classes and expire it per retention, and server access
 * logs of every request to the stack's access-log bucket.
 *
 * The access-log bucket itself is a SecureBucket with `serverAccessLogTarget`:
 * SSE-S3 instead of SSE-KMS, because S3 delivers server access logs only to a
 * target whose default encryption is SSE-S3, and a policy letting the logging
 * service write there for this account's buckets (no ACLs: ownership is
 * bucket-owner-enforced).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Protection } from "../../environments";

export interface LifecycleRule {
  /** Rule id, unique per bucket. */
  readonly id: string;
  /** Key prefix the rule applies to; the whole bucket when omitted. */
  readonly prefix?: string;
  /** Move current objects to STANDARD_IA after this many days (AWS minimum 30). */
  readonly infrequentAccessAfterDays?: number;
  /** Move current objects to GLACIER_IR after this many days. */
  readonly glacierAfterDays?: number;
  /** Delete objects after this many days (the retention). */
  readonly expireAfterDays: number;
}

/** Where a bucket's server access logs go: the log bucket and the key prefix (`<bucket name>/`). */
export interface AccessLogDestination {
  readonly targetBucket: pulumi.Input<string>;
  readonly targetPrefix: string;
}

export interface SecureBucketArgs {
  /** KMS key for SSE-KMS (every bucket but the access-log target). */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Log every request to this bucket there (every bucket that holds customer data). */
  readonly accessLogs?: AccessLogDestination;
  /** This bucket receives server access logs from this account's buckets: SSE-S3 and the logging service's grant. */
  readonly serverAccessLogTarget?: { readonly accountId: pulumi.Input<string> };
  /** Keep object versions (prod). Noncurrent versions expire after `noncurrentVersionDays`. */
  readonly versioning: boolean;
  readonly noncurrentVersionDays?: number;
  /** Let `pulumi destroy` delete a non-empty bucket (dev only). */
  readonly forceDestroy: boolean;
  /** At least one rule: every bucket expires what it holds. */
  readonly lifecycle: readonly LifecycleRule[];
  /** A landing zone behind an upload gate: only the gate's role may put objects under the prefix, and only conditionally. */
  readonly gatedUploads?: GatedUploads;
}

/** Who may write a landing prefix: the upload gate's role (whose presigned URLs act as it). */
export interface GatedUploads {
  /** Key prefix of the landing zone, e.g. "incoming/". */
  readonly prefix: string;
  readonly writerRoleArn: pulumi.Input<string>;
}

/** Checks args before any resource exists; exported so tests can call it without the engine. */
export function validateSecureBucketArgs(name: string, args: SecureBucketArgs): void {
  if (args.serverAccessLogTarget) {
    if (args.kmsKeyArn !== undefined) throw new Error(`SecureBucket ${name}: a server access log target must use SSE-S3 (S3 delivers access logs to no SSE-KMS bucket), not kmsKeyArn`);
    if (args.accessLogs) throw new Error(`SecureBucket ${name}: a server access log target must not log to itself or another log bucket`);
  } else if (args.kmsKeyArn === undefined) {
    throw new Error(`SecureBucket ${name}: kmsKeyArn is required (SSE-KMS), unless the bucket is a server access log target`);
  }
  if (args.lifecycle.length === 0) throw new Error(`SecureBucket ${name}: lifecycle must hold at least one rule with an expiration`);
  const ids = new Set<string>();
  for (const rule of args.lifecycle) {
    if (ids.has(rule.id)) throw new Error(`SecureBucket ${name}: lifecycle rule id ${rule.id} is repeated`);
    ids.add(rule.id);
    if (rule.infrequentAccessAfterDays !== undefined && rule.infrequentAccessAfterDays < 30) {
      throw new Error(`SecureBucket ${name}: lifecycle ${rule.id}.infrequentAccessAfterDays must be at least 30 (S3 minimum)`);
    }
    const firstTransition = Math.min(rule.infrequentAccessAfterDays ?? Infinity, rule.glacierAfterDays ?? Infinity);
    if (firstTransition !== Infinity && rule.expireAfterDays <= firstTransition) {
      throw new Error(`SecureBucket ${name}: lifecycle ${rule.id}.expireAfterDays must come after its transitions`);
    }
  }
}

/** Lifecycle rules from a retention: transitions only where the data lives long enough to pay off. */
export function retentionLifecycle(id: string, retentionDays: number, prefix?: string): LifecycleRule {
  return {
    id,
    ...(prefix !== undefined ? { prefix } : {}),
    ...(retentionDays > 60 ? { infrequentAccessAfterDays: 30 } : {}),
    ...(retentionDays > 180 ? { glacierAfterDays: 90 } : {}),
    expireAfterDays: retentionDays,
  };
}

export class SecureBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly arn: pulumi.Output<string>;
  /** The bucket name (its id). */
  public readonly bucketName: pulumi.Output<string>;

  public constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:storage:SecureBucket", name, {}, opts);
    validateSecureBucketArgs(name, args);
    const parent = { parent: this };

    this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, parent);
    this.arn = this.bucket.arn;
    this.bucketName = this.bucket.bucket;

    new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    }, parent);

    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, parent);

    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
      bucket: this.bucket.id,
      rules: [
        args.serverAccessLogTarget
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true },
      ],
    }, parent);

    const logTarget = args.serverAccessLogTarget;
    new aws.s3.BucketPolicy(`${name}-tls-only`, {
      bucket: this.bucket.id,
      policy: pulumi.all([this.bucket.arn, logTarget?.accountId, args.gatedUploads?.writerRoleArn]).apply(([arn, accountId, writerRoleArn]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [arn, `${arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            ...(accountId !== undefined ? [serverAccessLogDelivery(arn, accountId)] : []),
            ...(args.gatedUploads && writerRoleArn !== undefined ? gatedUploadStatements(arn, args.gatedUploads.prefix, writerRoleArn) : []),
          ],
        }),
      ),
    }, { parent: this, dependsOn: [publicAccess] });

    if (args.accessLogs) {
      new aws.s3.BucketLogging(`${name}-access-logs`, {
        bucket: this.bucket.id,
        targetBucket: args.accessLogs.targetBucket,
        targetPrefix: args.accessLogs.targetPrefix,
        // Date-partitioned keys (<prefix><account>/<region>/<bucket>/yyyy/mm/dd/), so Athena can prune.
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      }, parent);
    }

    let versioning: aws.s3.BucketVersioning | undefined;
    if (args.versioning) {
      versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
        bucket: this.bucket.id,
        versioningConfiguration: { status: "Enabled" },
      }, parent);
    }

    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
      bucket: this.bucket.id,
      rules: [
        ...args.lifecycle.map((rule) => ({
          id: rule.id,
          status: "Enabled",
          filter: { prefix: rule.prefix ?? "" },
          transitions: [
            ...(rule.infrequentAccessAfterDays !== undefined ? [{ days: rule.infrequentAccessAfterDays, storageClass: "STANDARD_IA" }] : []),
            ...(rule.glacierAfterDays !== undefined ? [{ days: rule.glacierAfterDays, storageClass: "GLACIER_IR" }] : []),
          ],
          expiration: { days: rule.expireAfterDays },
          ...(args.versioning ? { noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays ?? 30 } } : {}),
        })),
        { id: "abort-incomplete-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
      ],
    }, { parent: this, ...(versioning ? { dependsOn: [versioning] } : {}) });

    this.registerOutputs({ arn: this.arn, bucketName: this.bucketName });
  }
}

/**
 * The logging service's grant on a server access log target, as AWS recommends it (a bucket
 * policy, not the log-delivery ACL): PutObject from this account's buckets only.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general
 */
function serverAccessLogDelivery(arn: string, accountId: string): Record<string, unknown> {
  return {
    Sid: "S3ServerAccessLogsPolicy",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `${arn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/**
 * A gated landing prefix: deny s3:PutObject to every principal but the gate's role (a presigned
 * request acts as the principal that signed it), and deny any PutObject without the
 * `s3:if-none-match` condition key, so no upload can overwrite an object: one URL, one object.
 * Multipart uploads (CreateMultipartUpload carries no conditional header) are refused with them,
 * which is intended: the gate signs single PUTs only.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function gatedUploadStatements(arn: string, prefix: string, writerRoleArn: string): Record<string, unknown>[] {
  const objects = `${arn}/${prefix}*`;
  return [
    { Sid: "DenyLandingUploadsButTheGate", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: objects, Condition: { ArnNotEquals: { "aws:PrincipalArn": writerRoleArn } } },
    { Sid: "DenyLandingOverwrites", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: objects, Condition: { Null: { "s3:if-none-match": "true" } } },
  ];
}

/** What every pipeline bucket takes from its environment: the platform key, the access-log bucket and the stack's protection. */
export interface BucketDefaults {
  readonly kmsKeyArn: pulumi.Input<string>;
  /** From PlatformCore: the bucket that receives every pipeline bucket's server access logs. */
  readonly accessLogBucket: pulumi.Input<string>;
  readonly protection: Pick<Protection, "bucketVersioning" | "forceDestroyBuckets">;
}

/**
 * A pipeline's SecureBucket: versioned and force-destroyable as the stack's
 * protection says. `forceDestroy` overrides it for buckets of derived data only
 * (scripts, temp files, query results) that `pulumi destroy` may always empty.
 */
export function pipelineBucket(
  name: string,
  defaults: BucketDefaults,
  lifecycle: readonly LifecycleRule[],
  opts: pulumi.ComponentResourceOptions,
  overrides: { readonly forceDestroy?: boolean; readonly gatedUploads?: GatedUploads } = {},
): SecureBucket {
  return new SecureBucket(name, {
    kmsKeyArn: defaults.kmsKeyArn,
    // Every pipeline bucket holds customer data or data derived from it.
    accessLogs: { targetBucket: defaults.accessLogBucket, targetPrefix: `${name}/` },
    versioning: defaults.protection.bucketVersioning,
    forceDestroy: overrides.forceDestroy ?? defaults.protection.forceDestroyBuckets,
    lifecycle,
    ...(overrides.gatedUploads ? { gatedUploads: overrides.gatedUploads } : {}),
  }, opts);
}
