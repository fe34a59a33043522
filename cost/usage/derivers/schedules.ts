/**
 * Schedules: EventBridge Scheduler schedules (billed per invocation) and the
 * runs a month that schedules and scheduled EventBridge rules give their
 * targets (functions, state machines).
 */
import type { StackResource } from "../../../model/resources";
import { at, strAt } from "../../estimators/types";
import { fixed } from "../amount";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import { monthlyRuns } from "../schedule";
import { T } from "../tokens";
import type { Deriver } from "./types";

/** Invocations a month from Scheduler schedules and scheduled EventBridge rules targeting the resource. */
export function scheduledRuns(ctx: UsageContext, target: StackResource): number {
  const g = ctx.graph;
  let runs = 0;
  for (const s of g.linking(T.schedule, "target.arn", (x) => [at(x.inputs, "target.arn")], target)) {
    runs += monthlyRuns(strAt(s.inputs, "scheduleExpression")) ?? 0;
  }
  for (const t of g.linking(T.target, "arn", (x) => [x.inputs.arn], target)) {
    const rule = g.resolveFrom(t, t.inputs.rule, T.rule);
    if (rule) runs += monthlyRuns(strAt(rule.inputs, "scheduleExpression")) ?? 0;
  }
  return runs;
}

export const schedulerSchedule: Deriver = {
  derive(r) {
    return toDerived({ monthly_invocations: fixed(monthlyRuns(strAt(r.inputs, "scheduleExpression")) ?? 0) });
  },
};
