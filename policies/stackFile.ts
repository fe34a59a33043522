/**
 * The guardrails of a stack, read from its own `Pulumi.<stack>.yaml`: the one
 * place an environment is described. CrossGuard hands a pack no stack config
 * (@pulumi/policy 1.21 reads only the stack tags in ConfigureStack), but every
 * URN names its stack and this pack ships beside the stack files, so the pack
 * reads the file itself. A stack without a stack file gets the documented
 * strict defaults (production tier, the pack's default limits), and says so.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { ConfigError, Environment, loadStackFile, readProjectName } from "../environments";
import { stackOfUrn } from "../model/resources";
import { ReportInfo } from "./common";
import { COST_CONTEXT_KEYS } from "./cost";
import { guardrailConfig, STRICT_DEFAULT_TIER, strictDefaultConfig } from "./guardrails";
import { PolicyConfigError, PolicyPackConfig, resolvePolicyConfig, ResolvedPolicy } from "./offline/config";
import { ALL_POLICIES, GuardrailPolicy, PACK_NAME } from "./pack";

/** Where a stack's guardrails came from, as the reports say it. */
export interface GuardrailSource {
  readonly stack: string;
  readonly tier: "production" | "development";
  /** `Pulumi.<stack>.yaml`, or null under strict defaults. */
  readonly stackFile: string | null;
  /** One line for the report, e.g. "Pulumi.prod.yaml, production tier". */
  readonly summary: string;
}

export interface StackGuardrails {
  readonly source: GuardrailSource;
  /** Every policy's level and options, validated (the shape of a `--policy-pack-config`). */
  readonly config: PolicyPackConfig;
  /** The same, resolved: each policy's level and its options with the configSchema defaults filled in. */
  readonly resolved: ReadonlyMap<string, Pick<ResolvedPolicy, "level" | "options">>;
  readonly env?: Environment;
}

/** The guardrails an environment's stack file describes. Throws {@link ConfigError} naming the stack file's key. */
export function guardrailsOfEnvironment(env: Environment, policies: readonly GuardrailPolicy[] = ALL_POLICIES): StackGuardrails {
  const file = `Pulumi.${env.stack}.yaml`;
  const config = withCostContext(guardrailConfig(env, policies.map((p) => p.name)), env, policies);
  const resolved = byName(validate(config, file, policies));
  return { source: { stack: env.stack, tier: env.guardrails.tier, stackFile: file, summary: `${file}, ${env.guardrails.tier} tier` }, config, resolved, env };
}

/** The documented strict defaults, for a stack with no stack file here. */
export function strictDefaults(stack: string, policies: readonly GuardrailPolicy[] = ALL_POLICIES): StackGuardrails {
  const config = strictDefaultConfig(policies.map((p) => p.name));
  return {
    source: { stack, tier: STRICT_DEFAULT_TIER, stackFile: null, summary: `strict defaults (no Pulumi.${stack}.yaml): ${STRICT_DEFAULT_TIER} tier, the ${PACK_NAME} pack's default limits` },
    config,
    resolved: byName(resolvePolicyConfig(config, "strict defaults", policies)),
  };
}

/** The cost policies price the stack with the stack file's region, workload and limits, inside CrossGuard too. */
function withCostContext(config: PolicyPackConfig, env: Environment, policies: readonly GuardrailPolicy[]): PolicyPackConfig {
  const context: Record<string, unknown> = { region: env.awsRegion, workload: env.workload, limits: env.limits };
  const out: PolicyPackConfig = { ...config };
  for (const p of policies) {
    const props = p.configSchema?.properties ?? {};
    const keys = COST_CONTEXT_KEYS.filter((k) => k in props && context[k] !== undefined);
    const entry = out[p.name];
    if (keys.length === 0 || entry === undefined || typeof entry === "string") continue;
    out[p.name] = { ...Object.fromEntries(keys.map((k) => [k, context[k]])), ...entry };
  }
  return out;
}

const byName = (resolved: readonly ResolvedPolicy[]) => new Map(resolved.map((r) => [r.policy.name, { level: r.level, options: r.options }]));

/** Checks policy names, levels and options; a problem is one line naming the stack file and `platform:guardrails.policies.<policy>`. */
function validate(config: PolicyPackConfig, file: string, policies: readonly GuardrailPolicy[]): ResolvedPolicy[] {
  const label = "\u0000guardrails";
  try {
    return resolvePolicyConfig(config, label, policies);
  } catch (err) {
    if (err instanceof PolicyConfigError) throw new ConfigError(err.message.replace(`${label}: `, `${file}: platform:guardrails.policies.`), file);
    throw err;
  }
}

/** Where a policy finds the guardrails of the stack under analysis. */
export interface GuardrailsByStack {
  forStack(stack: string): StackGuardrails;
}

/** Reads the project's stack files once per process (the analyzer serves many calls). */
export class StackFileGuardrails implements GuardrailsByStack {
  private readonly cache = new Map<string, StackGuardrails>();

  public constructor(private readonly projectDir: string) {}

  public forStack(stack: string): StackGuardrails {
    let hit = this.cache.get(stack);
    if (!hit) {
      const file = path.join(this.projectDir, `Pulumi.${stack}.yaml`);
      hit = fs.existsSync(file) ? guardrailsOfEnvironment(loadStackFile(file, readProjectName(this.projectDir))) : strictDefaults(stack);
      this.cache.set(stack, hit);
    }
    return hit;
  }
}

type Args = ResourceValidationArgs | StackValidationArgs;
const stackOfArgs = (args: Args): string => ("urn" in args ? stackOfUrn(args.urn) : args.resources.map((r) => stackOfUrn(r.urn)).find((s) => s !== undefined)) ?? "unknown";

/**
 * A policy that takes its level and options from the stack file of the stack
 * under analysis: `getConfig()` returns the stack's options, and each
 * violation carries the stack's level (CrossGuard's object form of a report).
 */
export function fromStackFile(policy: GuardrailPolicy, guardrails: GuardrailsByStack): GuardrailPolicy {
  const bind = <A extends Args>(args: A, report: ReportViolation): { args: A; report: ReportViolation } | undefined => {
    const resolved = guardrails.forStack(stackOfArgs(args)).resolved.get(policy.name);
    const level = resolved?.level ?? "mandatory";
    if (level === "disabled") return undefined;
    // The stack file's options, defaults filled in, replace what CrossGuard's config would give.
    const merged = resolved?.options ?? args.getConfig<Record<string, unknown>>();
    const reportAt = ((message: string | ReportInfo, urn?: string) => {
      const info: ReportInfo = typeof message === "string" ? { message, ...(urn ? { urn } : {}) } : message;
      (report as unknown as (i: ReportInfo) => void)({ ...info, enforcementLevel: info.enforcementLevel ?? (level === "advisory" ? "advisory" : "mandatory") });
    }) as ReportViolation;
    return { args: { ...args, getConfig: <T extends object>() => structuredClone(merged) as T }, report: reportAt };
  };
  if ("validateStack" in policy && policy.validateStack) {
    const validateStack = policy.validateStack;
    return { ...policy, enforcementLevel: "mandatory", validateStack: (args, report) => { const b = bind(args, report); return b ? validateStack(b.args, b.report) : undefined; } };
  }
  const validations = "validateResource" in policy && policy.validateResource ? (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource]) : [];
  const wrapped = validations.map((v) => {
    const fn: typeof v = (args, report) => { const b = bind(args, report); return b ? v(b.args, b.report) : undefined; };
    // Keep the type tag validateResourceOfType attaches, so the analyzer still skips other types fast.
    const tag = (v as { __pulumiType?: unknown }).__pulumiType;
    if (tag !== undefined) Object.assign(fn, { __pulumiType: tag });
    return fn;
  });
  return { ...policy, enforcementLevel: "mandatory", validateResource: wrapped.length === 1 ? wrapped[0] : wrapped };
}
