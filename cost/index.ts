/**
 * The cost engine: sourced AWS prices (data), one estimator per service
 * family, usage derived from the workload and the resource graph, expected
 * and ceiling monthly cost. The policy pack and the CLI call it in-process.
 * See docs/cost.md.
 */
export { priceResource, pricingOf, usageKeysOf } from "./priceResource";
export { estimateStack } from "./estimateStack";
export { boundsAtPeak, flatAtPeak, monthlyTransactions, scaleTraffic, usdPerMillionTransactions } from "./unitCost";
export type { BoundUse } from "./unitCost";
export type { EstimateOptions } from "./estimateStack";
export { loadUsageFile, parseUsageFile } from "./usage/file";
export { deriveUsage, ASSUMPTIONS } from "./usage/derive";
export { ResourceGraph } from "./usage/graph";
export { priceBook, priceKeys, PRICED_REGIONS } from "./prices/catalogue";
export type { PriceEntry, PriceBook } from "./prices/catalogue";
export { ESTIMATORS } from "./estimators";
export { KNOWN_FREE } from "./free";
export { HOURS_PER_MONTH, GB, TB_IN_GB } from "./constants";
export * from "./errors";
export { CEILING_ENFORCEMENTS, BRAKE_PLAN_VARIABLE, ACTION_STOPS } from "./enforcement";
export type { CeilingEnforcement, BrakePlan, BrakeSummary } from "./enforcement";
export { capacityAtPeak, PROCESSOR_RECORDS_PER_CORE } from "./capacity";
export type { CapacityBound } from "./capacity";
export { quota, quotaEntry, QuotaMissingError, budgetsDelayHours } from "./quotas";
export type { CostLine, ResourceCostItem, StackCost, UsageFile, Usage, PriceResourceArgs, ResourcePrice } from "./types";
