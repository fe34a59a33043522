/**
 * Amazon Redshift Serverless: RPU-hours a month of a workgroup (expected: the
 * workload's queries at base capacity, billed a minimum per query), bounded
 * by maxCapacity all month and by a deactivating compute usage limit.
 */
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, HOURS_PER_MONTH } from "../../constants";
import { numAt, strAt } from "../../estimators/types";
import { amount } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import { T } from "../tokens";
import type { Deriver } from "./types";

/** RPU-hours a month a usage limit allows, when it is a serverless-compute limit that deactivates the workgroup. */
function limitHours(l: StackResource): number | undefined {
  if ((strAt(l.inputs, "usageType") ?? "") !== "serverless-compute" || (strAt(l.inputs, "breachAction") ?? "log") !== "deactivate") return undefined;
  const amountHours = numAt(l.inputs, "amount");
  if (amountHours === undefined) return undefined;
  const period = strAt(l.inputs, "period") ?? "monthly";
  return period === "daily" ? amountHours * DAYS_PER_MONTH : period === "weekly" ? (amountHours * DAYS_PER_MONTH) / 7 : amountHours;
}

function ceilingHours(ctx: UsageContext, wg: StackResource, max: number): number {
  let ceiling = max * HOURS_PER_MONTH;
  for (const l of ctx.graph.linking(T.rsUsageLimit, "resourceArn", (x) => [x.inputs.resourceArn], wg)) {
    const perMonth = limitHours(l);
    if (perMonth !== undefined) ceiling = Math.min(ceiling, perMonth);
  }
  return ceiling;
}

export const redshiftServerlessWorkgroup: Deriver = {
  derive(wg, ctx) {
    const base = numAt(wg.inputs, "baseCapacity") ?? 128;
    const max = numAt(wg.inputs, "maxCapacity") ?? base;
    const w = ctx.workload;
    const expected = w ? (base * w.queriesPerDay * DAYS_PER_MONTH * ASSUMPTIONS.redshiftSecondsPerQuery) / 3600 : 0;
    const ceiling = ceilingHours(ctx, wg, max);
    return toDerived({ monthly_rpu_hours: amount(Math.min(expected, ceiling), ceiling) });
  },
};
