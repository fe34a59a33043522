/**
 * AWS Glue: runs a month of jobs and crawlers (their schedule, the triggers
 * that start them, the state machines that run a job), a job's hours and
 * workers, a crawler's runs.
 */
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH } from "../../constants";
import { at, numAt, strAt } from "../../estimators/types";
import { Amount, amount, fixed, unbounded } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import { safeJson } from "../refs";
import { monthlyRuns } from "../schedule";
import { T } from "../tokens";
import type { Deriver } from "./types";

/**
 * Runs a month of a Glue job or crawler: its own `schedule`, plus the triggers that start it
 * (SCHEDULED: their schedule; CONDITIONAL: the runs of the job or crawler their first condition
 * watches; ON_DEMAND: none). Undefined when no trigger or schedule is linked.
 */
export function glueRuns(ctx: UsageContext, r: StackResource, seen = new Set<string>()): number | undefined {
  if (seen.has(r.urn)) return 0;
  seen.add(r.urn);
  const g = ctx.graph;
  const key = r.type === T.crawler ? "crawlerName" : "jobName";
  let runs = monthlyRuns(strAt(r.inputs, "schedule"));
  const actionsOf = (t: StackResource) => (Array.isArray(t.inputs.actions) ? (t.inputs.actions as Record<string, unknown>[]) : []);
  for (const t of g.linking(T.trigger, `actions.${key}`, (x) => actionsOf(x).map((a) => a[key]), r)) {
    runs = (runs ?? 0) + triggerRuns(ctx, t, seen);
  }
  // Jobs a state machine starts (`JobName` in its definition) run once per execution.
  if (r.type === T.glueJob) {
    const names = (sm: StackResource) => jobNames(safeJson(strAt(sm.inputs, "definition") ?? ""));
    for (const sm of g.linking(T.sfn, "definition.JobName", names, r)) {
      if (names(sm).some((n) => g.refersTo(n, r))) runs = (runs ?? 0) + ctx.scheduledRuns(sm);
    }
  }
  return runs;
}

/** Runs a month one trigger starts. */
function triggerRuns(ctx: UsageContext, t: StackResource, seen: Set<string>): number {
  const type = (strAt(t.inputs, "type") ?? "ON_DEMAND").toUpperCase();
  if (type === "SCHEDULED") return monthlyRuns(strAt(t.inputs, "schedule")) ?? 0;
  if (type !== "CONDITIONAL") return 0;
  const cond = (at(t.inputs, "predicate.conditions") as Record<string, unknown>[] | undefined)?.[0];
  const upstream = cond ? (ctx.graph.resolveFrom(t, cond.jobName, T.glueJob) ?? ctx.graph.resolveFrom(t, cond.crawlerName, T.crawler)) : undefined;
  return upstream ? (glueRuns(ctx, upstream, seen) ?? 0) : 0;
}

/** Every `JobName` (or `JobName.$`-free string) in a state machine definition. */
function jobNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(jobNames);
  if (v && typeof v === "object") {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => (k === "JobName" && typeof x === "string" ? [x] : jobNames(x)));
  }
  return [];
}

/** A job's runs (linked, else limits.glue.runsPerDay), hours (expected: glueRunMinutes; ceiling: its timeout) and workers. */
export function glueJobUsage(ctx: UsageContext, j: StackResource): Record<string, Amount> {
  const g = ctx.limits?.glue;
  const linkedRuns = ctx.glueRuns(j);
  const runs = linkedRuns ?? (g ? g.runsPerDay * DAYS_PER_MONTH : 0);
  const timeout = numAt(j.inputs, "timeout") ?? g?.timeoutMinutes ?? ASSUMPTIONS.glueDefaultTimeoutMinutes;
  const workers = numAt(j.inputs, "numberOfWorkers");
  const propType = strAt(j.inputs, "workerType");
  const maxWorkers = g && (propType === undefined || propType === g.workerType) ? Math.max(g.maxWorkers, workers ?? 0) : workers;
  return {
    monthly_runs: fixed(runs),
    monthly_hours: amount((runs * Math.min(timeout, ASSUMPTIONS.glueRunMinutes)) / 60, (runs * timeout) / 60),
    ...(workers !== undefined || maxWorkers !== undefined ? { workers: amount(workers ?? maxWorkers ?? 0, maxWorkers ?? workers ?? 0) } : {}),
  };
}

export const glueJob: Deriver = {
  derive(j, ctx) {
    return toDerived(glueJobUsage(ctx, j));
  },
};

export const glueCrawler: Deriver = {
  derive(c, ctx) {
    return toDerived({ monthly_runs: unbounded(ctx.glueRuns(c) ?? 0, "a crawler run has no configurable time limit") });
  },
};
