/**
 * The two engines a plan needs, behind one small seam: the cost engine
 * (`cost/`) and the offline policy pack (`policies/offline`). They are
 * required lazily, so commands that neither price nor check (diagram, --help)
 * start without loading them; tests may pass their own.
 */
import type { StackCost, UsageFile } from "../cost";
import type { PolicyPackConfig, PolicyReport } from "../policies/offline";
import { Limits, Workload } from "../environments";
import { StackResource } from "../model/resources";

export type CostItem = StackCost["items"][number];
export type StackCostResult = StackCost;
export type PolicyViolation = PolicyReport["violations"][number];
export type PolicyFinding = PolicyReport["cannotVerify"][number];
export type PolicyResult = PolicyReport;

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
  evaluatePolicies(resources: readonly StackResource[], opts: { config?: PolicyPackConfig; costContext?: CostContext }): PolicyResult;
  /** Reads and validates a policy pack config file; throws a one-line error (exit code 2). */
  loadPolicyConfig(file: string): PolicyPackConfig;
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
    /* eslint-enable @typescript-eslint/no-require-imports */
    cached = {
      cost: { estimateStack: (resources, ctx) => cost.estimateStack(resources, ctx) },
      policy: { evaluatePolicies: (resources, opts) => policy.evaluatePolicies(resources, opts), loadPolicyConfig: (file) => policy.loadPolicyConfig(file) },
    };
  }
  return cached;
}
