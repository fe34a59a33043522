/**
 * The two engines a plan needs, behind one small seam: the cost engine
 * (`cost/`) and the offline policy pack (`policies/offline`). They are
 * required lazily, so commands that neither price nor check (diagram, --help)
 * start without loading them; tests may pass their own.
 */
import type { StackCost, UsageFile } from "../cost";
import type { PolicyPackConfig, PolicyReport } from "../policies/offline";
import type { GuardrailSource, StackGuardrails } from "../policies/stackFile";
import { Environment, Limits, Workload } from "../environments";
import { StackResource } from "../model/resources";

export type CostItem = StackCost["items"][number];
export type StackCostResult = StackCost;
export type PolicyViolation = PolicyReport["violations"][number];
export type PolicyFinding = PolicyReport["cannotVerify"][number];
export type PolicyResult = PolicyReport;
export type { GuardrailSource };

export interface CostContext {
  region: string;
  workload?: Workload;
  limits?: Limits;
  usage?: UsageFile;
}

export interface CostEngine {
  estimateStack(resources: readonly StackResource[], ctx: CostContext): StackCostResult;
}

export interface PolicyEngine {
  /** Awaits async policies, as CrossGuard does. */
  evaluatePolicies(resources: readonly StackResource[], opts: { config?: PolicyPackConfig; costContext?: CostContext }): Promise<PolicyResult>;
  /** Reads and validates a policy pack config file; throws a one-line error (exit code 2). */
  loadPolicyConfig(file: string): PolicyPackConfig;
  /** The guardrails a stack file describes (tier, limits, overrides); throws a one-line ConfigError. */
  guardrailsOfEnvironment(env: Environment): StackGuardrails;
  /** The documented strict defaults, for a stack with no stack file. */
  strictDefaults(stack: string): StackGuardrails;
}

export interface Engines {
  /** Undefined only when a caller deliberately plans without pricing. */
  readonly cost?: CostEngine;
  /** Undefined only when a caller deliberately plans without policies. */
  readonly policy?: PolicyEngine;
}

let cached: Engines | undefined;

/** The real cost engine and policy pack, loaded once per process. */
export function loadEngines(): Engines {
  if (!cached) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const cost = require("../cost") as typeof import("../cost");
    const policy = require("../policies/offline") as typeof import("../policies/offline");
    const stackFile = require("../policies/stackFile") as typeof import("../policies/stackFile");
    /* eslint-enable @typescript-eslint/no-require-imports */
    cached = {
      cost: { estimateStack: (resources, ctx) => cost.estimateStack(resources, ctx) },
      policy: { evaluatePolicies: (resources, opts) => policy.evaluatePolicies(resources, opts), loadPolicyConfig: (file) => policy.loadPolicyConfig(file),
        guardrailsOfEnvironment: (env) => stackFile.guardrailsOfEnvironment(env),
        strictDefaults: (stack) => stackFile.strictDefaults(stack),
      },
    };
  }
  return cached;
}
