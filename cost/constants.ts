/**
 * Billing conventions, as in AWS's own pricing calculator.
 */

/** A month is 730 hours. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** 730 h / 24 h: the days in a billing month. */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** A KB is 1,024 bytes. */
export const KB = 1024;
/** A MB is 2^20 bytes. */
export const MB = 1024 * 1024;
/** A GB is 2^30 bytes. */
export const GB = 1024 * 1024 * 1024;
/** A TB is 1,024 GB. */
export const TB_IN_GB = 1024;
