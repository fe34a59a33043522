/**
 * Capacity at peak: whether each bound the ceiling relies on still carries the
 * declared peak (workload.peakTps x averageRecordBytes): the stream's shards
 * (1 MB/s and 1,000 records/s each) or the on-demand regional maximum, the
 * stream processor's concurrency x its measured records/s, DynamoDB's
 * onDemandThroughput against the writes the cost engine models, Firehose
 * Direct PUT's quota. Headroom = capacity / need. Pure.
 */
import type { Workload } from "../../environments/schema";
import { StackResource } from "../../model/resources";
import { MB } from "../constants";
import { isOnDemandStream } from "../estimators/kinesis";
import { at, numAt } from "../estimators/types";
import { quota } from "../quotas";
import { aggregateWrites } from "../usage/aggregates";
import { ASSUMPTIONS } from "../usage/assumptions";
import { recordsPerBatch } from "../usage/derivers/lambda";
import { ResourceGraph } from "../usage/graph";
import measurements from "./measurements.json";

export interface CapacityBound {
  /** The resource whose setting is the bound. */
  readonly urn: string;
  readonly name: string;
  /** What is compared, e.g. "records/s" or "WRU/s". */
  readonly unit: string;
  /** What the peak needs. */
  readonly needed: number;
  /** What the bound allows. */
  readonly capacity: number;
  /** capacity / needed (Infinity when nothing is needed). */
  readonly headroom: number;
  /** How the capacity is made up, in words. */
  readonly basis: string;
}

/** records/s one vCPU of the stream processor handles, as `npm run bench` measured it (with its date). */
export const PROCESSOR_RECORDS_PER_CORE = measurements["processor.records_per_second_per_core"];

const bound = (r: StackResource, unit: string, needed: number, capacity: number, basis: string): CapacityBound => ({ urn: r.urn, name: r.name, unit, needed, capacity, headroom: needed > 0 ? capacity / needed : Infinity, basis });

/** Every bound's capacity at the workload's peak. */
export function capacityAtPeak(resources: readonly StackResource[], region: string, workload: Workload): CapacityBound[] {
  const g = new ResourceGraph(resources);
  const peak = workload.peakTps;
  const bytes = workload.averageRecordBytes;
  const out: CapacityBound[] = [];
  for (const s of g.ofType("aws:kinesis/stream:Stream")) {
    const shards = isOnDemandStream(s.inputs) ? Math.floor(quota(region, "kinesis.onDemand.maxWriteMiBps") / quota(region, "kinesis.shard.writeMiBps")) : (numAt(s.inputs, "shardCount") ?? 1);
    const perShard = Math.min(quota(region, "kinesis.shard.writeRecordsPerSecond"), (quota(region, "kinesis.shard.writeMiBps") * MB) / bytes);
    const what = isOnDemandStream(s.inputs) ? `on-demand, up to the regional ${quota(region, "kinesis.onDemand.maxWriteMiBps")} MiB/s` : `${shards} shards`;
    out.push(bound(s, "records/s", peak, shards * perShard, `${what} x min(1,000 records/s, 1 MiB/s / ${bytes} B)`));
    out.push(...consumers(g, s, region, workload));
  }
  for (const h of g.ofType("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) {
    if (g.resolveFrom(h, at(h.inputs, "kinesisSourceConfiguration.kinesisStreamArn"), "aws:kinesis/stream:Stream")) continue; // reads at the stream's pace
    const records = quota(region, "firehose.directPut.recordsPerSecond");
    const mib = quota(region, "firehose.directPut.MiBps");
    out.push(bound(h, "records/s", peak, Math.min(records, (mib * MB) / bytes), `Direct PUT quota: ${records} records/s, ${mib} MiB/s`));
  }
  return out;
}

/** The stream's processors (event source mappings) and the DynamoDB tables they write. */
function consumers(g: ResourceGraph, s: StackResource, region: string, w: Workload): CapacityBound[] {
  const out: CapacityBound[] = [];
  const shards = isOnDemandStream(s.inputs) ? Math.max(ASSUMPTIONS.onDemandMinShards, Math.ceil((w.peakTps * w.averageRecordBytes) / MB), Math.ceil(w.peakTps / 1000)) : (numAt(s.inputs, "shardCount") ?? 1);
  for (const m of g.ofType("aws:lambda/eventSourceMapping:EventSourceMapping").filter((m) => g.links(m, m.inputs.eventSourceArn, s))) {
    const fn = g.resolveFrom(m, m.inputs.functionName, "aws:lambda/function:Function");
    if (!fn) continue;
    const pollers = shards * (numAt(m.inputs, "parallelizationFactor") ?? 1);
    const reserved = numAt(fn.inputs, "reservedConcurrentExecutions") ?? pollers;
    const concurrency = Math.min(pollers, reserved);
    const vcpu = Math.min(1, (numAt(fn.inputs, "memorySize") ?? 128) / quota(region, "lambda.memoryMbPerVcpu"));
    const perInvocation = PROCESSOR_RECORDS_PER_CORE.value * vcpu;
    out.push(bound(fn, "records/s", w.peakTps, concurrency * perInvocation, `${concurrency} concurrent batches x ${Math.round(perInvocation).toLocaleString("en-US")} records/s (${PROCESSOR_RECORDS_PER_CORE.value.toLocaleString("en-US")}/vCPU measured ${PROCESSOR_RECORDS_PER_CORE.measuredOn} x ${vcpu.toFixed(2)} vCPU)`));
    for (const t of tablesWrittenBy(g, fn)) {
      const maxW = numAt(t.inputs, "onDemandThroughput.maxWriteRequestUnits");
      if (maxW === undefined) continue;
      const vars = at(fn.inputs, "environment.variables") as Record<string, unknown> | undefined;
      const regions = typeof vars?.SALES_REGIONS === "string" ? vars.SALES_REGIONS.split(",").length : ASSUMPTIONS.aggregateRegions;
      const window = numAt(m.inputs, "maximumBatchingWindowInSeconds") ?? 0;
      const writes = aggregateWrites({
        tps: w.peakTps,
        recordsPerBatch: recordsPerBatch(w.peakTps / pollers, numAt(m.inputs, "batchSize") ?? 100, window > 0 ? window : ASSUMPTIONS.pollIntervalSeconds),
        shards: pollers,
        linesPerTransaction: w.itemsPerTransaction,
        regions,
        products: ASSUMPTIONS.aggregateProducts,
        zipfExponent: ASSUMPTIONS.aggregateZipfExponent,
        itemBaseBytes: ASSUMPTIONS.aggregateItemBaseBytes,
        bytesPerProduct: ASSUMPTIONS.aggregateBytesPerProduct,
        markBytes: ASSUMPTIONS.aggregateMarkBytes,
      });
      const spikeWru = (Number(vars?.SPIKE_MAX_ALERTS_PER_MINUTE) > 0 ? Number(vars?.SPIKE_MAX_ALERTS_PER_MINUTE) : 0) * ASSUMPTIONS.spikeWritesPerEvent / 60;
      out.push(bound(t, "WRU/s", writes.wruPerSecond + spikeWru, maxW, `onDemandThroughput.maxWriteRequestUnits ${maxW} against the aggregates' ${writes.wruPerSecond.toFixed(0)} WRU/s at peak (cost engine model) + spike markers`));
    }
  }
  return out;
}

function tablesWrittenBy(g: ResourceGraph, fn: StackResource): StackResource[] {
  const vars = at(fn.inputs, "environment.variables");
  if (!vars || typeof vars !== "object") return [];
  return g.ofType("aws:dynamodb/table:Table").filter((t) => Object.values(vars as Record<string, unknown>).some((v) => g.refersTo(v, t)));
}

