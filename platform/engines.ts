/**
 * The two engines a plan needs, behind one small adapter: the cost engine
 * (`cost/index.ts`) and the offline policy pack (`policies/offline`). They are
 * loaded lazily, so commands that do not price (diagram, --help) start fast,
 * and a checkout where one of them is missing still plans, with the gap said
 * out loud in the result instead of a silent $0 or a silent "no violations".
 */
import * as path from "node:path";
import { Limits, Workload } from "../environments";
import { StackResource } from "./resources";

/** One priced resource, as the cost engine returns it (fields the CLI reads). */
export interface CostItem {
  urn: string;
  type: string;
  name: string;
  expectedMonthlyUsd: number;
  ceilingMonthlyUsd: number | null;
  unboundedReason?: string;
  [more: string]: unknown;
}

/** A whole stack's cost (see cost/types.ts `StackCost`). */
export interface StackCostResult {
  expectedMonthlyUsd: number;
  ceilingMonthlyUsd: number | null;
  ceilingUnbounded: boolean;
  items: CostItem[];
  unpriced: string[];
  cannotPrice: { urn: string; reason: string }[];
}

export interface CostContext {
  region: string;
  workload?: Workload;
  limits?: Limits;
  usage?: unknown;
}

export interface PolicyViolation {
  policy: string;
  level: "mandatory" | "advisory";
  urn: string | null;
  message: string;
}

export interface PolicyFinding {
  policy: string;
  urn: string | null;
  message: string;
}

export interface PolicyResult {
  violations: PolicyViolation[];
  cannotVerify: PolicyFinding[];
}

export interface CostEngine {
  estimateStack(resources: readonly StackResource[], ctx: CostContext): StackCostResult;
}

export interface PolicyEngine {
  evaluatePolicies(resources: readonly StackResource[], opts: { config?: unknown; costContext?: CostContext }): PolicyResult;
  loadPolicyConfig(file: string): unknown;
}

export interface Engines {
  /** Undefined when `cost/index.ts` is not in this checkout. */
  readonly cost?: CostEngine;
  /** Undefined when `policies/offline` is not in this checkout. */
  readonly policy?: PolicyEngine;
}

let cached: Engines | undefined;

/** Loads both engines once per process. */
export function loadEngines(root = path.join(__dirname, "..")): Engines {
  if (cached && root === path.join(__dirname, "..")) return cached;
  const cost = optionalModule<Partial<CostEngine>>(path.join(root, "cost", "index"));
  const policy = optionalModule<Partial<PolicyEngine>>(path.join(root, "policies", "offline"));
  const engines: Engines = {
    ...(typeof cost?.estimateStack === "function" ? { cost: cost as CostEngine } : {}),
    ...(typeof policy?.evaluatePolicies === "function" && typeof policy.loadPolicyConfig === "function" ? { policy: policy as PolicyEngine } : {}),
  };
  if (root === path.join(__dirname, "..")) cached = engines;
  return engines;
}

/** `require` of a module that may not exist yet; any other failure (a bug inside it) propagates. */
function optionalModule<T>(file: string): T | undefined {
  let resolved: string;
  try {
    resolved = require.resolve(file);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolved) as T;
}
