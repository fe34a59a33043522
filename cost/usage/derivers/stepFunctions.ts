/**
 * AWS Step Functions: executions a month from the schedules that start a
 * state machine; Standard workflows bill each state transition, Express
 * workflows each request.
 */
import { strAt } from "../../estimators/types";
import { fixed, times, unbounded } from "../amount";
import { toDerived } from "../derived";
import { safeJson } from "../refs";
import type { Deriver } from "./types";

/** States of a definition, nested Parallel branches and Map iterators included (one transition each per execution). */
function countStates(def: Record<string, unknown> | undefined): number {
  if (!def || typeof def.States !== "object" || def.States === null) return 0;
  let n = 0;
  for (const s of Object.values(def.States as Record<string, Record<string, unknown>>)) {
    n += 1;
    if (Array.isArray(s.Branches)) for (const b of s.Branches as Record<string, unknown>[]) n += countStates(b);
    if (s.Iterator) n += countStates(s.Iterator as Record<string, unknown>);
    if (s.ItemProcessor) n += countStates(s.ItemProcessor as Record<string, unknown>);
  }
  return n;
}

export const stateMachine: Deriver = {
  derive(sm, ctx) {
    const executions = ctx.scheduledRuns(sm);
    const states = countStates(safeJson(strAt(sm.inputs, "definition") ?? ""));
    const express = (strAt(sm.inputs, "type") ?? "STANDARD").toUpperCase() === "EXPRESS";
    const why = "no schedule in the stack bounds its executions";
    const execs = executions > 0 ? fixed(executions) : unbounded(0, why);
    return express ? toDerived({ monthly_requests: execs }) : toDerived({ monthly_transitions: times(execs, Math.max(1, states)) });
  },
};
