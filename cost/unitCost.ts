/**
 * Unit cost and headroom of a priced stack: what a million transactions cost
 * at the workload's average rate, and how much of each traffic bound of the
 * environment's limits the peak uses. Both read the engine's own figures
 * (StackCost from {@link estimateStack}); nothing here prices anything. Pure.
 */
import type { Limits, Workload } from "../environments/schema";
import { StackResource } from "../model/resources";
import { GB, KB, MB, SECONDS_PER_MONTH } from "./constants";
import { StackCost } from "./types";

/** Transactions a month at the workload's average rate. */
export function monthlyTransactions(workload: Workload): number {
  return workload.averageTps * SECONDS_PER_MONTH;
}

/** The stack's expected monthly cost per million transactions of `workload`. */
export function usdPerMillionTransactions(cost: Pick<StackCost, "expectedMonthlyUsd">, workload: Workload): number {
  const tx = monthlyTransactions(workload);
  return tx > 0 ? (cost.expectedMonthlyUsd / tx) * 1e6 : 0;
}

/** The workload with `factor` times its transaction traffic (average and peak); analysts' queries and dashboards stay as they are. */
export function scaleTraffic(workload: Workload, factor: number): Workload {
  return { ...workload, averageTps: workload.averageTps * factor, peakTps: workload.peakTps * factor };
}

/**
 * The workload held at its peak all month: priced with it, the engine's
 * monthly usage divided by the month's seconds is the peak's rate per second.
 */
export function flatAtPeak(workload: Workload): Workload {
  return { ...workload, averageTps: workload.peakTps, peakTps: workload.peakTps };
}

export interface BoundUse {
  /** Which limit: `limits.kinesis.maxWriteMBps`, `shardCount of <stream>`, `limits.dynamodb.maxWriteRequestUnits`, `reservedConcurrentExecutions of <function>`. */
  readonly bound: string;
  /** What the peak asks for, in the bound's unit. */
  readonly peak: number;
  readonly limit: number;
  readonly unit: string;
  /** peak / limit: above 1 the bound throttles (or alarms) at the peak. */
  readonly use: number;
}

const usageOf = (cost: StackCost, type: string, key: string): number =>
  cost.items.filter((i) => i.type === type).reduce((acc, i) => acc + (i.usage[key] ?? 0), 0);

/**
 * How much of each traffic bound in `limits` the peak uses, from a stack
 * priced with {@link flatAtPeak}'s workload: stream writes against the
 * on-demand write bound or, for a provisioned stream, the shards the peak
 * needs (1,000 records/s and 1 MiB/s each; records of `recordBytes`) against
 * its shard count, the aggregates table's writes against its maximum
 * write request units, each function's concurrency (invocations x billed
 * duration) against its reserved concurrency. Sorted, most used first.
 */
export function boundsAtPeak(costAtPeak: StackCost, resources: readonly StackResource[], limits: Limits, recordBytes: number): BoundUse[] {
  const out: BoundUse[] = [];
  const perSecond = (monthly: number) => monthly / SECONDS_PER_MONTH;
  if (limits.kinesis.mode === "on-demand") {
    const mbps = (perSecond(usageOf(costAtPeak, "aws:kinesis/stream:Stream", "monthly_on_demand_data_in_gb")) * GB) / MB;
    out.push({ bound: "limits.kinesis.maxWriteMBps", peak: mbps, limit: limits.kinesis.maxWriteMBps, unit: "MB/s", use: mbps / limits.kinesis.maxWriteMBps });
  }
  for (const item of costAtPeak.items) {
    const shards = item.type === "aws:kinesis/stream:Stream" ? item.usage["shard_count"] : undefined;
    if (shards === undefined || shards <= 0) continue;
    // PUT payload units are 25 KB each: the records/s are the units over the units a record takes.
    const recordsPerSec = perSecond(item.usage["monthly_provisioned_put_units"] ?? 0) / Math.ceil(recordBytes / (25 * KB));
    const needed = Math.max(recordsPerSec / 1000, (recordsPerSec * recordBytes) / MB);
    out.push({ bound: `shardCount of ${item.name}`, peak: needed, limit: shards, unit: "shards", use: needed / shards });
  }
  if (limits.dynamodb.billingMode === "on-demand") {
    const wru = perSecond(usageOf(costAtPeak, "aws:dynamodb/table:Table", "monthly_write_request_units"));
    out.push({ bound: "limits.dynamodb.maxWriteRequestUnits", peak: wru, limit: limits.dynamodb.maxWriteRequestUnits, unit: "WRU/s", use: wru / limits.dynamodb.maxWriteRequestUnits });
  }
  // Each function with a reserved concurrency (the stream processor's is limits.lambda.reservedConcurrency).
  for (const fn of resources) {
    const reserved = fn.type === "aws:lambda/function:Function" ? fn.inputs["reservedConcurrentExecutions"] : undefined;
    const item = costAtPeak.items.find((i) => i.urn === fn.urn);
    if (typeof reserved !== "number" || reserved <= 0 || !item) continue;
    const busy = perSecond(item.usage["monthly_requests"] ?? 0) * ((item.usage["request_duration_ms"] ?? 0) / 1000);
    out.push({ bound: `reservedConcurrentExecutions of ${fn.name}`, peak: busy, limit: reserved, unit: "concurrent executions", use: busy / reserved });
  }
  return out.sort((a, b) => b.use - a.use);
}
