/**
 * How a ceiling is enforced, and the brake as the cost engine reads it.
 */

/**
 * - `fixed`: the price does not depend on usage;
 * - `aws-setting`: a setting AWS enforces bounds it (reserved concurrency, onDemandThroughput maxima,
 *   provisioned shards, Redshift usage limits, the per-query cutoff, Glue workers x timeout x scheduled runs);
 * - `aws-quota`: a documented default service quota of the region bounds it (cost/quotas/quotas.json);
 * - `brake`: the spend brake bounds it: its budget share plus the worst case until the brake acts.
 */
export const CEILING_ENFORCEMENTS = ["fixed", "aws-setting", "aws-quota", "brake"] as const;
export type CeilingEnforcement = (typeof CEILING_ENFORCEMENTS)[number];

/** The brake function's `SPEND_BRAKE_PLAN` environment variable (what the engine reads of it). */
export interface BrakePlan {
  readonly stages: readonly { readonly percent: number; readonly notification: "actual" | "forecasted"; readonly actions: readonly string[] }[];
  /** The fast Athena brake: GB the workgroups may scan in 5 minutes before it disables them. */
  readonly athenaMaxScannedGbPer5Minutes?: number;
  /** The fast ingestion brake: records/s over 5 minutes past which ingestion stops. */
  readonly ingestionMaxRecordsPerSecond?: number;
}

/** The environment variable the brake function carries its plan in. */
export const BRAKE_PLAN_VARIABLE = "SPEND_BRAKE_PLAN";

/** Activity kinds each brake action stops. */
export const ACTION_STOPS: Readonly<Record<string, readonly string[]>> = {
  "disable-athena-workgroups": ["athena"],
  "pause-glue": ["glue"],
  "redshift-deactivate": ["redshift"],
  "deny-landing-uploads": ["landing"],
  "stop-ingestion": ["stream", "directput"],
  "pause-quicksight-refresh": [],
};

/** The brake's part of a stack's guaranteed ceiling. */
export interface BrakeSummary {
  /** Hours from spend to the budget notification that reports it (AWS Budgets' documented cadence). */
  readonly delayHours: number;
  /** The highest ACTUAL-spend stage that stops a covered part, percent of the budget. */
  readonly thresholdPercent: number;
  readonly budgetMonthlyUsd: number;
  /** threshold x budget: what the covered parts together can spend before the last action fires. */
  readonly shareUsd: number;
  /** What the covered parts can spend at their maximum rates until the brake acts. */
  readonly worstCaseUsd: number;
  /** Whether share + worst case is below what the parts' own bounds allow (else the brake adds nothing). */
  readonly tighter: boolean;
  /** Names of the covered parts. */
  readonly covered: readonly string[];
}
