/**
 * Amazon DynamoDB: the request units and storage of a table from the
 * functions writing it (the stream processor's aggregates by
 * cost/usage/aggregates.ts, one write and half a read per invocation for
 * any other writer), provisioned capacity from autoscaling, ceilings at the
 * configured maxima.
 */
import type { Workload } from "../../../environments/schema";
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, GB, KB, SECONDS_PER_MONTH } from "../../constants";
import { isProvisionedTable } from "../../estimators/dynamodb";
import { boolAt, numAt, strAt } from "../../estimators/types";
import { aggregateWrites } from "../aggregates";
import { Amount, amount } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { LambdaFlow, UsageContext } from "../context";
import { toDerived } from "../derived";
import { aggregateRegions, spikeEvents } from "../processor";
import { envWriters } from "../refs";
import { T } from "../tokens";
import { recordsPerBatch } from "./lambda";
import type { Deriver } from "./types";

/** What the writers of a table do to it in a month (accumulated writer by writer). */
interface TableLoad {
  /** Aggregate keys (region x bucket) written each minute. */
  keys: number;
  wruMonth: number;
  rruMonth: number;
  /** Largest aggregate item at the end of its minute, bytes (0: no aggregates). */
  itemBytes: number;
}

/** Regimes of a month: (share of the time, transactions/s): peak hours at peakTps, the rest at the rate that keeps averageTps. */
function trafficRegimes(w: Workload | undefined): { share: number; tps: number }[] {
  if (!w || w.averageTps <= 0) return [];
  const h = Math.min(24, Math.max(0, w.peakHoursPerDay));
  const off = h < 24 ? (w.averageTps * 24 - w.peakTps * h) / (24 - h) : 0;
  if (h <= 0 || h >= 24 || w.peakTps <= w.averageTps || off < 0) return [{ share: 1, tps: w.averageTps }];
  return [
    { share: h / 24, tps: w.peakTps },
    { share: 1 - h / 24, tps: off },
  ];
}

function tableLoad(ctx: UsageContext, t: StackResource): TableLoad {
  const load: TableLoad = { keys: 0, wruMonth: 0, rruMonth: 0, itemBytes: 0 };
  for (const { fn } of envWriters(ctx.graph, t)) {
    const f = ctx.lambda(fn);
    if (!f.batch || f.invocations.e <= 0 || f.streamSources.length === 0) {
      load.wruMonth += f.invocations.e;
      load.rruMonth += f.invocations.e * ASSUMPTIONS.readsPerWrite;
      continue;
    }
    addAggregates(ctx, fn, f, load);
  }
  if (load.keys === 0) load.keys = ASSUMPTIONS.aggregateRegions * ASSUMPTIONS.aggregateBuckets;
  return load;
}

/**
 * The aggregates written by a stream consumer (cost/usage/aggregates.ts, docs/cost.md): per
 * traffic regime, records per batch from the event source mapping, item growth through the minute.
 */
function addAggregates(ctx: UsageContext, fn: StackResource, f: LambdaFlow, load: TableLoad): void {
  const A = ASSUMPTIONS;
  const regions = aggregateRegions(fn);
  let itemsPerMinute = 0;
  let itemBytes = 0;
  for (const src of f.streamSources) {
    for (const { share, tps } of trafficRegimes(ctx.workload)) {
      const m = aggregateWrites({
        tps,
        recordsPerBatch: recordsPerBatch(tps / src.pollers, src.batchSize, src.windowSeconds),
        shards: src.pollers,
        linesPerTransaction: ctx.workload?.itemsPerTransaction ?? 1,
        regions,
        products: A.aggregateProducts,
        zipfExponent: A.aggregateZipfExponent,
        itemBaseBytes: A.aggregateItemBaseBytes,
        bytesPerProduct: A.aggregateBytesPerProduct,
        markBytes: A.aggregateMarkBytes,
      });
      load.wruMonth += share * m.wruPerSecond * SECONDS_PER_MONTH;
      // The folds' chain reads, the spike verdicts' and the baselines' reads of the minute totals.
      load.rruMonth += share * m.rruPerSecond * SECONDS_PER_MONTH;
      itemsPerMinute += share * m.itemsPerRegionMinute;
      itemBytes += share * m.meanItemBytes;
    }
  }
  load.keys += (regions * itemsPerMinute) / f.streamSources.length;
  load.itemBytes = Math.max(load.itemBytes, itemBytes / f.streamSources.length);
  // Spikes: a marker item and a slot of the minute's alert counter (two small UpdateItems) per event.
  load.wruMonth += spikeEvents(fn, f).e * A.spikeWritesPerEvent;
}

/** Table storage: expected from the items alive over the TTL; `ceilingFor` a maximum write rate (null: unbounded). */
interface TableStorage {
  readonly expected: number;
  ceilingFor(wruPerSec: number | null): number | null;
  readonly why: string;
}

function tableStorage(ctx: UsageContext, t: StackResource, load: TableLoad): TableStorage {
  const A = ASSUMPTIONS;
  // Stored items carry DynamoDB's 100-byte per-item overhead.
  const itemBytes = load.itemBytes > 0 ? load.itemBytes + A.dynamoItemOverheadBytes : A.itemBytes;
  const ttl = boolAt(t.inputs, "ttl.enabled") === true;
  const hotDays = ctx.workload?.hotRetentionDays;
  const keys = load.keys;
  // Items alive: one per key and minute over the TTL; the ceiling assumes every write makes a new item.
  const expectedItems = load.wruMonth > 0 ? (ttl && hotDays !== undefined ? keys * hotDays * 1440 : keys * 1440 * DAYS_PER_MONTH * A.accumulationMonthsWhenNoExpiry) : 0;
  const expected = (expectedItems * itemBytes) / GB;
  return {
    expected,
    ceilingFor: (wruPerSec) => (wruPerSec === null || !ttl || hotDays === undefined ? null : Math.max(expected, (wruPerSec * 86400 * hotDays * KB) / GB)),
    why: ttl ? "TTL is on but no workload gives hotRetentionDays" : "items never expire (no TTL)",
  };
}

/** Provisioned capacity of one dimension: what autoscaling settles at (between its min and max), else the prop. */
function provisionedCapacity(ctx: UsageContext, t: StackResource, dim: "Write" | "Read", unitsMonth: number): Amount {
  const g = ctx.graph;
  const dimension = `dynamodb:table:${dim}CapacityUnits`;
  const target = g.linking(T.scalingTarget, "resourceId", (x) => [x.inputs.resourceId], t).find((x) => strAt(x.inputs, "scalableDimension") === dimension);
  const prop = numAt(t.inputs, `${dim.toLowerCase()}Capacity`) ?? 0;
  if (!target) return amount(prop, prop);
  const policy = g.linking(T.scalingPolicy, "resourceId", (x) => [x.inputs.resourceId], t).find((p) => strAt(p.inputs, "scalableDimension") === dimension);
  const limits = ctx.limits?.dynamodb;
  const util = (numAt(policy?.inputs, "targetTrackingScalingPolicyConfiguration.targetValue") ?? (limits?.billingMode === "provisioned" ? limits.targetUtilization : 70)) / 100;
  const min = numAt(target.inputs, "minCapacity") ?? prop;
  const max = numAt(target.inputs, "maxCapacity") ?? prop;
  const needed = unitsMonth / SECONDS_PER_MONTH / util;
  return amount(Math.min(max, Math.max(min, needed)), max);
}

/**
 * Request units a month under an onDemandThroughput maximum (per second; absent or -1: none).
 * DynamoDB throttles requests above it, so neither the expected figure nor the ceiling can pass it.
 */
function throttledAt(unitsMonth: number, maxPerSecond: number | undefined, why: string): Amount {
  if (maxPerSecond === undefined || maxPerSecond < 0) return amount(unitsMonth, null, why);
  const most = maxPerSecond * SECONDS_PER_MONTH;
  return amount(Math.min(unitsMonth, most), most);
}

export const dynamodbTable: Deriver = {
  derive(t, ctx) {
    const load = tableLoad(ctx, t);
    const storage = tableStorage(ctx, t, load);
    const pitr = boolAt(t.inputs, "pointInTimeRecovery.enabled") === true;
    if (isProvisionedTable(t.inputs)) {
      const wcu = provisionedCapacity(ctx, t, "Write", load.wruMonth);
      const rcu = provisionedCapacity(ctx, t, "Read", load.rruMonth);
      const stored = amount(storage.expected, storage.ceilingFor(wcu.c), storage.why);
      return toDerived({ write_capacity_units: wcu, read_capacity_units: rcu, storage_gb: stored, ...(pitr ? { pitr_backup_storage_gb: stored } : {}) });
    }
    const maxW = numAt(t.inputs, "onDemandThroughput.maxWriteRequestUnits");
    const maxR = numAt(t.inputs, "onDemandThroughput.maxReadRequestUnits");
    const why = "on-demand table without onDemandThroughput maximums";
    const wru = throttledAt(load.wruMonth, maxW, why);
    const rru = throttledAt(load.rruMonth, maxR, why);
    const stored = amount(storage.expected, maxW === undefined || maxW < 0 ? null : storage.ceilingFor(maxW), maxW === undefined ? why : storage.why);
    return toDerived({ monthly_write_request_units: wru, monthly_read_request_units: rru, storage_gb: stored, ...(pitr ? { pitr_backup_storage_gb: stored } : {}) });
  },
};
