/**
 * Policy pack config in CrossGuard's own format (the file given to
 * `pulumi preview --policy-pack-config`):
 *
 *   { "all": "advisory",
 *     "budget-expected-cost": { "enforcementLevel": "mandatory", "region": "eu-west-3" },
 *     "s3-versioning": "disabled" }
 *
 * validated against each policy's `configSchema`, with its defaults.
 */
import { UserInputError } from "../../model/errors";
import { EnforcementLevel } from "@pulumi/policy";
import { COST_CONTEXT_CHECKS } from "../cost";
import { ALL_POLICIES, GuardrailPolicy, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../pack";
import { parseJsonOr, readTextFileOr } from "../../model/files";
import { validateSchema, withDefaults } from "./jsonSchema";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export type PolicyConfigEntry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & { [option: string]: unknown });

/** `--policy-pack-config` JSON: `all` and policy names to a level or an object of options. */
export type PolicyPackConfig = { [policy: string]: PolicyConfigEntry };

/** A config that breaks a rule. `message` is one line naming the file, the policy, the field and the rule. */
export class PolicyConfigError extends UserInputError {
  public override readonly name: string = "PolicyConfigError";

  public constructor(
    message: string,
    public readonly file: string,
    public readonly policy?: string,
    public readonly field?: string,
  ) {
    super(message);
  }
}

/** What one policy runs with. */
export interface ResolvedPolicy {
  readonly policy: GuardrailPolicy;
  /** After `all`, the policy's own config and the defaults; "remediate" is reported as mandatory. */
  readonly level: EnforcementLevel;
  /** Config options merged over the configSchema defaults (no enforcementLevel). */
  readonly options: Record<string, unknown>;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function levelOf(entry: PolicyConfigEntry | undefined, file: string, policy: string): EnforcementLevel | undefined {
  if (entry === undefined) return undefined;
  const level = typeof entry === "string" ? entry : entry.enforcementLevel;
  if (level === undefined) return undefined;
  if (!ENFORCEMENT_LEVELS.includes(level)) {
    throw new PolicyConfigError(
      `${file}: ${policy}.enforcementLevel must be one of ${ENFORCEMENT_LEVELS.map((l) => `"${l}"`).join(", ")} (got ${show(level)})`,
      file,
      policy,
      "enforcementLevel",
    );
  }
  return level;
}

/**
 * Validates a config and resolves every policy's level and options the way
 * CrossGuard does: the policy's own config wins over `all`, which wins over
 * the policy's own `enforcementLevel`, which wins over the pack's default.
 * Throws {@link PolicyConfigError}.
 */
export function resolvePolicyConfig(config: unknown, file = "policy pack config", policies: readonly GuardrailPolicy[] = ALL_POLICIES): ResolvedPolicy[] {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new PolicyConfigError(`${file}: must be a JSON object of policy names (got ${show(config)})`, file);
  }
  const doc = config as Record<string, unknown>;
  // A config written for the whole pack stays valid when only some policies run.
  const known = new Set([...ALL_POLICIES, ...policies].map((p) => p.name));
  for (const [key, entry] of Object.entries(doc)) {
    if (key !== "all" && !known.has(key)) throw new PolicyConfigError(`${file}: ${key} is not a policy of the ${PACK_NAME} pack`, file, key);
    if (typeof entry !== "string" && (entry === null || typeof entry !== "object" || Array.isArray(entry))) {
      throw new PolicyConfigError(`${file}: ${key} must be an enforcement level or an object of options (got ${show(entry)})`, file, key);
    }
  }
  const all = levelOf(doc["all"] as PolicyConfigEntry | undefined, file, "all");
  if (typeof doc["all"] === "object" && Object.keys(doc["all"] as object).some((k) => k !== "enforcementLevel")) {
    throw new PolicyConfigError(`${file}: all may only set enforcementLevel`, file, "all");
  }

  return policies.map((policy) => {
    const entry = doc[policy.name] as PolicyConfigEntry | undefined;
    const level = levelOf(entry, file, policy.name) ?? all ?? policy.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL;
    const { enforcementLevel: _ignored, ...given } = typeof entry === "object" ? entry : {};
    void _ignored;
    const properties = policy.configSchema?.properties ?? {};
    const problem = validateSchema({ type: "object", properties, required: policy.configSchema?.required ?? [], additionalProperties: false }, given);
    if (problem) {
      const field = problem.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
      const got = problem.value === undefined ? "" : ` (got ${show(problem.value)})`;
      throw new PolicyConfigError(`${file}: ${policy.name}.${field} ${problem.rule}${got}`, file, policy.name, field);
    }
    for (const [key, check] of Object.entries(COST_CONTEXT_CHECKS)) {
      if (!(key in properties) || given[key] === undefined) continue;
      const parsed = check.safeParse(given[key]);
      if (!parsed.success) {
        const issue = parsed.error!.issues[0];
        const field = [key, ...issue.path.map(String)].join(".");
        throw new PolicyConfigError(`${file}: ${policy.name}.${field} ${issue.message}`, file, policy.name, field);
      }
    }
    return { policy, level: level === "remediate" ? "mandatory" : level, options: withDefaults(properties, given) };
  });
}

/**
 * Reads and validates a `--policy-pack-config` file. Returns it with every
 * policy's defaults filled in. Throws {@link PolicyConfigError} (exit code 2).
 */
export function loadPolicyConfig(file: string): PolicyPackConfig {
  const fail = (message: string) => new PolicyConfigError(message, file);
  const doc = parseJsonOr(readTextFileOr(file, file, fail), file, fail);
  const resolved = resolvePolicyConfig(doc, file);
  const raw = doc as Record<string, PolicyConfigEntry>;
  const out: PolicyPackConfig = {};
  if (raw["all"] !== undefined) out["all"] = raw["all"];
  for (const r of resolved) {
    const entry = raw[r.policy.name];
    const level = typeof entry === "string" ? entry : entry?.enforcementLevel;
    out[r.policy.name] = { ...r.options, ...(level ? { enforcementLevel: level } : {}) };
  }
  return out;
}
