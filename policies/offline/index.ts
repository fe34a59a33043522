/**
 * The offline evaluator: the pack's policies over a StackResource[] (from our
 * program under mocks, `pulumi preview --json` or `pulumi stack export`; see
 * model/sources.ts), without the Pulumi CLI or cloud credentials.
 */
export { evaluatePolicies, evaluatePoliciesSync, violatedPolicies } from "./evaluate";
export type { CannotVerify, CostContext, EvaluateOptions, PolicyReport, PolicyViolation } from "./evaluate";
export { ENFORCEMENT_LEVELS, loadPolicyConfig, PolicyConfigError, resolvePolicyConfig } from "./config";
export type { PolicyConfigEntry, PolicyPackConfig, ResolvedPolicy } from "./config";
export { ALL_POLICIES, PACK_ENFORCEMENT_LEVEL, PACK_NAME, POLICY_NAMES } from "../pack";
