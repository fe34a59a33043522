/**
 * Runs the pack's policy objects over a list of resources, in process, with
 * CrossGuard's semantics (see node_modules/@pulumi/policy/server.js):
 * - resource policies see each resource's inputs as `props`, behind the same
 *   unknown-checking proxy, with `isType`/`asType` so `validateResourceOfType` filters;
 * - stack policies see every resource, with `parent`, `dependencies`,
 *   `propertyDependencies` and `provider` resolved to objects (one view
 *   shared by the stack policies, where CrossGuard builds one per policy);
 * - levels: the policy's own config, then `all`, then the policy's level, then the pack's;
 * - `getConfig()` returns the config merged over the configSchema defaults;
 * - a rule that reads a preview unknown is neither a pass nor a violation: it is
 *   listed under `cannotVerify`.
 * - a policy may be async (return a promise), as CrossGuard allows: it is awaited,
 *   one at a time, in pack order, so reports keep their order.
 */
import {
  PolicyProviderResource,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  StackValidationArgs,
  unknownCheckingProxy,
  UnknownValueError,
} from "@pulumi/policy";
import { Limits, Workload } from "../../environments";
import { providerUrnOf, StackResource } from "../../model/resources";
import { withClock } from "../clock";
import { CANNOT_VERIFY_PREFIX, ReportInfo, STACK_RESOURCE } from "../common";
import { COST_CONTEXT_KEYS } from "../cost";
import { GuardrailPolicy } from "../pack";
import { PolicyPackConfig, resolvePolicyConfig } from "./config";

/** What the cost policies need, from the stack file (wins over the policy config). */
export interface CostContext {
  readonly region: string;
  readonly workload?: Workload;
  readonly limits?: Limits;
  /** The cost engine's UsageFile. */
  readonly usage?: unknown;
}

export interface EvaluateOptions {
  /** The `--policy-pack-config` JSON, already parsed (e.g. by loadPolicyConfig). */
  readonly config?: PolicyPackConfig;
  readonly costContext?: CostContext;
  /** The date deprecations are judged against (default: now). */
  readonly now?: Date;
  /** The policies to run (default: the whole pack). */
  readonly policies?: readonly GuardrailPolicy[];
}

export interface PolicyViolation {
  readonly policy: string;
  readonly level: "mandatory" | "advisory";
  readonly urn: string | null;
  readonly message: string;
}

export interface CannotVerify {
  readonly policy: string;
  readonly urn: string | null;
  readonly message: string;
}

export interface PolicyReport {
  readonly violations: PolicyViolation[];
  readonly cannotVerify: CannotVerify[];
}

class NotApplicableError extends Error {
  public constructor(public readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const cls = resourceClass as { __pulumiType?: unknown; isInstance?: (o: unknown) => boolean };
  if (typeof cls.__pulumiType === "string" && cls.__pulumiType.length > 0) return cls.__pulumiType === type;
  return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

function pulumiTypeOf(fn: unknown): string | undefined {
  const t = (fn as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof t === "string" && t.length > 0 ? t : undefined;
}

const clone = <T>(v: T): T => structuredClone(v);

/** @pulumi/policy's proxy, typed: its declaration comes from a file the package does not ship types for. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
const checkingProxy: (props: Record<string, unknown>) => Record<string, unknown> = unknownCheckingProxy;

/**
 * The provider a resource uses, as CrossGuard hands it over. One object per
 * provider and stack view (`providers`): a stack has a few providers and
 * thousands of resources using them.
 */
function providerOf(r: StackResource, byUrn: ReadonlyMap<string, StackResource>, providers: Map<string, PolicyProviderResource>): PolicyProviderResource | undefined {
  const urn = providerUrnOf(r.provider);
  const p = urn ? byUrn.get(urn) : undefined;
  if (!p) return undefined;
  let view = providers.get(p.urn);
  if (!view) providers.set(p.urn, (view = { type: p.type, props: checkingProxy(clone(p.inputs)), urn: p.urn, name: p.name }));
  return view;
}

const noOpts = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

/**
 * What CrossGuard shows a policy of one resource, for resource and stack
 * policies alike: its own copy of the inputs (reading a preview unknown throws,
 * so the rule reports "cannot verify"), its options and its provider.
 */
function resourceView(
  r: StackResource,
  byUrn: ReadonlyMap<string, StackResource>,
  providers: Map<string, PolicyProviderResource> = new Map(),
): Pick<PolicyResource, "type" | "props" | "urn" | "name" | "opts" | "isType" | "asType" | "provider"> {
  const props = checkingProxy(clone(r.inputs));
  const provider = providerOf(r, byUrn, providers);
  return {
    type: r.type,
    props,
    urn: r.urn,
    name: r.name,
    opts: { ...noOpts, ...(r.parent ? { parent: r.parent } : {}) },
    isType: (cls) => isTypeOf(r.type, cls),
    asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
    ...(provider ? { provider } : {}),
  };
}

/** Builds CrossGuard's stack view: every resource, parents, dependencies and property dependencies as objects. */
function stackView(resources: readonly StackResource[], byUrn: ReadonlyMap<string, StackResource>): PolicyResource[] {
  const views = new Map<string, PolicyResource>();
  const providers = new Map<string, PolicyProviderResource>();
  for (const r of resources) {
    const view: PolicyResource = { ...resourceView(r, byUrn, providers), dependencies: [], propertyDependencies: {} };
    Object.defineProperty(view, STACK_RESOURCE, { value: r, enumerable: false });
    views.set(r.urn, view);
  }
  for (const r of resources) {
    const view = views.get(r.urn)!;
    const parent = r.parent ? views.get(r.parent) : undefined;
    if (parent) view.parent = parent;
    view.dependencies = r.dependencies.map((d) => views.get(d)).filter((d): d is PolicyResource => d !== undefined);
    // As the analyzer does: each input's dependencies, as objects (a BucketLogging depends on two buckets, one per input).
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      view.propertyDependencies[key] = urns.map((d) => views.get(d)).filter((d): d is PolicyResource => d !== undefined);
    }
  }
  return [...views.values()];
}

/** One policy run on one resource (or the stack): its call, and what its failure means. */
interface Check {
  readonly policy: string;
  readonly urn: string | null;
  readonly call: () => unknown;
}

/**
 * The checks of an evaluation, in CrossGuard's order (policy by policy, resource by
 * resource). A generator, so each check's view is built only when it runs and the
 * sync and async drivers share one walk.
 */
function* checks(resources: readonly StackResource[], options: EvaluateOptions, report: PolicyReport): Generator<Check> {
  const resolved = resolvePolicyConfig(options.config ?? {}, "policy pack config", options.policies);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const cost = options.costContext;
  // One stack view for every stack policy. CrossGuard builds one per policy, so a
  // policy cannot see another's writes; ours never write to what they are handed,
  // and a view per policy made a 10,000-resource check spend seconds on copies.
  let sharedStackView: PolicyResource[] | undefined;

  for (const { policy, level, options: configured } of resolved) {
    if (level === "disabled") continue;
    const config: Record<string, unknown> = { ...configured };
    if (cost && policy.configSchema?.properties && COST_CONTEXT_KEYS.some((k) => k in policy.configSchema!.properties)) {
      for (const key of COST_CONTEXT_KEYS) if (cost[key] !== undefined) config[key] = cost[key];
    }
    const getConfig = <T extends object>(): T => clone(config) as T;
    const reportLevel = level === "mandatory" ? "mandatory" : "advisory";

    const reporter = (defaultUrn: string | null): ReportViolation =>
      ((message: string | ReportInfo, urn?: string) => {
        const info: ReportInfo = typeof message === "string" ? { message, ...(urn ? { urn } : {}) } : message;
        const target = info.urn ?? defaultUrn;
        if (info.message.startsWith(CANNOT_VERIFY_PREFIX)) {
          report.cannotVerify.push({ policy: policy.name, urn: target, message: info.message.slice(CANNOT_VERIFY_PREFIX.length) });
        } else {
          const l = info.enforcementLevel ?? reportLevel;
          report.violations.push({ policy: policy.name, level: l === "mandatory" ? "mandatory" : "advisory", urn: target, message: info.message });
        }
      });

    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      const providers = new Map<string, PolicyProviderResource>();
      for (const r of resources) {
        for (const validation of validations) {
          const only = pulumiTypeOf(validation);
          if (only && only !== r.type) continue;
          const view = resourceView(r, byUrn, providers);
          // Same function; the two arg types only type asType's result differently.
          const asType = view.asType as unknown as ResourceValidationArgs["asType"];
          const args: ResourceValidationArgs = { ...view, asType, stackTags: new Map(), getConfig, notApplicable };
          yield { policy: policy.name, urn: r.urn, call: () => validation(args, reporter(r.urn)) };
        }
      }
    } else if ("validateStack" in policy) {
      const only = pulumiTypeOf(policy.validateStack);
      if (only && !resources.some((r) => r.type === only)) continue;
      const args: StackValidationArgs = { resources: (sharedStackView ??= stackView(resources, byUrn)), stackTags: new Map(), getConfig, notApplicable };
      yield { policy: policy.name, urn: null, call: () => policy.validateStack(args, reporter(null)) };
    }
  }
}

/** A check's failure: a preview unknown is "cannot verify", notApplicable is nothing, anything else names the policy. */
function settle(check: Check, err: unknown, report: PolicyReport): void {
  if (err instanceof UnknownValueError) report.cannotVerify.push({ policy: check.policy, urn: check.urn, message: (err as Error).message });
  else if (!(err instanceof NotApplicableError)) throw new Error(`policy ${check.policy} failed${check.urn ? ` on ${check.urn}` : ""}: ${(err as Error).message}`, { cause: err });
}

const isPromise = (v: unknown): v is Promise<unknown> => v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";

/**
 * Evaluates the pack (or `options.policies`) over `resources`, awaiting policies
 * that return a promise, as CrossGuard's analyzer does. Throws PolicyConfigError
 * for a config that breaks a schema, and an Error naming the policy when a policy itself fails.
 */
export function evaluatePolicies(resources: readonly StackResource[], options: EvaluateOptions = {}): Promise<PolicyReport> {
  return withClock(options.now, async () => {
    const report: PolicyReport = { violations: [], cannotVerify: [] };
    for (const check of checks(resources, options, report)) {
      try {
        await check.call();
      } catch (err) {
        settle(check, err, report);
      }
    }
    return report;
  });
}

/**
 * The same evaluation for packs whose policies are all synchronous (ours): a
 * policy that returns a promise is an error naming it (use {@link evaluatePolicies}).
 */
export function evaluatePoliciesSync(resources: readonly StackResource[], options: EvaluateOptions = {}): PolicyReport {
  return withClock(options.now, () => {
    const report: PolicyReport = { violations: [], cannotVerify: [] };
    for (const check of checks(resources, options, report)) {
      let result: unknown;
      try {
        result = check.call();
      } catch (err) {
        settle(check, err, report);
      }
      if (isPromise(result)) {
        result.catch(() => undefined);
        throw new Error(`policy ${check.policy} returned a promise: evaluate it with evaluatePolicies, which awaits it`);
      }
    }
    return report;
  });
}

/** Names of the policies with at least one violation at `level` (or any level). */
export function violatedPolicies(report: PolicyReport, level?: "mandatory" | "advisory"): string[] {
  return [...new Set(report.violations.filter((v) => level === undefined || v.level === level).map((v) => v.policy))].sort();
}
