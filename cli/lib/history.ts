/**
 * `platform local --history DIR`: the input records through the real Firehose
 * transformation, written as Parquet in Firehose's layout under DIR.
 */
import * as path from "node:path";
import { HISTORY_COLUMNS } from "../../components/realtime/historySchema";
import { writeParquetFiles } from "../../engines/parquet";
import { ensurePython } from "../../engines/setup";
import { Environment } from "../../environments";
import { deliverHistory, HistoryDelivery } from "../../functions/local/history";
import { LOCAL_HASH_KEY } from "../../functions/local/pipeline";
import { DEFAULT_MAX_RECORD_BYTES } from "../../functions/shared";

export async function writeLocalHistory(dir: string, lines: readonly Buffer[], env: Environment, startMs = Date.now()): Promise<HistoryDelivery> {
  const delivery = deliverHistory(
    // Records reach Firehose in file order, a millisecond apart.
    lines.map((data, i) => ({ data, arrivalMs: startMs + i })),
    { regions: new Set(env.salesRegions), currencies: new Set(env.currencies), maxRecordBytes: DEFAULT_MAX_RECORD_BYTES, nowMs: startMs },
    LOCAL_HASH_KEY,
    { streamName: `${env.stack}-history`, bufferingSeconds: env.limits.firehose.bufferingSeconds, bufferingMb: env.limits.firehose.bufferingMb },
  );
  await ensurePython();
  writeParquetFiles(HISTORY_COLUMNS, delivery.objects.map((o) => ({ path: path.join(dir, o.key), rows: o.rows })));
  return delivery;
}
