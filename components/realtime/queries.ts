/**
 * The regular reports, as Athena (Trino) SQL. Each query first keeps one row
 * per transaction_id, so producer duplicates count once in the history.
 * `{db}` and `{table}` are replaced with the Glue names at deploy time.
 *
 * Unnesting `items` (an array of structs): Trino, the engine of Athena v3,
 * expands each struct into one column per field, so the alias list names every
 * field, in the order the Glue type declares them (ITEM_FIELDS).
 */
import { HISTORY_COLUMNS } from "./historySchema";
export interface ReportQuery {
  /** Stable name (also the Athena named query's name suffix). */
  readonly id: string;
  readonly description: string;
  readonly sql: string;
}

const ITEMS_TYPE = HISTORY_COLUMNS.find((c) => c.name === "items")!.type;
/** The struct fields of `items`, in declaration order (the UNNEST alias list). */
export const ITEM_FIELDS: readonly string[] = /^array<struct<(.*)>>$/.exec(ITEMS_TYPE)![1].split(",").map((f) => f.split(":")[0]);
const UNNEST_ITEMS = `CROSS JOIN UNNEST(d.items) AS item(${ITEM_FIELDS.join(", ")})`;

/**
 * Firehose names an object's dt= partition after the arrival of its oldest record, and an
 * object spans at most the buffering interval (900 s at most,
 * https://docs.aws.amazon.com/firehose/latest/dev/buffering-hints.html): a record of the
 * window may sit in the partition of the day before the window starts, so the partition
 * bound reaches back that far (otherwise, just after midnight, the window's first minutes
 * drop out of the report).
 */
export const FIREHOSE_MAX_BUFFERING_SECONDS = 900;

const DEDUPLICATED = `WITH deduplicated AS (
  SELECT *
  FROM (
    SELECT t.*, row_number() OVER (PARTITION BY transaction_id ORDER BY ingested_at) AS copy_number
    FROM "{db}"."{table}" t
    WHERE dt >= date_format(current_timestamp - INTERVAL '{days}' DAY - INTERVAL '${FIREHOSE_MAX_BUFFERING_SECONDS}' SECOND, '%Y-%m-%d')
  ) ranked
  WHERE copy_number = 1
)`;

export const REPORT_QUERIES: readonly ReportQuery[] = [
  {
    id: "top-products",
    description: "Top 20 products by units sold over the last day, with revenue per currency",
    sql: `${DEDUPLICATED.replace("{days}", "1")}
SELECT item.product_id, item.category, d.currency,
       sum(item.quantity) AS units,
       round(sum(item.quantity * item.unit_price), 2) AS revenue,
       count(DISTINCT d.transaction_id) AS orders
FROM deduplicated d
${UNNEST_ITEMS}
WHERE from_iso8601_timestamp(d.occurred_at) >= current_timestamp - INTERVAL '1' DAY
GROUP BY item.product_id, item.category, d.currency
ORDER BY units DESC
LIMIT 20`,
  },
  {
    id: "revenue-by-region",
    description: "Revenue, orders and distinct customers per sales region and currency over the last day",
    sql: `${DEDUPLICATED.replace("{days}", "1")}
SELECT d.region, d.currency,
       round(sum(d.total_amount), 2) AS revenue,
       count(*) AS orders,
       count(DISTINCT coalesce(d.customer_email_hash, d.customer_id)) AS customers
FROM deduplicated d
WHERE from_iso8601_timestamp(d.occurred_at) >= current_timestamp - INTERVAL '1' DAY
GROUP BY d.region, d.currency
ORDER BY revenue DESC`,
  },
  {
    id: "trend-vs-previous-period",
    description: "Units and revenue per product over the last 7 days against the 7 days before, with the change in percent",
    sql: `${DEDUPLICATED.replace("{days}", "14")},
per_period AS (
  SELECT item.product_id,
         CASE WHEN from_iso8601_timestamp(d.occurred_at) >= current_timestamp - INTERVAL '7' DAY THEN 'current' ELSE 'previous' END AS period,
         sum(item.quantity) AS units,
         sum(item.quantity * item.unit_price) AS revenue
  FROM deduplicated d
  ${UNNEST_ITEMS}
  WHERE from_iso8601_timestamp(d.occurred_at) >= current_timestamp - INTERVAL '14' DAY
  GROUP BY 1, 2
)
SELECT c.product_id,
       c.units AS units_current,
       coalesce(p.units, 0) AS units_previous,
       round(c.revenue, 2) AS revenue_current,
       round(coalesce(p.revenue, 0), 2) AS revenue_previous,
       CASE WHEN coalesce(p.units, 0) = 0 THEN NULL ELSE round(100.0 * (c.units - p.units) / p.units, 1) END AS units_change_pct
FROM per_period c
LEFT JOIN per_period p ON p.product_id = c.product_id AND p.period = 'previous'
WHERE c.period = 'current'
ORDER BY units_current DESC
LIMIT 50`,
  },
];

export function renderQuery(query: ReportQuery, db: string, table: string): string {
  return query.sql.split("{db}").join(db).split("{table}").join(table);
}
