/**
 * P3's warehouse tables and load statements (Redshift SQL). The load runs as one
 * Data API batch (a single transaction): empty the staging table, COPY the
 * enrichment job's `daily_kpis/latest/` Parquet into it, then replace the target
 * rows of the same dates. Re-running a night is therefore idempotent.
 * Pure data and functions.
 */
import { WarehouseColumn } from "../warehouse/salesEvents";

export const KPI_SCHEMA = "public";
export const KPI_TABLE = "daily_kpis";
export const KPI_STAGING_TABLE = "daily_kpis_staging";
/** Where the enrichment job writes the latest KPIs, in the ENRICHED bucket. */
export const KPI_LATEST_PREFIX = "daily_kpis/latest/";

/** Column order matters: COPY ... FORMAT AS PARQUET maps columns by position (see transformed_to_enriched.py). */
export const KPI_COLUMNS: readonly WarehouseColumn[] = [
  { name: "kpi_date", type: "DATE", notNull: true },
  { name: "region", type: "VARCHAR(16)", notNull: true },
  { name: "category", type: "VARCHAR(128)", notNull: true },
  { name: "currency", type: "CHAR(3)", notNull: true },
  { name: "revenue", type: "DECIMAL(16,2)" },
  { name: "margin", type: "DECIMAL(16,2)" },
  { name: "orders", type: "BIGINT" },
  { name: "units", type: "BIGINT" },
  { name: "customers", type: "BIGINT" },
  { name: "average_basket", type: "DECIMAL(14,2)" },
  { name: "run_id", type: "VARCHAR(128)" },
];

const qualified = (table: string) => `${KPI_SCHEMA}.${table}`;

/** DDL of the target table, run once at deploy time through the Data API. */
export function createKpiTableSql(): string {
  const cols = KPI_COLUMNS.map((c) => `  ${c.name} ${c.type}${c.notNull ? " NOT NULL" : ""}`).join(",\n");
  return `CREATE TABLE IF NOT EXISTS ${qualified(KPI_TABLE)} (\n${cols}\n)`;
}

/** DDL of the staging table (same columns). */
export function createKpiStagingSql(): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(KPI_STAGING_TABLE)} (LIKE ${qualified(KPI_TABLE)})`;
}

/**
 * Redshift COPY of Parquet files with an IAM role. node-sql-parser has no COPY
 * grammar in any dialect, so this builder validates its inputs instead and the
 * tests assert its exact text.
 */
export function copyParquetSql(table: string, s3Uri: string, iamRoleArn: string): string {
  if (!/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`COPY table must be schema.table in lower case (got ${table})`);
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9_./=-]*\/$/.test(s3Uri)) throw new Error(`COPY source must be an s3:// prefix ending in / (got ${s3Uri})`);
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/.test(iamRoleArn)) throw new Error(`COPY role must be an IAM role ARN (got ${iamRoleArn})`);
  return `COPY ${table} FROM '${s3Uri}' IAM_ROLE '${iamRoleArn}' FORMAT AS PARQUET`;
}

/** The load batch, in order; one transaction in the Data API. */
export function loadStatements(enrichedBucket: string, copyRoleArn: string): string[] {
  return [
    `DELETE FROM ${qualified(KPI_STAGING_TABLE)}`,
    copyParquetSql(qualified(KPI_STAGING_TABLE), `s3://${enrichedBucket}/${KPI_LATEST_PREFIX}`, copyRoleArn),
    `DELETE FROM ${qualified(KPI_TABLE)} WHERE kpi_date IN (SELECT DISTINCT kpi_date FROM ${qualified(KPI_STAGING_TABLE)})`,
    `INSERT INTO ${qualified(KPI_TABLE)} SELECT * FROM ${qualified(KPI_STAGING_TABLE)}`,
  ];
}

/** QuickSight dataset: KPIs of the last 90 days. */
export const KPI_DASHBOARD_SQL = `SELECT kpi_date, region, category, currency, revenue, margin, orders, units, customers, average_basket
FROM ${KPI_SCHEMA}.${KPI_TABLE}
WHERE kpi_date >= DATEADD(day, -90, GETDATE())`;

export const KPI_DASHBOARD_COLUMNS = [
  { name: "kpi_date", type: "DATETIME" },
  { name: "region", type: "STRING" },
  { name: "category", type: "STRING" },
  { name: "currency", type: "STRING" },
  { name: "revenue", type: "DECIMAL" },
  { name: "margin", type: "DECIMAL" },
  { name: "orders", type: "INTEGER" },
  { name: "units", type: "INTEGER" },
  { name: "customers", type: "INTEGER" },
  { name: "average_basket", type: "DECIMAL" },
] as const;
