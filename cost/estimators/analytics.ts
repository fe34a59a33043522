/**
 * Query and warehouse services: Amazon Athena (per TB scanned, 10 MB minimum
 * per query) and Amazon Redshift Serverless (RPU-hours, managed storage).
 * https://aws.amazon.com/athena/pricing/ and https://aws.amazon.com/redshift/pricing/
 */
import { GB, MB, TB_IN_GB } from "../constants";
import { Estimator, line, use } from "./types";

/** Athena bills at least 10 MB per query, and rounds each query up to the next MB. */
export const ATHENA_MINIMUM_BYTES = 10 * MB;

/** Billed GB of one query scanning `gb` GB. */
export function athenaBilledGbPerQuery(gb: number): number {
  const bytes = Math.max(ATHENA_MINIMUM_BYTES, Math.ceil((gb * GB) / MB) * MB);
  return bytes / GB;
}

export const athenaWorkgroup: Estimator = {
  priceProps: ["configuration.bytesScannedCutoffPerQuery"],
  usageKeys: {
    monthly_queries: "Queries a month.",
    data_scanned_gb_per_query: "Average GB scanned by one query (the 10 MB minimum applies per query).",
  },
  price({ usage, prices }) {
    const queries = use(usage, "monthly_queries");
    const tb = (queries * athenaBilledGbPerQuery(use(usage, "data_scanned_gb_per_query"))) / TB_IN_GB;
    return line(prices, "athena.scannedTb", "Data scanned", tb);
  },
};

export const redshiftServerlessWorkgroup: Estimator = {
  priceProps: ["baseCapacity", "maxCapacity"],
  usageKeys: {
    monthly_rpu_hours: "RPU-hours a month (per second, 60-second minimum per query burst).",
  },
  price({ usage, prices }) {
    return line(prices, "redshiftServerless.rpuHour", "Compute (RPU-hours)", use(usage, "monthly_rpu_hours"));
  },
};

export const redshiftServerlessNamespace: Estimator = {
  usageKeys: {
    managed_storage_gb: "Redshift managed storage in GB (average over the month).",
  },
  price({ usage, prices }) {
    return line(prices, "redshiftServerless.storageGbMonth", "Managed storage", use(usage, "managed_storage_gb"));
  },
};
