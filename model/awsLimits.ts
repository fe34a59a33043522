/**
 * Values AWS accepts that more than one layer checks (the stack file's schema,
 * the cost engine's prop rules), kept once here.
 */

/** CloudWatch Logs accepts only these retention values, in days (PutRetentionPolicy API reference, as of 2026-12-01). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
