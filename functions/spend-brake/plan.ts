/**
 * What the brake function reads from its environment: the staged plan (the
 * stack file's `platform:brake`) and the targets (names the program resolved).
 * The CLI reads the same two variables from the deployed function.
 */
import { z } from "zod";

export const BRAKE_ACTION_NAMES = ["disable-athena-workgroups", "pause-glue", "redshift-deactivate", "pause-quicksight-refresh", "deny-landing-uploads", "stop-ingestion"] as const;
export type BrakeActionName = (typeof BRAKE_ACTION_NAMES)[number];

export const PlanSchema = z.object({
  stages: z.array(z.object({ percent: z.number().min(1).max(1000), notification: z.enum(["actual", "forecasted"]), actions: z.array(z.enum(BRAKE_ACTION_NAMES)) })).min(1),
  athenaMaxScannedGbPer5Minutes: z.number().positive(),
  allowStopIngestion: z.boolean().default(false),
  ingestionMaxRecordsPerSecond: z.number().positive().optional(),
});
export type Plan = z.infer<typeof PlanSchema>;

export const TargetsSchema = z.object({
  athenaWorkgroups: z.array(z.string()).default([]),
  streams: z.array(z.string()).default([]),
  landingBuckets: z.array(z.string()).default([]),
  redshiftWorkgroups: z.array(z.string()).default([]),
  stateMachineArns: z.array(z.string()).default([]),
  /** The usage limits' breach action as deployed (restored on release). */
  redshiftBreachAction: z.enum(["log", "emit-metric", "deactivate"]).default("log"),
  quicksightDataSetPrefix: z.string().default(""),
});
export type Targets = z.infer<typeof TargetsSchema>;

/** One action on one target: what it found and whether it changed anything. */
export interface ActionResult {
  readonly action: BrakeActionName;
  readonly target: string;
  /** "braked" (the action is in force) or "released" (normal operation). */
  readonly state: "braked" | "released";
  /** False when the target was already in that state (the action is idempotent). */
  readonly changed: boolean;
  readonly detail?: string;
}

/** Actions whose ACTUAL or FORECASTED stage the spend has reached, in stage order, each once. */
export function actionsReached(plan: Plan, spend: { actualUsd: number; forecastUsd: number | null; budgetUsd: number }): BrakeActionName[] {
  const out: BrakeActionName[] = [];
  for (const s of [...plan.stages].sort((a, b) => a.percent - b.percent)) {
    const value = s.notification === "actual" ? spend.actualUsd : spend.forecastUsd;
    if (value === null || value <= (s.percent / 100) * spend.budgetUsd) continue;
    for (const a of s.actions) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** Parses a JSON environment variable with a schema; the error names the variable. */
export function parseJsonVariable<T extends z.ZodType>(name: string, raw: string | undefined, schema: T): z.output<T> {
  let value: unknown;
  try {
    value = JSON.parse(raw ?? "");
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${name} ${r.error.issues[0].path.join(".")} ${r.error.issues[0].message}`);
  return r.data;
}
