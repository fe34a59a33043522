/**
 * P1's curated zone: the schema the Glue job writes (see scripts/raw_to_curated.py),
 * the partition projection that catalogues it without a crawler, and the Athena
 * queries the component ships. Pure data and functions.
 */
import type { GlueColumn } from "../shared/glue";

export const CURATED_COLUMNS: readonly GlueColumn[] = [
  { name: "transaction_id", type: "string", comment: "Purchase id; one purchase has one line per product" },
  { name: "occurred_at", type: "timestamp", comment: "When the purchase happened (UTC)" },
  { name: "customer_id", type: "string", comment: "Customer id" },
  { name: "customer_country", type: "string", comment: "ISO 3166-1 alpha-2" },
  { name: "region", type: "string", comment: "Sales region" },
  { name: "currency", type: "string", comment: "ISO 4217" },
  { name: "product_id", type: "string", comment: "Product id" },
  { name: "category", type: "string", comment: "Product category" },
  { name: "unit_price", type: "decimal(12,2)", comment: "Price of one unit, above 0" },
  { name: "quantity", type: "int", comment: "Units, 1..1000" },
  { name: "line_amount", type: "decimal(14,2)", comment: "unit_price x quantity" },
];

/** The one partition key: the purchase date, as the job writes it (dt=yyyy-MM-dd). */
export const CURATED_PARTITION = { name: "dt", type: "string", comment: "Purchase date, yyyy-MM-dd (UTC)" } as const;

/** Key prefix of the curated data inside its bucket. */
export const CURATED_PREFIX = "sales/";
/** Key prefix the raw exports land under (the upload gate's prefix and the raw table's location). */
export const RAW_PREFIX = "sales/";
/** Where the job sets invalid lines aside, in the raw bucket. */
export const REJECTED_PREFIX = "rejected/";
export const RAW_TABLE = "raw_sales";

/**
 * The raw exports' CSV columns, in file order, as the crawler used to infer them: all strings, so
 * scripts/raw_to_curated.py's casts (and its rejection rules) decide what a bad value is, never
 * the reader. The first line of each file is the header.
 */
export const RAW_COLUMNS: readonly GlueColumn[] = [
  { name: "transaction_id", type: "string", comment: "Purchase id" },
  { name: "occurred_at", type: "string", comment: "ISO 8601 timestamp (UTC)" },
  { name: "customer_id", type: "string", comment: "Customer id" },
  { name: "customer_country", type: "string", comment: "ISO 3166-1 alpha-2" },
  { name: "region", type: "string", comment: "Sales region" },
  { name: "currency", type: "string", comment: "ISO 4217" },
  { name: "product_id", type: "string", comment: "Product id" },
  { name: "category", type: "string", comment: "Product category" },
  { name: "unit_price", type: "string", comment: "Price of one unit, as exported" },
  { name: "quantity", type: "string", comment: "Units, as exported" },
];

/** The raw table's parameters: CSV with one header line (Glue's Spark reader and Athena both honour it). */
export const RAW_TABLE_PARAMETERS: Readonly<Record<string, string>> = { EXTERNAL: "TRUE", classification: "csv", "skip.header.line.count": "1" };
export const CURATED_TABLE = "sales";

/**
 * Partition projection parameters: Athena computes the dt partitions from this
 * range and template instead of reading them from the catalog. Pure.
 */
export function projectionParameters(bucketName: string, firstDate: string): Record<string, string> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDate)) throw new Error(`DataLakePipeline: projectionStartDate must be yyyy-MM-dd (got ${firstDate})`);
  return {
    classification: "parquet",
    "parquet.compression": "SNAPPY",
    "projection.enabled": "true",
    "projection.dt.type": "date",
    "projection.dt.format": "yyyy-MM-dd",
    "projection.dt.range": `${firstDate},NOW`,
    "projection.dt.interval": "1",
    "projection.dt.interval.unit": "DAYS",
    "storage.location.template": `s3://${bucketName}/${CURATED_PREFIX}dt=\${dt}/`,
  };
}

export interface LakeQuery {
  readonly id: string;
  readonly description: string;
  /** Athena (Trino) SQL; `{db}` and `{table}` are replaced at deploy time. */
  readonly sql: string;
}

export const LAKE_QUERIES: readonly LakeQuery[] = [
  {
    id: "lake-daily-revenue",
    description: "Revenue, orders and units per day, region and currency over the last 30 days",
    sql: `SELECT dt, region, currency,
       sum(line_amount) AS revenue,
       count(DISTINCT transaction_id) AS orders,
       sum(quantity) AS units
FROM "{db}"."{table}"
WHERE dt >= date_format(current_date - INTERVAL '30' DAY, '%Y-%m-%d')
GROUP BY dt, region, currency
ORDER BY dt DESC, revenue DESC`,
  },
  {
    id: "lake-top-categories",
    description: "Top 20 product categories by units over the last 7 days",
    sql: `SELECT category,
       sum(quantity) AS units,
       sum(line_amount) AS revenue,
       count(DISTINCT customer_id) AS customers
FROM "{db}"."{table}"
WHERE dt >= date_format(current_date - INTERVAL '7' DAY, '%Y-%m-%d')
GROUP BY category
ORDER BY units DESC
LIMIT 20`,
  },
];

export function renderLakeQuery(q: LakeQuery, db: string, table: string): string {
  return q.sql.replaceAll("{db}", db).replaceAll("{table}", table);
}
