/**
 * Amazon S3: storage per class (S3 Standard tiered), requests and lifecycle
 * transitions. Usage keys follow Infracost's nested `aws_s3_bucket` keys,
 * flattened with dots. https://aws.amazon.com/s3/pricing/
 */
import { Estimator, line, tieredLines, use } from "./types";

/** Storage classes we price: usage prefix -> [catalogue key, transition key, label]. */
export const S3_CLASSES = {
  standard: ["s3.standard.storageGbMonth", undefined, "S3 Standard"],
  standard_infrequent_access: ["s3.standardIa.storageGbMonth", "s3.transition.standardIa", "S3 Standard-IA"],
  glacier_instant_retrieval: ["s3.glacierIr.storageGbMonth", "s3.transition.glacierIr", "S3 Glacier Instant Retrieval"],
  glacier_flexible_retrieval: ["s3.glacierFlexible.storageGbMonth", "s3.transition.glacierFlexible", "S3 Glacier Flexible Retrieval"],
  glacier_deep_archive: ["s3.deepArchive.storageGbMonth", "s3.transition.deepArchive", "S3 Glacier Deep Archive"],
} as const;
export type S3Class = keyof typeof S3_CLASSES;

/** Lifecycle `storageClass` value -> our usage prefix. */
export const LIFECYCLE_CLASS: Readonly<Record<string, S3Class>> = {
  STANDARD_IA: "standard_infrequent_access",
  GLACIER_IR: "glacier_instant_retrieval",
  GLACIER: "glacier_flexible_retrieval",
  DEEP_ARCHIVE: "glacier_deep_archive",
};

const usageKeys: Record<string, string> = {
  "standard.storage_gb": "S3 Standard storage in GB (average over the month).",
  "standard.monthly_tier_1_requests": "PUT, COPY, POST and LIST requests a month.",
  "standard.monthly_tier_2_requests": "GET, SELECT and all other requests a month.",
};
for (const [prefix, [, transition, label]] of Object.entries(S3_CLASSES)) {
  if (prefix === "standard") continue;
  usageKeys[`${prefix}.storage_gb`] = `${label} storage in GB (average over the month).`;
  if (transition) usageKeys[`${prefix}.monthly_lifecycle_transition_requests`] = `Lifecycle transitions into ${label} a month (one per object).`;
}

export const s3Bucket: Estimator = {
  usageKeys,
  price({ usage, prices }) {
    const lines = [
      ...tieredLines(prices, "s3.standard.storageGbMonth", "S3 Standard storage", use(usage, "standard.storage_gb")),
      ...line(prices, "s3.standard.tier1Requests", "PUT, COPY, POST, LIST requests", use(usage, "standard.monthly_tier_1_requests") / 1000),
      ...line(prices, "s3.standard.tier2Requests", "GET and other requests", use(usage, "standard.monthly_tier_2_requests") / 1000),
    ];
    for (const [prefix, [storageKey, transitionKey, label]] of Object.entries(S3_CLASSES)) {
      if (prefix === "standard") continue;
      lines.push(...line(prices, storageKey, `${label} storage`, use(usage, `${prefix}.storage_gb`)));
      if (transitionKey) lines.push(...line(prices, transitionKey, `Lifecycle transitions to ${label}`, use(usage, `${prefix}.monthly_lifecycle_transition_requests`) / 1000));
    }
    return lines;
  },
};
