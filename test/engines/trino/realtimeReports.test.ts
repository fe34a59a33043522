/**
 * The real-time pipeline's Athena statements on Trino (the engine of Athena
 * engine v3): the Glue table from HISTORY_COLUMNS over Parquet written in
 * Firehose's dt= layout from records passed through the real transform, and
 * the three report queries against a truth computed from the input JSON.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { HISTORY_COLUMNS, HISTORY_PARTITION } from "../../../components/realtime/historySchema";
import { REPORT_QUERIES, renderQuery } from "../../../components/realtime/queries";
import { writeParquetFiles } from "../../../engines/parquet";
import { TrinoQueryError, TrinoServer } from "../../../engines/trino";
import { deliverHistory } from "../../../functions/local/history";
import { assertSameRows, releaseTrino, sharedTrino, tempDir, TRINO_START_TIMEOUT_MS } from "../helpers";
import { CURRENCIES, generateHistory, HistoryInput, MAX_RECORD_BYTES, REGIONS, revenueByRegionTruth, topProductsTruth, trendTruth } from "../historyFixture";

/** The top-products report as it shipped before the fix (kept verbatim: Trino must reject it). */
const OLD_TOP_PRODUCTS_SQL = `WITH deduplicated AS (
  SELECT *
  FROM (
    SELECT t.*, row_number() OVER (PARTITION BY transaction_id ORDER BY ingested_at) AS copy_number
    FROM "{db}"."{table}" t
    WHERE dt >= date_format(current_date - INTERVAL '1' DAY, '%Y-%m-%d')
  ) ranked
  WHERE copy_number = 1
)
SELECT item.product_id, item.category, d.currency,
       sum(item.quantity) AS units,
       round(sum(item.quantity * item.unit_price), 2) AS revenue,
       count(DISTINCT d.transaction_id) AS orders
FROM deduplicated d
CROSS JOIN UNNEST(d.items) AS u(item)
WHERE from_iso8601_timestamp(d.occurred_at) >= current_timestamp - INTERVAL '1' DAY
GROUP BY item.product_id, item.category, d.currency
ORDER BY units DESC
LIMIT 20`;

const byId = (id: string) => REPORT_QUERIES.find((q) => q.id === id)!;

describe("engines/trino: real-time history and reports", function () {
  this.timeout(TRINO_START_TIMEOUT_MS);
  let trino: TrinoServer;
  let input: HistoryInput;
  let dir: string;
  let partitionDays = 0;
  const run = (id: string) => trino.query(renderQuery(byId(id), "retail", "transactions"));

  before(async () => {
    // prepare: records through the real Firehose transform, Parquet in the dt= layout, the Glue table
    trino = await sharedTrino();
    input = generateHistory(Date.now());
    const delivery = deliverHistory(input.records, { regions: new Set(REGIONS), currencies: new Set(CURRENCIES), maxRecordBytes: MAX_RECORD_BYTES, nowMs: input.nowMs }, "test-key", {
      streamName: "realtime-history",
      // Firehose's largest interval: an object then holds up to 15 minutes of arrivals, the first
      // one naming its dt= (the queries' partition bound must reach back that far).
      bufferingSeconds: 900,
      bufferingMb: 64,
    });
    assert.equal(delivery.delivered, input.valid.length);
    partitionDays = new Set(delivery.objects.map((o) => /^dt=(\d{4}-\d{2}-\d{2})\//.exec(o.key)![1])).size;
    dir = tempDir("history");
    writeParquetFiles(HISTORY_COLUMNS, delivery.objects.map((o) => ({ path: path.join(dir, o.key), rows: o.rows })));
    await trino.createTable({ schema: "retail", table: "transactions", columns: HISTORY_COLUMNS, partitionKeys: [HISTORY_PARTITION], directory: dir });
  });
  after(() => {
    releaseTrino();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the Glue table's columns and partition key are what Trino reads from the Parquet files", async () => {
    const { rows } = await trino.query(`SELECT column_name, data_type FROM hive.information_schema.columns WHERE table_schema = 'retail' AND table_name = 'transactions' ORDER BY ordinal_position`);
    assert.deepEqual(rows.map((r) => r["column_name"]), [...HISTORY_COLUMNS.map((c) => c.name), "dt"]);
    assert.equal(rows.find((r) => r["column_name"] === "items")!["data_type"], "array(row(product_id varchar, category varchar, unit_price double, quantity integer))");
    const counted = await trino.query(`SELECT count(*) AS n, count(DISTINCT dt) AS days FROM retail.transactions`);
    // One partition per day a buffer began on (Firehose names an object after its oldest record), not per arrival day.
    assert.deepEqual(counted.rows, [{ n: input.valid.length, days: partitionDays }]);
  });

  it("top-products equals the truth (duplicates counted once, last day only)", async () => {
    const { rows } = await run("top-products");
    assert.ok(rows.length > 3);
    assertSameRows(rows, topProductsTruth(input), ["product_id", "category", "currency"]);
    const units = rows.map((r) => Number(r["units"]));
    assert.deepEqual(units, [...units].sort((a, b) => b - a), "ordered by units, descending");
  });

  it("revenue-by-region equals the truth", async () => {
    const { rows } = await run("revenue-by-region");
    assertSameRows(rows, revenueByRegionTruth(input), ["region", "currency"]);
  });

  it("trend-vs-previous-period equals the truth", async () => {
    const { rows } = await run("trend-vs-previous-period");
    assertSameRows(rows, trendTruth(input), ["product_id"]);
  });

  it("the report SQL as it shipped before (one alias for an array of structs) fails on Trino with its error", async () => {
    const old = OLD_TOP_PRODUCTS_SQL.replace("{db}", "retail").replace("{table}", "transactions");
    await assert.rejects(trino.query(old), (err: unknown) => err instanceof TrinoQueryError && /Column alias list has 1 entries but 'u' has 4 columns available/.test(err.message));
  });
});
