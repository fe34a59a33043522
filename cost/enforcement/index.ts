/**
 * Enforced ceilings: how each part's ceiling is enforced (fixed, an AWS
 * setting, a documented quota, the spend brake) and the guaranteed ceiling
 * computed from enforced bounds only. See docs/cost.md, "Enforced ceilings".
 */
export { applyEnforcement, brakePlanOf } from "./guaranteed";
export type { GuaranteedCeiling } from "./guaranteed";
export * from "./types";
