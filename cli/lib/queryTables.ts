/**
 * The tables `platform query` can put on Trino: each is a Glue table a
 * component declares, with the same column list (imported, not copied).
 */
import { CURATED_COLUMNS, CURATED_PARTITION } from "../../components/datalake/curated";
import { HISTORY_COLUMNS, HISTORY_PARTITION } from "../../components/realtime/historySchema";
import { GlueColumn } from "../../engines/hive";

export interface QueryableTable {
  readonly description: string;
  readonly columns: readonly GlueColumn[];
  readonly partitionKeys: readonly GlueColumn[];
}

export const QUERYABLE_TABLES: Readonly<Record<string, QueryableTable>> = {
  history: { description: "the real-time pipeline's validated history (Firehose Parquet, dt=YYYY-MM-DD/)", columns: HISTORY_COLUMNS, partitionKeys: [HISTORY_PARTITION] },
  sales: { description: "the data lake's curated sales lines (Glue job Parquet, dt=YYYY-MM-DD/)", columns: CURATED_COLUMNS, partitionKeys: [CURATED_PARTITION] },
};

/** Schema (Trino) the tables are created in; the session's default, so `FROM history` works. */
export const QUERY_SCHEMA = "retail";
