/**
 * The pack's contents in one place: its name, default enforcement level and
 * every policy, in report order. index.ts serves them to CrossGuard; the
 * offline evaluator (./offline) runs the very same objects.
 */
import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { auditPolicies } from "./audit";
import { capacityAtPeak } from "./capacity";
import { costPolicies } from "./cost";
import { networkPolicies } from "./network";
import { operationsPolicies } from "./operations";
import { replayPolicies } from "./replay";
import { scalingPolicies } from "./scaling";
import { securityPolicies } from "./security";
import { taggingPolicies } from "./tagging";

export type GuardrailPolicy = ResourceValidationPolicy | StackValidationPolicy;

export const PACK_NAME = "retail-guardrails";

/**
 * Policies without a level of their own, and not named in the config, run at
 * this level: mandatory, so nothing is lax by omission. A stack's tier
 * (./guardrails.ts) sets the real level of each policy.
 */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const ALL_POLICIES: readonly GuardrailPolicy[] = [
  ...costPolicies,
  capacityAtPeak,
  ...scalingPolicies,
  ...securityPolicies,
  ...auditPolicies,
  ...networkPolicies,
  ...operationsPolicies,
  ...replayPolicies,
  ...taggingPolicies,
];

export const POLICY_NAMES: readonly string[] = ALL_POLICIES.map((p) => p.name);
