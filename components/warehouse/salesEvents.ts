/**
 * P2's warehouse table and the SQL the component ships (Redshift dialect).
 * The Firehose transformation (functions/firehose-transform) emits flat JSON
 * objects with the history's keys (realtime/historySchema.ts); COPY's
 * `JSON 'auto'` maps each key to the column of the same name, so the table
 * holds every scalar key. Line items stay in the S3 history (P1/realtime).
 */
import { HISTORY_COLUMNS } from "../realtime/historySchema";

export interface WarehouseColumn {
  readonly name: string;
  /** Redshift type. */
  readonly type: string;
  readonly notNull?: boolean;
}

export const SALES_EVENTS_SCHEMA = "public";
export const SALES_EVENTS_TABLE = "sales_events";

export const SALES_EVENTS_COLUMNS: readonly WarehouseColumn[] = [
  { name: "transaction_id", type: "VARCHAR(128)", notNull: true },
  { name: "occurred_at", type: "TIMESTAMP", notNull: true },
  { name: "occurred_date", type: "DATE" },
  { name: "customer_id", type: "VARCHAR(128)" },
  { name: "customer_email_hash", type: "CHAR(64)" },
  { name: "customer_country", type: "CHAR(2)" },
  { name: "region", type: "VARCHAR(16)" },
  { name: "currency", type: "CHAR(3)" },
  { name: "item_count", type: "INTEGER" },
  { name: "total_amount", type: "DECIMAL(14,2)" },
  { name: "ingested_at", type: "TIMESTAMP" },
];

/** Every history key except the nested items array. */
export const LOADED_HISTORY_KEYS = HISTORY_COLUMNS.filter((c) => !c.type.startsWith("array")).map((c) => c.name);

/** The DDL run once through the Redshift Data API (idempotent: IF NOT EXISTS). Pure. */
export function createTableSql(schema = SALES_EVENTS_SCHEMA, table = SALES_EVENTS_TABLE, columns: readonly WarehouseColumn[] = SALES_EVENTS_COLUMNS): string {
  const cols = columns.map((c) => `  ${c.name} ${c.type}${c.notNull ? " NOT NULL" : ""}`).join(",\n");
  return `CREATE TABLE IF NOT EXISTS ${schema}.${table} (\n${cols}\n)`;
}

/** Firehose's COPY options: gzip'd JSON mapped by key name, ISO timestamps. */
export const COPY_OPTIONS = "FORMAT AS JSON 'auto' GZIP TIMEFORMAT 'auto' TRUNCATECOLUMNS";

/** QuickSight dataset: revenue per hour, region and currency over the last 30 days. */
export const HOURLY_REVENUE_SQL = `SELECT DATE_TRUNC('hour', occurred_at) AS sale_hour,
       region,
       currency,
       COUNT(DISTINCT transaction_id) AS orders,
       SUM(total_amount) AS revenue
FROM ${SALES_EVENTS_SCHEMA}.${SALES_EVENTS_TABLE}
WHERE occurred_at >= DATEADD(day, -30, GETDATE())
GROUP BY 1, 2, 3`;

export const HOURLY_REVENUE_COLUMNS = [
  { name: "sale_hour", type: "DATETIME" },
  { name: "region", type: "STRING" },
  { name: "currency", type: "STRING" },
  { name: "orders", type: "INTEGER" },
  { name: "revenue", type: "DECIMAL" },
] as const;
