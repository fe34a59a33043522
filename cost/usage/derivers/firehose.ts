/**
 * Amazon Data Firehose: the records a delivery stream receives (from its
 * source stream, or Direct PUT from outside the stack), the objects it
 * delivers (one per buffer flush) and its billed ingestion.
 */
import type { StackResource } from "../../../model/resources";
import { GB, MB, SECONDS_PER_MONTH } from "../../constants";
import { firehoseBilledBytes } from "../../estimators/firehose";
import { at, boolAt, numAt } from "../../estimators/types";
import { quota } from "../../quotas";
import { Amount, amount, map, times, unbounded } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { RecordFlow, UsageContext } from "../context";
import { toDerived } from "../derived";
import { T } from "../tokens";
import type { Deriver } from "./types";

export function firehoseSource(ctx: UsageContext, h: StackResource): RecordFlow {
  const s = ctx.graph.resolveFrom(h, at(h.inputs, "kinesisSourceConfiguration.kinesisStreamArn"), T.stream);
  if (s) {
    const f = ctx.stream(s);
    return { recordsPerSec: f.recordsPerSec, recordBytes: f.recordBytes };
  }
  // Direct PUT: the application's events (the workload's transactions) arrive from outside the stack,
  // at most at the region's Direct PUT quota per delivery stream (records/s and MiB/s, whichever binds).
  const recordBytes = ctx.workload?.averageRecordBytes ?? ASSUMPTIONS.defaultRecordBytes;
  const expected = ctx.workload?.averageTps ?? 0;
  if (ctx.region === undefined) return { recordsPerSec: unbounded(expected, "Direct PUT stream: no region to read its quota in"), recordBytes };
  const maxRps = Math.min(quota(ctx.region, "firehose.directPut.recordsPerSecond"), (quota(ctx.region, "firehose.directPut.MiBps") * MB) / recordBytes);
  return { recordsPerSec: amount(expected, maxRps), recordBytes };
}

/** One object per buffer flush: when the buffer fills or its interval ends, whichever comes first. */
export function firehoseObjects(ctx: UsageContext, h: StackResource): Amount {
  const src = ctx.firehoseSource(h);
  const bufferBytes = (numAt(h.inputs, "extendedS3Configuration.bufferingSize") ?? 5) * MB;
  const interval = numAt(h.inputs, "extendedS3Configuration.bufferingInterval") ?? 300;
  return map(src.recordsPerSec, (rps) => (rps <= 0 ? 0 : Math.max((rps * src.recordBytes) / bufferBytes, 1 / interval) * SECONDS_PER_MONTH));
}

export const firehoseDeliveryStream: Deriver = {
  derive(h, ctx) {
    const src = ctx.firehoseSource(h);
    const gb = times(src.recordsPerSec, (SECONDS_PER_MONTH * firehoseBilledBytes(src.recordBytes)) / GB);
    const partitioned = boolAt(h.inputs, "extendedS3Configuration.dynamicPartitioningConfiguration.enabled");
    return toDerived({ monthly_data_ingested_gb: gb, ...(partitioned ? { monthly_delivered_objects: ctx.firehoseObjects(h) } : {}) });
  },
};
