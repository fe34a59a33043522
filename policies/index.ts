/**
 * The CrossGuard entry point: `pulumi preview --policy-pack policies
 * --policy-pack-config policies/config/<env>.json`. Only wiring; the rules
 * live in cost.ts, scaling.ts, security.ts, operations.ts and tagging.ts.
 * Do not import this file from tests or tools: constructing a PolicyPack
 * starts the analyzer server. Use ./pack or ./offline instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./pack";

new PolicyPack(PACK_NAME, {
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  policies: [...ALL_POLICIES],
});
