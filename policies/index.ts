/**
 * The CrossGuard entry point: `pulumi preview --policy-pack policies`, no
 * `--policy-pack-config` needed: each policy reads its level and options from
 * the stack file of the stack under analysis (./stackFile.ts), the same
 * guardrails `platform plan` applies offline. Only wiring; the rules live in
 * cost.ts, scaling.ts, security.ts, operations.ts and tagging.ts. Do not
 * import this file from tests or tools: constructing a PolicyPack starts the
 * analyzer server. Use ./pack or ./offline instead.
 */
import * as path from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./pack";
import { fromStackFile, StackFileGuardrails } from "./stackFile";

/** The pack ships beside the stack files: `policies/` sits in the project folder. */
const guardrails = new StackFileGuardrails(path.resolve(__dirname, ".."));

new PolicyPack(PACK_NAME, {
  enforcementLevel: PACK_ENFORCEMENT_LEVEL,
  policies: ALL_POLICIES.map((p) => fromStackFile(p, guardrails)),
});
