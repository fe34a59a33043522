/**
 * Audit and key hygiene, the rules `@pulumi/awsguard` found missing from our
 * pack: KMS keys keep automatic rotation on, and every bucket that holds
 * customer data logs each request (S3 server access logs) to a log bucket.
 * The log bucket's own encryption rule (SSE-S3, the only encryption S3
 * delivers server access logs to) is part of `s3-encryption` (./security.ts).
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { checkEach, identifiersOf, peek, resourcesOfType } from "./common";

// ---- KMS ----------------------------------------------------------------------------------------

/** AWS's bounds on a custom rotation period, days. https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html */
export const KMS_ROTATION_PERIOD_DAYS = { min: 90, max: 2560 } as const;

export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "Symmetric encryption KMS keys must keep automatic key rotation enabled (enableKeyRotation true, a period AWS accepts).",
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, report) => {
    // Only symmetric encryption keys rotate automatically; asymmetric and HMAC keys cannot.
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT") return;
    if (key.enableKeyRotation !== true) {
      report(`KMS key ${args.name} must enable automatic key rotation (enableKeyRotation true): a key that never rotates keeps one key material for all the data it ever protected.`);
      return;
    }
    const period = key.rotationPeriodInDays;
    if (period !== undefined && (period < KMS_ROTATION_PERIOD_DAYS.min || period > KMS_ROTATION_PERIOD_DAYS.max)) {
      report(`KMS key ${args.name} rotationPeriodInDays must be ${KMS_ROTATION_PERIOD_DAYS.min}..${KMS_ROTATION_PERIOD_DAYS.max} (got ${period}).`);
    }
  }),
};

// ---- S3 server access logs ----------------------------------------------------------------------

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const LOGGING_TYPES = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];

/** The tag that declares what a bucket holds; only `no-customer-data` exempts it from access logging. */
export const DATA_CLASSIFICATION_TAG = "data-classification";

/** The stack's buckets, found by URN or by any identifier they are known by, each at its first position. */
interface BucketIndex {
  readonly position: Map<string, number>;
  readonly byIdentifier: Map<string, PolicyResource>;
}

function bucketIndex(buckets: readonly PolicyResource[]): BucketIndex {
  const byIdentifier = new Map<string, PolicyResource>();
  for (const b of buckets) for (const id of identifiersOf(b)) if (!byIdentifier.has(id)) byIdentifier.set(id, b);
  return { position: new Map(buckets.map((b, i) => [b.urn, i])), byIdentifier };
}

/**
 * The bucket the input `key` of `child` names: through the engine's property dependencies for that key (an
 * Output of the bucket; the first in stack order), or, without any, its literal name. Only that key: a
 * BucketLogging depends on both of its buckets. Indexed once per stack: a 10,000-resource preview has hundreds of
 * loggings and buckets, and comparing every pair cost seconds (each unknown input throws inside the proxy).
 */
function bucketNamedBy(child: PolicyResource, key: string, buckets: readonly PolicyResource[], index: BucketIndex): PolicyResource | undefined {
  const deps = (child.propertyDependencies[key] ?? []).map((d) => index.position.get(d.urn)).filter((i): i is number => i !== undefined);
  if (deps.length > 0) return buckets[Math.min(...deps)];
  const v = peek(child.props, key);
  return typeof v === "string" ? index.byIdentifier.get(v) : undefined;
}

/** The logging configurations of the stack, with the buckets they log and write to (when in the stack). */
export function accessLogging(resources: readonly PolicyResource[]): { logging: PolicyResource; source?: PolicyResource; target?: PolicyResource }[] {
  const buckets = resourcesOfType(resources, ...BUCKET_TYPES);
  const index = bucketIndex(buckets);
  return resourcesOfType(resources, ...LOGGING_TYPES).map((logging) => {
    const source = bucketNamedBy(logging, "bucket", buckets, index);
    const target = bucketNamedBy(logging, "targetBucket", buckets, index);
    return { logging, ...(source ? { source } : {}), ...(target ? { target } : {}) };
  });
}

/** The buckets of the stack that receive other buckets' server access logs. */
export function accessLogTargets(resources: readonly PolicyResource[]): Set<string> {
  return logTargetsOf(accessLogging(resources));
}

function logTargetsOf(logging: ReturnType<typeof accessLogging>): Set<string> {
  return new Set(logging.flatMap((l) => (l.target && l.target.urn !== l.source?.urn ? [l.target.urn] : [])));
}

export const s3AccessLogging: StackValidationPolicy = {
  name: "s3-access-logging",
  description: "S3 buckets that hold customer data must log every request (server access logs) to a separate log bucket; only a bucket tagged data-classification=no-customer-data, or a log bucket itself, is exempt.",
  validateStack: (args, report) => {
    const logging = accessLogging(args.resources);
    const targets = logTargetsOf(logging);
    checkEach(resourcesOfType(args.resources, ...BUCKET_TYPES), report, (bucket) => {
      if (targets.has(bucket.urn)) return; // a log bucket logging itself would log its own log deliveries forever
      if (peek(bucket.props, "tags", DATA_CLASSIFICATION_TAG) === "no-customer-data") return;
      const own = logging.filter((l) => l.source?.urn === bucket.urn);
      if (own.length === 0) {
        report(`S3 bucket ${bucket.name} must log data access: add a BucketLogging with a targetBucket (server access logs to the stack's log bucket), or tag it ${DATA_CLASSIFICATION_TAG}=no-customer-data.`, bucket.urn);
      } else if (own.every((l) => l.target?.urn === bucket.urn)) {
        report(`S3 bucket ${bucket.name} must not write its access logs to itself: each delivery would be logged again; use a separate log bucket.`, bucket.urn);
      }
    });
  },
};

export const auditPolicies = [kmsKeyRotation, s3AccessLogging];
