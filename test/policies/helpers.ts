/**
 * Small factories for policy tests: StackResources as our program (or a
 * preview) would produce them, a tagged AWS provider, and a runner that
 * evaluates one policy with the offline evaluator (the same code path
 * CrossGuard semantics go through).
 */
import { StackResource, UNKNOWN } from "../../model/resources";
import { GuardrailPolicy } from "../../policies/pack";
import { evaluatePoliciesSync as evaluatePolicies, EvaluateOptions, PolicyReport, PolicyPackConfig } from "../../policies/offline";

export { UNKNOWN };

export const STACK = "test";
export const PROJECT = "retail-data-platform";

export const urnOf = (type: string, name: string) => `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;

export const PROVIDER_URN = urnOf("pulumi:providers:aws", "aws");
export const PROVIDER_REF = `${PROVIDER_URN}::provider-id`;

export const REQUIRED_TAGS = { environment: "test", project: PROJECT, owner: "data-platform", "cost-center": "retail-analytics" };

/** The AWS provider with default tags, as the engine registers it (nested inputs as JSON text). */
export function awsProvider(tags: Record<string, string> = REQUIRED_TAGS, region = "eu-west-3"): StackResource {
  return res("pulumi:providers:aws", "aws", { region, defaultTags: JSON.stringify({ tags }) }, { provider: null });
}

export interface ResOptions {
  /** URNs this resource depends on. */
  dependsOn?: readonly StackResource[];
  parent?: StackResource;
  /** null: no provider reference. */
  provider?: string | null;
}

/** A custom resource with the platform provider (unless told otherwise). */
export function res(type: string, name: string, inputs: Record<string, unknown>, opts: ResOptions = {}): StackResource {
  const provider = opts.provider === undefined ? PROVIDER_REF : opts.provider;
  return {
    urn: urnOf(type, name),
    type,
    name,
    custom: true,
    ...(opts.parent ? { parent: opts.parent.urn } : {}),
    ...(provider ? { provider } : {}),
    dependencies: (opts.dependsOn ?? []).map((d) => d.urn),
    inputs,
  };
}

/** Replaces one resource's inputs (deep-merging one level), keeping everything else. */
export function withInputs(r: StackResource, patch: Record<string, unknown>): StackResource {
  return { ...r, inputs: { ...r.inputs, ...patch } };
}

/** Removes inputs. */
export function without(r: StackResource, ...keys: string[]): StackResource {
  const inputs = { ...r.inputs };
  for (const k of keys) delete inputs[k];
  return { ...r, inputs };
}

/** Replaces the resource with the same URN in a stack. */
export function replace(stack: readonly StackResource[], r: StackResource): StackResource[] {
  return stack.map((x) => (x.urn === r.urn ? r : x));
}

export function drop(stack: readonly StackResource[], type: string): StackResource[] {
  return stack.filter((r) => r.type !== type);
}

/** Runs one policy, mandatory unless the config says otherwise. */
export function run(policy: GuardrailPolicy, resources: readonly StackResource[], config: Record<string, unknown> = {}, extra: Omit<EvaluateOptions, "policies" | "config"> = {}): PolicyReport {
  const entry: PolicyPackConfig = { [policy.name]: { enforcementLevel: "mandatory", ...config } };
  return evaluatePolicies(resources, { ...extra, policies: [policy], config: entry });
}

/** The violation messages of a report, joined for substring assertions. */
export const messages = (r: PolicyReport) => r.violations.map((v) => v.message);
