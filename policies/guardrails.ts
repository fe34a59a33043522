/**
 * The guardrails of one environment, from its stack file alone: the tier sets
 * every policy's enforcement level, the limits the policies enforce are the
 * stack file's own `platform:limits`, and `platform:guardrails.policies`
 * overrides a level or an option. The result has the shape of a CrossGuard
 * `--policy-pack-config`, so the offline evaluator and CrossGuard (index.ts,
 * through ./stackFile.ts) resolve it the same way. Pure.
 */
import { EnforcementLevel } from "@pulumi/policy";
import { Environment, GuardrailTier, Limits } from "../environments";
import { GLUE_WORKER_DPU } from "../cost/estimators/glue";
import { PolicyPackConfig } from "./offline/config";

/** Policies that stay advisory in a production-tier stack: warnings by nature. */
const ADVISORY_IN_PRODUCTION: ReadonlySet<string> = new Set(["budget-early-warning"]);

/**
 * Policies that are advisory in a development-tier stack: what protects data
 * for the long run (versioning, PITR), on-call alarms, throughput at the declared peak,
 * and the ceiling (dev stays cheap through small bounds, not through a factor). Everything else,
 * new policies included, is mandatory: a policy is never lax by omission.
 */
const ADVISORY_IN_DEVELOPMENT: ReadonlySet<string> = new Set([
  "budget-early-warning",
  "budget-ceiling-cost",
  "s3-versioning",
  "dynamodb-point-in-time-recovery",
  "kinesis-iterator-age-alarm",
  "lambda-error-alarm",
  "capacity-at-peak",
]);

/** Options that depend on the tier, not on the stack's limits. */
const TIER_OPTIONS: Readonly<Record<GuardrailTier, PolicyPackConfig>> = {
  production: {
    "budget-ceiling-cost": { ceilingFactor: 6 },
    "log-group-retention": { minRetentionDays: 30, maxRetentionDays: 400 },
  },
  development: {
    "budget-ceiling-cost": { ceilingFactor: 12 },
    "log-group-retention": { minRetentionDays: 1, maxRetentionDays: 30 },
  },
};

/** The tier of strict defaults: what a stack without a stack file of its own is judged with. */
export const STRICT_DEFAULT_TIER: GuardrailTier = "production";

/** The enforcement level a tier gives a policy. */
export function tierLevel(tier: GuardrailTier, policy: string): EnforcementLevel {
  const advisory = tier === "production" ? ADVISORY_IN_PRODUCTION : ADVISORY_IN_DEVELOPMENT;
  return advisory.has(policy) ? "advisory" : "mandatory";
}

/** The options each bounding policy reads from the stack's own limits. */
export function optionsFromLimits(limits: Limits): PolicyPackConfig {
  const { kinesis, lambda, dynamodb, glue, redshift, athena } = limits;
  const dynamo =
    dynamodb.billingMode === "on-demand"
      ? { maxReadRequestUnits: dynamodb.maxReadRequestUnits, maxWriteRequestUnits: dynamodb.maxWriteRequestUnits }
      : { maxProvisionedCapacity: Math.max(dynamodb.maxReadCapacity, dynamodb.maxWriteCapacity) };
  return {
    "kinesis-stream-bounded": kinesis.mode === "provisioned" ? { maxShards: kinesis.maxShards, allowOnDemand: false, maxOnDemandWriteMBps: 0 } : { allowOnDemand: true, maxOnDemandWriteMBps: kinesis.maxWriteMBps },
    "lambda-concurrency-bounded": { maxReservedConcurrency: lambda.reservedConcurrency },
    "lambda-event-source-bounded": { maxBatchSize: lambda.batchSize, maxParallelizationFactor: lambda.parallelizationFactor, maxRetryAttempts: lambda.maxRetries },
    "dynamodb-throughput-bounded": dynamo,
    "glue-job-bounded": { maxWorkers: glue.maxWorkers, maxDpus: glue.maxWorkers * (GLUE_WORKER_DPU[glue.workerType] ?? 1), maxTimeoutMinutes: glue.timeoutMinutes },
    "redshift-serverless-bounded": { maxBaseRpu: redshift.baseRpu, maxRpu: redshift.maxRpu, maxMonthlyRpuHours: redshift.monthlyRpuHours },
    "athena-workgroup-bounded": { maxBytesScannedPerQueryMb: athena.bytesScannedCutoffPerQueryMb },
  };
}

/** Options read from other parts of the stack file. */
function optionsFromOperations(env: Environment): PolicyPackConfig {
  return {
    "kinesis-iterator-age-alarm": { maxThresholdMs: env.operations.iteratorAgeAlarmMs },
    "kinesis-retention-covers-replay": { replayWindowHours: env.operations.replayWindowHours },
  };
}

/** What a policy's entry says: a level, options, or both. */
type Entry = PolicyPackConfig[string];
const optionsOf = (e: Entry | undefined): Record<string, unknown> => (e === undefined || typeof e === "string" ? {} : Object.fromEntries(Object.entries(e).filter(([k]) => k !== "enforcementLevel")));
const levelOf = (e: Entry | undefined): EnforcementLevel | undefined => (e === undefined ? undefined : typeof e === "string" ? e : (e.enforcementLevel));

/**
 * The pack config of an environment: for every policy, the tier's level
 * (or the stack file's override) and its options, tier < limits < stack-file
 * override. Names and options are validated by the caller
 * (offline/config.ts `resolvePolicyConfig`), which names the stack file.
 */
export function guardrailConfig(env: Pick<Environment, "limits" | "operations" | "guardrails">, policyNames: readonly string[]): PolicyPackConfig {
  const tier = env.guardrails.tier;
  const layers = [TIER_OPTIONS[tier], optionsFromLimits(env.limits), optionsFromOperations(env as Environment)];
  const overrides = env.guardrails.policies as PolicyPackConfig;
  const out: PolicyPackConfig = {};
  for (const name of policyNames) {
    const options = Object.assign({}, ...layers.map((l) => optionsOf(l[name])), optionsOf(overrides[name])) as Record<string, unknown>;
    out[name] = { ...options, enforcementLevel: levelOf(overrides[name]) ?? tierLevel(tier, name) };
  }
  for (const name of Object.keys(overrides)) if (!(name in out)) out[name] = overrides[name]!;
  return out;
}

/** The config strict defaults give every policy: the production tier's levels and options, the pack's default limits. */
export function strictDefaultConfig(policyNames: readonly string[]): PolicyPackConfig {
  return Object.fromEntries(policyNames.map((name) => [name, { ...optionsOf(TIER_OPTIONS[STRICT_DEFAULT_TIER][name]), enforcementLevel: tierLevel(STRICT_DEFAULT_TIER, name) }]));
}
