/**
 * Kinesis Data Streams: the stream's traffic from the workload (the flow its
 * consumers read) and its billed usage: PUT payload units and shards
 * (provisioned), data in and out (on-demand).
 */
import type { StackResource } from "../../../model/resources";
import { GB, KB, MB, SECONDS_PER_MONTH } from "../../constants";
import { isOnDemandStream } from "../../estimators/kinesis";
import { at, numAt } from "../../estimators/types";
import { amount, times } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { StreamFlow, UsageContext } from "../context";
import { toDerived } from "../derived";
import { T } from "../tokens";
import type { Deriver } from "./types";

/** Records/s expected (the workload's average) and at the ceiling (the mode's configured maximum). */
export function streamFlow(ctx: UsageContext, s: StackResource): StreamFlow {
  const w = ctx.workload;
  const k = ctx.limits?.kinesis;
  const recordBytes = w?.averageRecordBytes ?? ASSUMPTIONS.defaultRecordBytes;
  const expectedRps = w?.averageTps ?? 0;
  let ceilingRps: number | null;
  let why: string | undefined;
  let shards: number;
  if (isOnDemandStream(s.inputs)) {
    const peak = w?.peakTps ?? 0;
    shards = Math.max(ASSUMPTIONS.onDemandMinShards, Math.ceil((peak * recordBytes) / MB), Math.ceil(peak / 1000));
    if (k?.mode === "on-demand") ceilingRps = (k.maxWriteMBps * MB) / recordBytes;
    else {
      ceilingRps = null;
      why = "on-demand stream without limits.kinesis.maxWriteMBps";
    }
  } else {
    shards = numAt(s.inputs, "shardCount") ?? 1;
    ceilingRps = maxShards(ctx, s) * Math.min(1000, MB / recordBytes);
  }
  return { recordsPerSec: amount(expectedRps, ceilingRps, why), recordBytes, shards };
}

function maxShards(ctx: UsageContext, s: StackResource): number {
  const k = ctx.limits?.kinesis;
  return k?.mode === "provisioned" ? k.maxShards : (numAt(s.inputs, "shardCount") ?? 1);
}

/** Standard consumers reading a stream: event source mappings and Firehose sources. */
function consumers(ctx: UsageContext, s: StackResource): number {
  const g = ctx.graph;
  const esms = g.linking(T.esm, "eventSourceArn", (m) => [m.inputs.eventSourceArn], s).length;
  const hoses = g.linking(T.firehose, "kinesisSourceConfiguration.kinesisStreamArn", (f) => [at(f.inputs, "kinesisSourceConfiguration.kinesisStreamArn")], s).length;
  return esms + hoses;
}

export const kinesisStream: Deriver = {
  derive(s, ctx) {
    const f = ctx.stream(s);
    const records = times(f.recordsPerSec, SECONDS_PER_MONTH);
    if (isOnDemandStream(s.inputs)) {
      const gbIn = times(records, (Math.ceil(f.recordBytes / KB) * KB) / GB);
      return toDerived({ monthly_on_demand_data_in_gb: gbIn, monthly_on_demand_data_out_gb: times(gbIn, consumers(ctx, s)) });
    }
    const unitsPerRecord = Math.ceil(f.recordBytes / (25 * KB));
    const shards = numAt(s.inputs, "shardCount") ?? 1;
    return toDerived({ monthly_provisioned_put_units: times(records, unitsPerRecord), shard_count: amount(shards, maxShards(ctx, s)) });
  },
};
