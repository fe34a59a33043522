/**
 * The guaranteed ceiling: every part at its enforced bound, and the parts the
 * brake covers together at most their budget share (the highest ACTUAL stage
 * that stops them, x the budget) plus their maximum rate for the time AWS
 * Budgets takes to report the spend (cost/quotas: daily billing data, then up
 * to 12 h to the next evaluation). Pure.
 */
import { budgetOfStack } from "../../model/budget";
import { StackResource } from "../../model/resources";
import { MB } from "../constants";
import { isOnDemandStream } from "../estimators/kinesis";
import { at, numAt } from "../estimators/types";
import { PriceBook } from "../prices/catalogue";
import { budgetsDelayHours, quota } from "../quotas";
import { ResourceCostItem } from "../types";
import { ResourceGraph } from "../usage/graph";
import { PartBound, boundOf } from "./bounds";
import { DriverGraph, SETTING, activityKind } from "./drivers";
import { ACTION_STOPS, BRAKE_PLAN_VARIABLE, BrakePlan, BrakeSummary } from "./types";

export interface GuaranteedCeiling {
  /** null when a part has no enforced bound and the brake does not cover it. */
  readonly guaranteedCeilingMonthlyUsd: number | null;
  readonly brake: BrakeSummary | null;
}

/** Seconds at full rate before a fast-brake alarm acts: one 5-minute period, then the next evaluation. */
const FAST_ALARM_SECONDS = 600;

/** Parts whose cost grows with the records producers write (Lambda, logs and queues are bounded by concurrency instead). */
const RATE_PROPORTIONAL = new Set<string>(["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:dynamodb/table:Table", "aws:kinesis/stream:Stream"]);

function streamDriven(r: StackResource, drivers: DriverGraph): boolean {
  const kinds = [...drivers.of(r)].map(activityKind).filter((k) => k !== SETTING);
  return kinds.length > 0 && kinds.every((k) => k === "stream");
}

/**
 * With the fast ingestion brake, producers cannot write past its records/s for long: a part whose cost follows
 * the records runs at that share of the stream's capacity until the budget brake acts.
 */
function ingestionShare(item: ResourceCostItem, r: StackResource, drivers: DriverGraph, plan: BrakePlan, region: string, recordBytes: number): number {
  const max = plan.ingestionMaxRecordsPerSecond;
  if (max === undefined || !RATE_PROPORTIONAL.has(item.type) || !streamDriven(r, drivers)) return 1;
  let capacity = 0;
  for (const a of drivers.of(r)) {
    if (activityKind(a) !== "stream") continue;
    const s = drivers.resource(a.slice("stream:".length));
    if (!s || isOnDemandStream(s.inputs)) return 1;
    capacity += (numAt(s.inputs, "shardCount") ?? 1) * Math.min(quota(region, "kinesis.shard.writeRecordsPerSecond"), (quota(region, "kinesis.shard.writeMiBps") * MB) / recordBytes);
  }
  return capacity > 0 ? Math.min(1, max / capacity) : 1;
}

/** The brake plan the stack's brake function carries, if any. */
export function brakePlanOf(resources: readonly StackResource[]): BrakePlan | undefined {
  for (const r of resources) {
    if (r.type !== "aws:lambda/function:Function") continue;
    const raw = at(r.inputs, `environment.variables.${BRAKE_PLAN_VARIABLE}`);
    if (typeof raw !== "string") continue;
    try {
      const plan = JSON.parse(raw) as BrakePlan;
      if (Array.isArray(plan.stages)) return plan;
    } catch {
      // An unreadable plan is no plan: nothing is counted as braked.
    }
  }
  return undefined;
}

/** Sets each item's ceilingEnforcement, ceilingBound and guaranteedCeilingMonthlyUsd; returns the stack's. */
export function applyEnforcement(resources: readonly StackResource[], items: ResourceCostItem[], region: string, prices: PriceBook, recordBytes: number): GuaranteedCeiling {
  const g = new ResourceGraph(resources);
  const drivers = new DriverGraph(g);
  const plan = brakePlanOf(resources);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const bounds = new Map<string, PartBound>();
  for (const item of items) bounds.set(item.urn, boundOf(item, byUrn.get(item.urn)!, { g, drivers, region, prices, ...(plan ? { plan } : {}) }));

  // Which parts the brake covers: every activity that drives them is stopped by an ACTUAL stage.
  const stopAt = new Map<string, number>();
  for (const s of plan?.stages ?? []) {
    if (s.notification !== "actual") continue;
    for (const a of s.actions) for (const kind of ACTION_STOPS[a] ?? []) stopAt.set(kind, Math.min(stopAt.get(kind) ?? Infinity, s.percent));
  }
  const budget = budgetOfStack(resources).budget;
  const covered: { item: ResourceCostItem; b: PartBound; percent: number }[] = [];
  if (plan && budget) {
    for (const item of items) {
      const b = bounds.get(item.urn)!;
      if (b.enforcement === "fixed" || b.ratePerHourUsd === null) continue;
      // Settings (schedules, alarm periods, caps) keep running but are bounded; every other driver must be stopped.
      const kinds = [...drivers.of(byUrn.get(item.urn)!)].map(activityKind).filter((k) => k !== SETTING);
      if (kinds.length > 0 && kinds.every((k) => stopAt.has(k))) covered.push({ item, b, percent: Math.max(...kinds.map((k) => stopAt.get(k)!)) });
    }
  }

  let brake: BrakeSummary | null = null;
  const braked = new Map<string, number>();
  if (covered.length > 0 && budget) {
    const delayHours = budgetsDelayHours(region);
    const thresholdPercent = Math.max(...covered.map((c) => c.percent));
    const shareUsd = (thresholdPercent / 100) * budget.monthlyUsd;
    const after = covered.map(({ item, b }) => {
      const rate = b.ratePerHourUsd! * ingestionShare(item, byUrn.get(item.urn)!, drivers, plan!, region, recordBytes);
      const inFlight = b.inFlightUsd + (plan!.ingestionMaxRecordsPerSecond !== undefined && streamDriven(byUrn.get(item.urn)!, drivers) ? (b.ratePerHourUsd! * FAST_ALARM_SECONDS) / 3600 : 0);
      return Math.min(b.enforcedUsd ?? Infinity, rate * delayHours + inFlight + (b.unstoppableUsd ?? 0));
    });
    const worstCaseUsd = after.reduce((a, x) => a + x, 0);
    const ownSum = covered.reduce((a, { b }) => a + (b.enforcedUsd ?? Infinity), 0);
    const tighter = shareUsd + worstCaseUsd < ownSum;
    if (tighter) {
      // The share is a joint allowance; each part shows a slice in proportion to its expected cost.
      const expectedSum = covered.reduce((a, { item }) => a + item.expectedMonthlyUsd, 0);
      covered.forEach(({ item }, i) => braked.set(item.urn, shareUsd * (expectedSum > 0 ? item.expectedMonthlyUsd / expectedSum : 1 / covered.length) + after[i]));
    }
    brake = { delayHours, thresholdPercent, budgetMonthlyUsd: budget.monthlyUsd, shareUsd, worstCaseUsd, tighter, covered: covered.map((c) => c.item.name) };
  }

  let total: number | null = 0;
  for (const item of items) {
    const b = bounds.get(item.urn)!;
    const viaBrake = braked.get(item.urn);
    if (viaBrake !== undefined) {
      item.ceilingEnforcement = "brake";
      item.ceilingBound = `the spend brake at ${brake!.thresholdPercent}% of the budget, then ${brake!.delayHours} h at most at its maximum rate (own bound: ${b.bound})`;
      item.guaranteedCeilingMonthlyUsd = viaBrake;
    } else {
      item.ceilingEnforcement = b.enforcement;
      item.ceilingBound = b.bound;
      item.guaranteedCeilingMonthlyUsd = b.enforcedUsd;
    }
    total = total === null || item.guaranteedCeilingMonthlyUsd === null ? null : total + item.guaranteedCeilingMonthlyUsd;
  }
  return { guaranteedCeilingMonthlyUsd: total, brake };
}
