/**
 * `platform local --history DIR`: the input records through the real Firehose
 * transformation, written as Parquet in Firehose's layout under DIR.
 */
import * as path from "node:path";
import { HISTORY_COLUMNS } from "../../components/realtime/historySchema";
import { writeParquetFiles } from "../../engines/parquet";
import { ensurePython } from "../../engines/setup";
import { Environment } from "../../environments";
import { ArrivingRecord, deliverHistory, HistoryDelivery } from "../../functions/local/history";
import { InputLine } from "../../functions/local/inputLines";
import { LOCAL_HASH_KEY } from "../../functions/local/pipeline";
import { kinesisRecordOf } from "../../functions/local/producer";
import { DEFAULT_MAX_RECORD_BYTES } from "../../functions/shared";

/** The records of the stream in file order, a millisecond apart (lines the producer could not put never reach Firehose). */
function* arriving(lines: Iterable<InputLine>, startMs: number): Iterable<ArrivingRecord> {
  let index = 0;
  let arrived = 0;
  for (const line of lines) {
    const record = kinesisRecordOf(line, index++);
    if (record) yield { data: record.data, arrivalMs: startMs + arrived++ };
  }
}

export async function writeLocalHistory(dir: string, lines: Iterable<InputLine>, env: Environment, startMs = Date.now()): Promise<HistoryDelivery> {
  const delivery = deliverHistory(
    arriving(lines, startMs),
    { regions: new Set(env.salesRegions), currencies: new Set(env.currencies), maxRecordBytes: DEFAULT_MAX_RECORD_BYTES, nowMs: startMs },
    LOCAL_HASH_KEY,
    { streamName: `${env.stack}-history`, bufferingSeconds: env.limits.firehose.bufferingSeconds, bufferingMb: env.limits.firehose.bufferingMb },
  );
  await ensurePython();
  writeParquetFiles(HISTORY_COLUMNS, delivery.objects.map((o) => ({ path: path.join(dir, o.key), rows: o.rows })));
  return delivery;
}
