/**
 * The spend brake a stack file configures (`platform:brake`): staged actions
 * that budget notifications trigger, at percentages of the stack's budget.
 * Pure: the schema and the rules that tie actions to what the stack deploys.
 */
import { z } from "zod";

/**
 * What the brake can do, each idempotent and reversible with `platform brake release`:
 * - `disable-athena-workgroups`: set the stack's Athena workgroups DISABLED (and stop their running queries);
 * - `pause-glue`: stop the Glue triggers and crawler schedules and disable the EventBridge Scheduler schedules that start jobs;
 * - `redshift-deactivate`: set the Redshift Serverless usage limits' breach action to `deactivate`;
 * - `pause-quicksight-refresh`: remove the SPICE refresh schedules (kept in the brake's ledger for release);
 * - `deny-landing-uploads`: add a Deny s3:PutObject statement to the landing zones' bucket policies;
 * - `stop-ingestion`: deny writes to the ingestion streams (and Direct PUT Firehose streams) and disable their event source mappings. It drops what producers send, so only an environment that allows it (development) may list it.
 */
export const BRAKE_ACTIONS = [
  "disable-athena-workgroups",
  "pause-glue",
  "redshift-deactivate",
  "pause-quicksight-refresh",
  "deny-landing-uploads",
  "stop-ingestion",
] as const;
export type BrakeAction = (typeof BRAKE_ACTIONS)[number];

const percent = z
  .number({ error: "must be an integer percentage from 1 to 1000" })
  .int({ error: "must be an integer percentage from 1 to 1000" })
  .min(1, { error: "must be an integer percentage from 1 to 1000" })
  .max(1000, { error: "must be an integer percentage from 1 to 1000" });

export const BrakeStageSchema = z.strictObject({
  /** Percent of the budget (AWS Budgets' threshold, PERCENTAGE). */
  percent,
  /** ACTUAL spend (the bound relies on these) or FORECASTED (an earlier, unguaranteed signal). */
  notification: z.enum(["actual", "forecasted"], { error: 'must be "actual" or "forecasted"' }).default("actual"),
  actions: z
    .array(z.enum(BRAKE_ACTIONS, { error: `must be one of ${BRAKE_ACTIONS.join(", ")}` }), { error: "must be a list of brake actions" })
    .min(1, { error: "must list at least one brake action" })
    .refine((xs) => new Set(xs).size === xs.length, { error: "must not repeat an action" }),
});

export const BrakeSchema = z.strictObject({
  /** The stages, each a budget notification and the actions it triggers. */
  stages: z.array(BrakeStageSchema, { error: "must be a list of stages" }).min(1, { error: "must list at least one stage" }).max(5, { error: "must list at most 5 stages (AWS Budgets allows 5 notifications per budget)" }),
  /** Whether `stop-ingestion` may be listed (development stacks only: it drops data). */
  allowStopIngestion: z.boolean({ error: "must be true or false" }).default(false),
  /**
   * The fast Athena brake: a CloudWatch alarm on the workgroups' ProcessedBytes fires when they scan more than
   * this many GB in 5 minutes, and the brake disables them, minutes instead of a budget evaluation later.
   */
  athenaMaxScannedGbPer5Minutes: z.number({ error: "must be a positive number of GB" }).positive({ error: "must be a positive number of GB" }).default(10),
  /**
   * The fast ingestion brake (with stop-ingestion): a CloudWatch alarm on the streams' IncomingRecords fires when
   * producers write more than this many records a second over 5 minutes, and the brake stops ingestion.
   */
  ingestionMaxRecordsPerSecond: z.number({ error: "must be a positive integer" }).int({ error: "must be a positive integer" }).positive({ error: "must be a positive integer" }).optional(),
});

export type BrakeConfig = z.infer<typeof BrakeSchema>;
export type BrakeStage = z.infer<typeof BrakeStageSchema>;

/** What a stack deploys that the brake's actions act on. */
export interface BrakeTargets {
  readonly athena: boolean;
  readonly glue: boolean;
  readonly redshift: boolean;
  readonly quicksight: boolean;
  readonly landingZones: boolean;
  readonly ingestion: boolean;
  /** A stack with deletion protection keeps its data: it can never stop ingestion. */
  readonly deletionProtection: boolean;
}

const NEEDS: Readonly<Record<BrakeAction, { readonly key: keyof BrakeTargets; readonly what: string }>> = {
  "disable-athena-workgroups": { key: "athena", what: "Athena workgroup (realtime or datalake)" },
  "pause-glue": { key: "glue", what: "Glue job or crawler (datalake or batch-etl)" },
  "redshift-deactivate": { key: "redshift", what: "Redshift Serverless workgroup (streaming-warehouse or batch-etl)" },
  "pause-quicksight-refresh": { key: "quicksight", what: "QuickSight data set (platform:quicksight.enabled is false)" },
  "deny-landing-uploads": { key: "landingZones", what: "landing zone (datalake or batch-etl)" },
  "stop-ingestion": { key: "ingestion", what: "ingestion stream (realtime)" },
};

/** One line per action the environment cannot take, with its key path (relative to `brake`). */
export function brakeProblems(brake: BrakeConfig, targets: BrakeTargets): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  brake.stages.forEach((stage, i) =>
    stage.actions.forEach((action, j) => {
      const path = ["stages", i, "actions", j];
      const need = NEEDS[action];
      if (!targets[need.key]) out.push({ path, message: `${action} cannot be taken: the stack deploys no ${need.what}` });
      else if (action === "stop-ingestion" && targets.deletionProtection) out.push({ path, message: "stop-ingestion cannot be taken in a stack with protection.deletionProtection (it drops what producers send)" });
      else if (action === "stop-ingestion" && !brake.allowStopIngestion) out.push({ path, message: "stop-ingestion cannot be taken unless platform:brake.allowStopIngestion is true (development stacks only)" });
    }),
  );
  if (brake.ingestionMaxRecordsPerSecond !== undefined && !brake.stages.some((s) => s.actions.includes("stop-ingestion"))) {
    out.push({ path: ["ingestionMaxRecordsPerSecond"], message: "has no effect unless a stage lists stop-ingestion" });
  }
  return out;
}

/** The ACTUAL-spend percentage at which each action first fires (forecast stages are not a guarantee). */
export function actionThresholds(brake: BrakeConfig): Map<BrakeAction, number> {
  const out = new Map<BrakeAction, number>();
  for (const s of brake.stages) {
    if (s.notification !== "actual") continue;
    for (const a of s.actions) out.set(a, Math.min(out.get(a) ?? Infinity, s.percent));
  }
  return out;
}

/** The brake a stack file that says nothing gets: every action it can take but stop-ingestion, at 100% of actual spend. */
export function defaultBrake(targets: BrakeTargets): BrakeConfig {
  const actions = BRAKE_ACTIONS.filter((a) => a !== "stop-ingestion" && targets[NEEDS[a].key]);
  return { stages: actions.length ? [{ percent: 100, notification: "actual", actions }] : [], allowStopIngestion: false, athenaMaxScannedGbPer5Minutes: 10 };
}
