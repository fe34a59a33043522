/**
 * What the platform's stream processor (functions/stream-processor) does per
 * invocation, as the DynamoDB, S3 and EventBridge derivers need it: the
 * aggregate keys it writes (SALES_REGIONS x PRODUCT_BUCKETS), the spike
 * events it publishes (capped by SPIKE_MAX_ALERTS_PER_MINUTE) and the size of
 * a quarantine line. Read from the function's environment, else the assumptions.
 */
import type { StackResource } from "../../model/resources";
import { SECONDS_PER_MONTH } from "../constants";
import { at } from "../estimators/types";
import { Amount, amount } from "./amount";
import { ASSUMPTIONS } from "./assumptions";
import type { LambdaFlow } from "./context";

/** Spike events a function publishes (expected and ceiling), bounded by SPIKE_MAX_ALERTS_PER_MINUTE when it sets it. */
export function spikeEvents(fn: StackResource, f: LambdaFlow): Amount {
  const vars = at(fn.inputs, "environment.variables") as Record<string, unknown> | undefined;
  const cap = Number(vars?.SPIKE_MAX_ALERTS_PER_MINUTE);
  const minutes = SECONDS_PER_MONTH / 60;
  // Without a cap: at most one per (minute, product, region), and never more than one per record.
  const perKeyMinute = ASSUMPTIONS.aggregateProducts * aggregateRegions(fn) * minutes;
  const bound = Number.isFinite(cap) && cap >= 0 ? cap * minutes : f.records.c === null ? perKeyMinute : Math.min(f.records.c, perKeyMinute);
  return amount(Math.min(bound, f.invocations.e * ASSUMPTIONS.spikeEventsPerInvocation), bound);
}

/** Sales regions a stream consumer aggregates by (its SALES_REGIONS), else the assumption. */
export function aggregateRegions(fn: StackResource): number {
  const v = at(fn.inputs, "environment.variables.SALES_REGIONS");
  return typeof v === "string" && v.trim() !== "" ? v.split(",").filter((x) => x.trim() !== "").length : ASSUMPTIONS.aggregateRegions;
}

/** Product buckets per region and minute (its PRODUCT_BUCKETS), else the assumption. */
export function aggregateBuckets(fn: StackResource): number {
  const v = Number(at(fn.inputs, "environment.variables.PRODUCT_BUCKETS"));
  return Number.isInteger(v) && v > 0 ? v : ASSUMPTIONS.aggregateBuckets;
}

/** One quarantine NDJSON line for a record of `recordBytes`: base64 payload plus the line's other fields. */
export function quarantineLineBytes(recordBytes: number): number {
  return Math.ceil(recordBytes / 3) * 4 + ASSUMPTIONS.quarantineLineOverheadBytes;
}
