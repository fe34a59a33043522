/**
 * The history as Firehose delivers it: each record goes through the real
 * Firehose transformation (firehose-transform/transform.ts); the rows it marks
 * Ok are buffered like Firehose (a buffer closes when its size or interval
 * hint is reached) and each buffer becomes one object under
 * `dt=!{timestamp:yyyy-MM-dd}/`, the date of the buffer's first arrival (UTC),
 * named `<stream>-1-<yyyy-MM-dd-HH-mm-ss>-<id>.parquet` as Firehose names
 * converted objects. Pure: writing the Parquet is the caller's.
 */
import { createHash } from "node:crypto";
import { HistoryRow, transformRecord } from "../firehose-transform/transform";
import { RejectionRule, ValidationContext } from "../shared";

export interface ArrivingRecord {
  readonly data: Buffer;
  /** Firehose's approximateArrivalTimestamp, epoch ms. */
  readonly arrivalMs: number;
}

export interface FirehoseBuffering {
  readonly streamName: string;
  readonly bufferingSeconds: number;
  readonly bufferingMb: number;
}

export interface HistoryObject {
  /** Key relative to the history prefix: `dt=YYYY-MM-DD/<name>.parquet`. */
  readonly key: string;
  readonly rows: HistoryRow[];
}

export interface HistoryDelivery {
  readonly objects: HistoryObject[];
  readonly delivered: number;
  /** Records the transformation marked ProcessingFailed, by rule (Firehose writes them under errors/). */
  readonly failed: Partial<Record<RejectionRule, number>>;
}

function objectKey(streamName: string, firstArrivalMs: number, index: number): string {
  const iso = new Date(firstArrivalMs).toISOString();
  const stamp = `${iso.slice(0, 10)}-${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}`;
  const id = createHash("sha256").update(`${streamName}/${firstArrivalMs}/${index}`).digest("hex").slice(0, 32);
  return `dt=${iso.slice(0, 10)}/${streamName}-1-${stamp}-${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}.parquet`;
}

/** Records in arrival order -> the objects Firehose would write. */
export function deliverHistory(records: Iterable<ArrivingRecord>, ctx: ValidationContext, hashKey: string, buffering: FirehoseBuffering): HistoryDelivery {
  const objects: HistoryObject[] = [];
  const failed: Partial<Record<RejectionRule, number>> = {};
  let current: { firstMs: number; bytes: number; rows: HistoryRow[] } | undefined;
  const flush = () => {
    if (current && current.rows.length > 0) objects.push({ key: objectKey(buffering.streamName, current.firstMs, objects.length), rows: current.rows });
    current = undefined;
  };
  let i = 0;
  for (const r of records) {
    const outcome = transformRecord({ recordId: String(i++), data: r.data.toString("base64"), approximateArrivalTimestamp: r.arrivalMs }, ctx, hashKey);
    if (outcome.rule) {
      failed[outcome.rule] = (failed[outcome.rule] ?? 0) + 1;
      continue;
    }
    if (current && (r.arrivalMs - current.firstMs >= buffering.bufferingSeconds * 1000 || current.bytes >= buffering.bufferingMb * 1024 * 1024)) flush();
    current ??= { firstMs: r.arrivalMs, bytes: 0, rows: [] };
    const json = Buffer.from(outcome.output.data, "base64");
    current.rows.push(JSON.parse(json.toString("utf8")) as HistoryRow);
    current.bytes += json.length;
  }
  flush();
  return { objects, delivered: objects.reduce((s, o) => s + o.rows.length, 0), failed };
}
