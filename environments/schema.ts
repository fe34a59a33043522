/**
 * The typed environment: everything a stack file (`Pulumi.<stack>.yaml`) may say
 * under the `platform:` namespace, plus `aws:region`. Pure: no Pulumi, no files.
 *
 * Every rule carries the message users read, phrased to follow the key:
 * "platform:budget.monthlyUsd must be a positive number (got -5)".
 */
import { z } from "zod";
import { BrakeSchema, BrakeTargets, brakeProblems, defaultBrake } from "./brake";
import { resolveUploadLimits, UploadsSchema } from "./uploads";

/** The pipelines a stack can select. The order is the order they deploy in. */
export const PIPELINE_KINDS = ["realtime", "datalake", "streaming-warehouse", "batch-etl"] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];

import { LOG_RETENTION_DAYS } from "../model/awsLimits";

export { LOG_RETENTION_DAYS };

const positive = (what = "a positive number") => z.number({ error: `must be ${what}` }).positive({ error: `must be ${what}` });
const positiveInt = (what = "a positive integer") =>
  z.number({ error: `must be ${what}` }).int({ error: `must be ${what}` }).positive({ error: `must be ${what}` });
const nonNegative = (what = "a number of zero or more") => z.number({ error: `must be ${what}` }).min(0, { error: `must be ${what}` });
const intBetween = (min: number, max: number) =>
  z
    .number({ error: `must be an integer from ${min} to ${max}` })
    .int({ error: `must be an integer from ${min} to ${max}` })
    .min(min, { error: `must be an integer from ${min} to ${max}` })
    .max(max, { error: `must be an integer from ${min} to ${max}` });
const bool = () => z.boolean({ error: "must be true or false" });
const nonEmpty = (what: string) => z.string({ error: `must be ${what}` }).trim().min(1, { error: `must be ${what}` });

function uniqueList<T extends z.ZodType>(item: T, what: string, max: number) {
  return z
    .array(item, { error: `must be a list of ${what}` })
    .min(1, { error: `must list at least one of ${what}` })
    .max(max, { error: `must list at most ${max} ${what}` })
    .refine((xs) => new Set(xs as unknown[]).size === xs.length, { error: "must not repeat an entry" });
}

/**
 * How long the config's lists may be. Sales regions and currencies travel to the
 * stream processor and the Firehose transform as comma-joined environment
 * variables, and Lambda allows 4 KB of environment variables per function in all
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, as of
 * 2026-12-01): 50 region codes of up to 16 characters and 180 currencies (about the
 * number of active ISO 4217 codes) fit beside the other variables. They also bound
 * the aggregate keys (regions x buckets) the usage formulas price. An AWS Budget
 * notification takes at most 10 e-mail subscribers
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html);
 * alarm e-mails are SNS subscriptions, kept to a readable 50.
 */
export const LIST_MAXIMA = { salesRegions: 50, currencies: 180, alertEmails: 10, alarmEmails: 50 } as const;

export const AwsRegionSchema = z
  .string({ error: "must be an AWS region name such as eu-west-3" })
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "must be an AWS region name such as eu-west-3" });

export const BudgetSchema = z.strictObject({
  /** The monthly AWS Budget limit in USD; the cost guardrails compare against it. */
  monthlyUsd: positive(),
  /** Who receives budget and anomaly alerts by e-mail. */
  alertEmails: uniqueList(z.email({ error: "must be an e-mail address" }), "e-mail addresses", LIST_MAXIMA.alertEmails),
  /** Cost Anomaly Detection: alert when an anomaly's total impact exceeds this many USD. */
  anomalyThresholdUsd: positive().default(50),
});

export const WorkloadSchema = z
  .strictObject({
    /** Transactions per second over the month. */
    averageTps: positive(),
    /** Transactions per second during sale peaks. */
    peakTps: positive(),
    /** Hours a day spent at peak. */
    peakHoursPerDay: z.number({ error: "must be a number of hours from 0 to 24" }).min(0, { error: "must be a number of hours from 0 to 24" }).max(24, { error: "must be a number of hours from 0 to 24" }).default(2),
    /** Average size of one transaction record, in bytes (Kinesis caps a record at 1 MiB). */
    averageRecordBytes: intBetween(50, 1_048_576),
    /** Average line items per transaction. */
    itemsPerTransaction: positive().default(2.5),
    /** How long real-time aggregates stay in DynamoDB (TTL), in days. */
    hotRetentionDays: intBetween(1, 365),
    /** How long the validated history stays in S3, in days. */
    historyRetentionDays: intBetween(1, 3650),
    /** Analysts' Athena (or Redshift) queries per day. */
    queriesPerDay: nonNegative(),
    /** Data scanned by one query, in GB. */
    scannedGbPerQuery: nonNegative(),
    /** QuickSight dashboard readers. */
    dashboardUsers: intBetween(0, 100_000),
    /** QuickSight authors. */
    dashboardAuthors: intBetween(0, 10_000).default(0),
    /** Batch files landing per day (P1 and P3), and their average size in MB. */
    batchFilesPerDay: nonNegative().default(24),
    batchFileMb: nonNegative().default(50),
  })
  .refine((w) => w.peakTps >= w.averageTps, { error: "must be at least averageTps", path: ["peakTps"] });

const KinesisLimitsSchema = z.discriminatedUnion(
  "mode",
  [
    z
      .strictObject({
        mode: z.literal("provisioned"),
        /** Shards deployed now. */
        shards: intBetween(1, 500),
        /** The floor and ceiling an operator (or scaling automation) may move the shard count between. */
        minShards: intBetween(1, 500),
        maxShards: intBetween(1, 500),
      })
      .refine((k) => k.minShards <= k.shards && k.shards <= k.maxShards, {
        error: "must lie within minShards..maxShards",
        path: ["shards"],
      }),
    z.strictObject({
      mode: z.literal("on-demand"),
      /** The write throughput the team accepts paying for, in MB/s; alarms fire above it. */
      maxWriteMBps: z.number({ error: "must be a number of MB/s from 0.1 to 200" }).min(0.1, { error: "must be a number of MB/s from 0.1 to 200" }).max(200, { error: "must be a number of MB/s from 0.1 to 200" }),
    }),
  ],
  { error: 'must have mode "provisioned" or "on-demand"' },
);

const LambdaLimitsSchema = z.strictObject({
  /** Reserved concurrency of the stream processor: its hard ceiling. */
  reservedConcurrency: intBetween(1, 1000),
  memoryMb: intBetween(128, 10240).default(512),
  timeoutSeconds: intBetween(1, 900).default(60),
  /** Event source mapping settings. */
  batchSize: intBetween(1, 10000),
  batchingWindowSeconds: intBetween(0, 300),
  parallelizationFactor: intBetween(1, 10).default(1),
  maxRetries: intBetween(0, 10000).default(5),
  maxRecordAgeSeconds: intBetween(60, 604800).default(3600),
});

const DynamoLimitsSchema = z.discriminatedUnion(
  "billingMode",
  [
    z.strictObject({
      billingMode: z.literal("on-demand"),
      /** On-demand throughput caps (OnDemandThroughput): request units per second. */
      maxWriteRequestUnits: intBetween(1, 40000),
      maxReadRequestUnits: intBetween(1, 40000),
    }),
    z
      .strictObject({
        billingMode: z.literal("provisioned"),
        minWriteCapacity: intBetween(1, 40000),
        maxWriteCapacity: intBetween(1, 40000),
        minReadCapacity: intBetween(1, 40000),
        maxReadCapacity: intBetween(1, 40000),
        /** Target utilisation of the autoscaling policy, in percent. */
        targetUtilization: intBetween(20, 90).default(70),
      })
      .refine((d) => d.minWriteCapacity <= d.maxWriteCapacity, { error: "must be at least minWriteCapacity", path: ["maxWriteCapacity"] })
      .refine((d) => d.minReadCapacity <= d.maxReadCapacity, { error: "must be at least minReadCapacity", path: ["maxReadCapacity"] }),
  ],
  { error: 'must have billingMode "on-demand" or "provisioned"' },
);

export const GLUE_WORKER_TYPES = ["G.025X", "G.1X", "G.2X", "G.4X", "G.8X"] as const;

export const LimitsSchema = z.strictObject({
  kinesis: KinesisLimitsSchema,
  lambda: LambdaLimitsSchema,
  dynamodb: DynamoLimitsSchema,
  firehose: z
    .strictObject({
      bufferingSeconds: intBetween(0, 900).default(300),
      bufferingMb: intBetween(64, 128).default(128),
    })
    .default({ bufferingSeconds: 300, bufferingMb: 128 }),
  glue: z
    .strictObject({
      workerType: z.enum(GLUE_WORKER_TYPES, { error: `must be one of ${GLUE_WORKER_TYPES.join(", ")}` }).default("G.1X"),
      maxWorkers: intBetween(2, 299).default(2),
      timeoutMinutes: intBetween(1, 2880).default(30),
      runsPerDay: intBetween(0, 96).default(1),
    })
    .default({ workerType: "G.1X", maxWorkers: 2, timeoutMinutes: 30, runsPerDay: 1 }),
  redshift: z
    .strictObject({
      baseRpu: intBetween(4, 1024).default(8),
      maxRpu: intBetween(4, 1024).default(8),
      /** Usage limit: RPU-hours per month before the breach action. */
      monthlyRpuHours: positive().default(100),
    })
    .refine((r) => r.baseRpu <= r.maxRpu, { error: "must be at least baseRpu", path: ["maxRpu"] })
    .default({ baseRpu: 8, maxRpu: 8, monthlyRpuHours: 100 }),
  athena: z
    .strictObject({
      /** Queries that would scan more than this are cancelled (the workgroup's BytesScannedCutoffPerQuery). */
      bytesScannedCutoffPerQueryMb: intBetween(10, 10_000_000),
    }),
});

export const ProtectionSchema = z.strictObject({
  deletionProtection: bool(),
  pointInTimeRecovery: bool(),
  bucketVersioning: bool(),
  /** Let `pulumi destroy` empty buckets (dev only). */
  forceDestroyBuckets: bool(),
});

export const OperationsSchema = z.strictObject({
  logRetentionDays: z
    .number({ error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}` })
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { error: `must be one of ${LOG_RETENTION_DAYS.join(", ")}` }),
  /** Iterator age above which the stream alarm fires, in milliseconds. */
  iteratorAgeAlarmMs: positiveInt().default(60_000),
  /**
   * Hours the team gives itself to replay a failed batch from the stream once
   * Lambda has given up on it (maxRecordAgeSeconds); the stream must keep
   * records that much longer (policy kinesis-retention-covers-replay).
   */
  replayWindowHours: z.number({ error: "must be a number of hours from 1 to 8736" }).min(1, { error: "must be a number of hours from 1 to 8736" }).max(8736, { error: "must be a number of hours from 1 to 8736" }).default(12),
  alarmEmails: z
    .array(z.email({ error: "must be an e-mail address" }), { error: "must be a list of e-mail addresses" })
    .max(LIST_MAXIMA.alarmEmails, { error: `must list at most ${LIST_MAXIMA.alarmEmails} e-mail addresses` })
    .default([]),
});

export const SpikesSchema = z.strictObject({
  /** A minute whose units exceed ratio x the trailing baseline is a spike. */
  ratio: z.number({ error: "must be a number above 1" }).gt(1, { error: "must be a number above 1" }),
  /** Minimum units in the minute before a spike can fire (quiet products never alert). */
  minUnits: positiveInt(),
  /** Trailing minutes averaged into the baseline. */
  baselineMinutes: intBetween(1, 120),
  /** At most this many spike alerts per minute for the whole stack: an alert storm stays bounded (and so does its cost). */
  maxAlertsPerMinute: intBetween(1, 1000).default(20),
});

export const QuickSightSchema = z
  .strictObject({
    enabled: bool(),
    /**
     * The QuickSight group that owns the data sources and datasets (needed when enabled). The
     * principal is built from it and the deploying account: arn:aws:quicksight:<identityRegion>:<account>:group/<namespace>/<groupName>.
     */
    groupName: z.string().regex(/^[\w+=,.@-]{1,128}$/, { error: "must be a QuickSight group name (letters, digits and +=,.@_-, at most 128)" }).optional(),
    /** QuickSight namespace of the group. Default "default". */
    namespace: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, { error: "must be a QuickSight namespace name" }).default("default"),
    /** Region where the account's QuickSight users and groups live (its identity region). Default: the stack's region. */
    identityRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region name such as eu-west-3" }).optional(),
    refreshIntervalHours: intBetween(1, 24).default(24),
  })
  .refine((q) => !q.enabled || q.groupName !== undefined, { error: "is required when quicksight.enabled is true", path: ["groupName"] });

/** How strict the guardrails are; it sets every policy's enforcement level (docs/policies.md). */
export const GUARDRAIL_TIERS = ["production", "development"] as const;
export type GuardrailTier = (typeof GUARDRAIL_TIERS)[number];
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

const policyName = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "must be a policy name such as s3-versioning" });
const enforcementLevel = z.enum(ENFORCEMENT_LEVELS, { error: `must be one of ${ENFORCEMENT_LEVELS.join(", ")}` });

/**
 * `platform:guardrails`: the environment's tier and per-policy overrides, an
 * enforcement level or an object of the policy's options (with an optional
 * `enforcementLevel`). The policy pack checks the names and options.
 */
export const GuardrailsSchema = z.strictObject({
  /** Absent: production. A stack file that names no tier is judged strictly. */
  tier: z.enum(GUARDRAIL_TIERS, { error: `must be one of ${GUARDRAIL_TIERS.join(", ")}` }).default("production"),
  policies: z
    .record(policyName, z.union([enforcementLevel, z.looseObject({ enforcementLevel: enforcementLevel.optional() })], { error: `must be an enforcement level (${ENFORCEMENT_LEVELS.join(", ")}) or an object of the policy's options` }), {
      error: "must be a map of policy names",
    })
    .default({}),
});
export type Guardrails = z.infer<typeof GuardrailsSchema>;

const isoCurrency = z.string().regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 code such as EUR" });
const salesRegion = z.string().regex(/^[A-Z][A-Z0-9_]{1,15}$/, { error: "must be an upper-case region code such as EMEA" });

/** The `platform:` namespace of a stack file, key by key (without the prefix). */
export const PlatformConfigSchema = z.strictObject({
  owner: nonEmpty("a non-empty team name"),
  costCenter: nonEmpty("a non-empty cost centre"),
  pipelines: uniqueList(z.enum(PIPELINE_KINDS, { error: `must be one of ${PIPELINE_KINDS.join(", ")}` }), "pipelines", PIPELINE_KINDS.length),
  salesRegions: uniqueList(salesRegion, "sales regions", LIST_MAXIMA.salesRegions),
  currencies: uniqueList(isoCurrency, "currencies", LIST_MAXIMA.currencies),
  budget: BudgetSchema,
  workload: WorkloadSchema,
  limits: LimitsSchema,
  protection: ProtectionSchema,
  operations: OperationsSchema,
  spikes: SpikesSchema,
  quicksight: QuickSightSchema.default({ enabled: false, namespace: "default", refreshIntervalHours: 24 }),
  guardrails: GuardrailsSchema.default({ tier: "production", policies: {} }),
  /** The spend brake; absent, every action the stack can take (but stop-ingestion) at 100% of actual spend. */
  brake: BrakeSchema.optional(),
  /** The upload gate's bounds (environments/uploads.ts); absent values derive from the workload. */
  uploads: UploadsSchema.optional(),
})
  .superRefine((c, ctx) => {
    // A brake action must have something to act on, and stop-ingestion only where the environment allows it.
    if (c.brake) for (const p of brakeProblems(c.brake, brakeTargetsOf(c))) ctx.addIssue({ code: "custom", path: ["brake", ...p.path], message: p.message });
  })
  .transform((c) => ({ ...c, brake: c.brake ?? defaultBrake(brakeTargetsOf(c)), uploads: resolveUploadLimits(c.uploads, c.workload) }));

/** What a stack's config deploys that brake actions act on. */
function brakeTargetsOf(c: { pipelines: readonly PipelineKind[]; quicksight: { enabled: boolean }; protection: { deletionProtection: boolean } }): BrakeTargets {
  const has = (...kinds: PipelineKind[]) => c.pipelines.some((p) => kinds.includes(p));
  return {
    athena: has("realtime", "datalake"),
    glue: has("datalake", "batch-etl"),
    redshift: has("streaming-warehouse", "batch-etl"),
    quicksight: c.quicksight.enabled,
    landingZones: has("datalake", "batch-etl"),
    ingestion: has("realtime"),
    deletionProtection: c.protection.deletionProtection,
  };
}

export type PlatformConfig = z.infer<typeof PlatformConfigSchema>;
export type Budget = PlatformConfig["budget"];
export type Workload = PlatformConfig["workload"];
export type Limits = PlatformConfig["limits"];
export type KinesisLimits = Limits["kinesis"];
export type DynamoLimits = Limits["dynamodb"];
export type Protection = PlatformConfig["protection"];
export type Operations = PlatformConfig["operations"];

/** One environment, ready to deploy: the stack's name, its region and its validated platform config. */
export interface Environment extends PlatformConfig {
  /** The Pulumi stack name, e.g. "dev". */
  readonly stack: string;
  /** The Pulumi project name, used in names and the `project` tag. */
  readonly project: string;
  /** `aws:region` of the stack. */
  readonly awsRegion: string;
}
