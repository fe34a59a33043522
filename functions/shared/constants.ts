/**
 * Stable identifiers shared by the handlers. Rule names appear in S3 keys,
 * metric dimensions and the local export: never rename one without an alias.
 */

/** Every rule a transaction record can break, in the order they are checked. */
export const REJECTION_RULES = [
  /** The record is larger than MAX_RECORD_BYTES. */
  "oversized",
  /** The payload is not valid UTF-8. */
  "not-utf8",
  /** The payload is not a JSON object. */
  "not-json",
  /** A required field is absent. */
  "missing-field",
  /** A field has the wrong JSON type (e.g. a string price). */
  "wrong-type",
  /** A field has the right type but an invalid value (empty id, quantity 0, no items, bad timestamp or country). */
  "invalid-value",
  /** customer.email is present but not a valid address. */
  "invalid-email",
  /** region is not one of the environment's sales regions. */
  "unknown-region",
  /** currency is not one of the environment's currencies. */
  "unknown-currency",
  /** occurredAt is more than 5 minutes after the time the record is checked. */
  "future-timestamp",
  /** totalAmount differs from the sum of unitPrice x quantity by more than 0.01. */
  "price-inconsistent",
] as const;

export type RejectionRule = (typeof REJECTION_RULES)[number];

/** How far in the future occurredAt may be (clock skew between producers and us). */
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** Tolerance of the price-consistency rule, in currency units. */
export const PRICE_TOLERANCE = 0.01;

/** Default MAX_RECORD_BYTES: 100 KiB. */
export const DEFAULT_MAX_RECORD_BYTES = 102_400;

/** Default PRODUCT_BUCKETS: product buckets per region and minute (tuned by the WRU benchmark, docs/functions.md). */
export const DEFAULT_PRODUCT_BUCKETS = 16;

/** Default DEDUP_CACHE_SIZE: transaction ids remembered per container. */
export const DEFAULT_DEDUP_CACHE_SIZE = 100_000;

/** The EventBridge source and detail-type of spike events. */
export const SPIKE_EVENT_SOURCE = "retail.platform";
export const SPIKE_DETAIL_TYPE = "RetailSalesSpike";
