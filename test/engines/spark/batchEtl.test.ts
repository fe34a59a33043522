/**
 * P3's three Glue jobs (components/batchetl/scripts) unchanged on local PySpark,
 * in the order the state machine runs them (Transform -> QualityCheck -> Enrich),
 * on two nights of generated operational exports with a bad line of every kind
 * the transform handles. Transformed and rejected lines, the quality report and
 * the enriched KPIs equal a truth computed here from the input, in cents; job
 * bookmarks make the second night read only its own files; a broken quality
 * rule fails its run with every broken rule named.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { glueDefaultArguments } from "../../../components/shared/glue";
import { GlueOutcome, readParquet, runGlueScripts } from "../../../engines/spark";
import { assertSameRows, SPARK_TIMEOUT_MS, tempDir } from "../helpers";

const SCRIPTS = path.join(__dirname, "../../../components/batchetl/scripts");
const script = (name: string) => path.join(SCRIPTS, `${name}.py`);
/** The bookmark setting every platform job carries, from the component's own defaults. */
const BOOKMARKS = { "job-bookmark-option": glueDefaultArguments("/aws-glue/test", "/tmp")["--job-bookmark-option"] as string };

interface Night {
  readonly orders: string[];
  readonly lines: string[];
  readonly customers: string[];
  /** order_id|product_id of each line the transform must set aside, with its rule. */
  readonly rejected: Map<string, string>;
}

const ORDERS_HEADER = "order_id,customer_id,ordered_at,region,currency";
const LINES_HEADER = "order_id,product_id,unit_price,quantity";
const CUSTOMERS_HEADER = "customer_id,country,created_at";
/** Reference data: P9 has no entry (its category is "unknown" and its margin the whole amount). */
const PRODUCTS = ["product_id,category,unit_cost", ...Array.from({ length: 9 }, (_, i) => `P${i},cat${i % 3},${(0.5 + i * 0.75).toFixed(2)}`)];

/** One night of exports: valid orders (with spaces and lower case to normalise), then one line of each bad kind. */
function night(prefix: string, day: string, n: number): Night {
  const customers = [CUSTOMERS_HEADER, ...Array.from({ length: 6 }, (_, i) => `${prefix}C${i}, ${["fr", "DE", "es"][i % 3]} ,2024-0${1 + i}-15`)];
  const orders = [ORDERS_HEADER];
  const lines = [LINES_HEADER];
  for (let i = 0; i < n; i++) {
    orders.push(`${prefix}O${i},${prefix}C${i % 6},${day} ${String(8 + (i % 12)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00, ${["emea", "NA"][i % 2]} ,${["eur", "USD"][i % 2]}`);
    for (let j = 0; j <= i % 3; j++) lines.push(`${prefix}O${i},P${(i + j * 4) % 10},${(1 + ((i * 7 + j) % 11) * 1.35).toFixed(2)},${1 + ((i + j) % 4)}`);
  }
  // An exact duplicate export line: dropped, not counted twice.
  lines.push(lines[1]);
  const rejected = new Map<string, string>();
  const bad = (order: string, product: string, rule: string, line: string) => {
    lines.push(line);
    rejected.set(`${order}|${product}`, rule);
  };
  orders.push(`${prefix}Ox1,${prefix}C0,yesterday,EMEA,EUR`, `${prefix}Ox2,${prefix}C-none,${day} 10:00:00,EMEA,EUR`);
  bad(`${prefix}Ox0`, "P1", "order missing or ordered_at not a timestamp", `${prefix}Ox0,P1,9.99,1`);
  bad(`${prefix}Ox1`, "P1", "order missing or ordered_at not a timestamp", `${prefix}Ox1,P1,9.99,1`);
  bad(`${prefix}Ox2`, "P1", "customer missing", `${prefix}Ox2,P1,9.99,1`);
  bad(`${prefix}O0`, "P7", "unit_price must be above 0", `${prefix}O0,P7,0,1`);
  bad(`${prefix}O1`, "P7", "unit_price must be above 0", `${prefix}O1,P7,abc,1`);
  bad(`${prefix}O2`, "P7", "quantity must be 1 or more", `${prefix}O2,P7,9.99,0`);
  bad(`${prefix}O3`, "P7", "quantity must be 1 or more", `${prefix}O3,P7,9.99,many`);
  return { orders, lines, customers, rejected };
}

interface TruthLine {
  order_id: string;
  product_id: string;
  customer_id: string;
  customer_country: string;
  region: string;
  currency: string;
  order_date: string;
  cents: number;
  quantity: number;
}

const csvRows = (lines: readonly string[]) => lines.slice(1).map((l) => l.split(",").map((v) => v.trim()));

/** The valid order lines of a night, joined by hand, amounts in integer cents. */
function transformedTruth(n: Night): TruthLine[] {
  const orders = new Map(csvRows(n.orders).map(([id, customer, at, region, currency]) => [id, { customer, at, region: region.toUpperCase(), currency: currency.toUpperCase() }]));
  const customers = new Map(csvRows(n.customers).map(([id, country]) => [id, country.toUpperCase()]));
  const seen = new Set<string>();
  const out: TruthLine[] = [];
  for (const [order, product, price, qty] of csvRows(n.lines)) {
    const raw = [order, product, price, qty].join(",");
    if (seen.has(raw) || n.rejected.has(`${order}|${product}`)) continue;
    seen.add(raw);
    const o = orders.get(order)!;
    out.push({ order_id: order, product_id: product, customer_id: o.customer, customer_country: customers.get(o.customer)!, region: o.region, currency: o.currency, order_date: o.at.slice(0, 10), cents: Math.round(Number(price) * 100) * Number(qty), quantity: Number(qty) });
  }
  return out;
}

/** Daily KPIs per (date, region, category, currency), as the enrichment defines them, from the truth lines. */
function kpiTruth(lines: readonly TruthLine[], runId: string): Record<string, unknown>[] {
  const products = new Map(csvRows(PRODUCTS).map(([id, category, cost]) => [id, { category, costCents: Math.round(Number(cost) * 100) }]));
  const groups = new Map<string, { kpi_date: string; region: string; category: string; currency: string; cents: number; marginCents: number; orders: Set<string>; units: number; customers: Set<string> }>();
  for (const l of lines) {
    const p = products.get(l.product_id);
    const category = p?.category ?? "unknown";
    const k = [l.order_date, l.region, category, l.currency].join("|");
    const g = groups.get(k) ?? { kpi_date: l.order_date, region: l.region, category, currency: l.currency, cents: 0, marginCents: 0, orders: new Set<string>(), units: 0, customers: new Set<string>() };
    g.cents += l.cents;
    g.marginCents += l.cents - (p?.costCents ?? 0) * l.quantity;
    g.orders.add(l.order_id);
    g.units += l.quantity;
    g.customers.add(l.customer_id);
    groups.set(k, g);
  }
  // Spark's decimal division rounds half up to the column's two places; so does this (on cents).
  return [...groups.values()].map((g) => ({ kpi_date: g.kpi_date, region: g.region, category: g.category, currency: g.currency, revenue: g.cents / 100, margin: g.marginCents / 100, orders: g.orders.size, units: g.units, customers: g.customers.size, average_basket: Math.round(g.cents / g.orders.size) / 100, run_id: runId }));
}

function writeNight(raw: string, name: string, n: Night): void {
  for (const [source, rows] of [["orders", n.orders], ["order_lines", n.lines], ["customers", n.customers]] as const) {
    fs.mkdirSync(path.join(raw, source), { recursive: true });
    fs.writeFileSync(path.join(raw, source, `${name}.csv`), rows.join("\n"));
  }
}

function readJsonLines(dir: string): Record<string, unknown>[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.(json|txt)$/.test(f) || /^part-/.test(path.basename(f))).flatMap((f) => {
    const file = path.join(dir, f);
    return fs.statSync(file).isFile() ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
  });
}

const asNumbers = (r: Record<string, unknown>, keys: readonly string[]) => ({ ...r, ...Object.fromEntries(keys.map((k) => [k, Number(r[k])])) });

describe("engines/spark: P3 batch ETL jobs on local Spark (transform, quality check, enrich)", function () {
  this.timeout(SPARK_TIMEOUT_MS);
  let dir: string;
  let nights: [Night, Night];
  let outcomes: GlueOutcome[];

  before(() => {
    dir = tempDir("batch-etl");
    const raw = path.join(dir, "raw", "incoming");
    const paths = { RAW_PATH: `${raw}/`, TRANSFORMED_PATH: `${dir}/transformed/`, REJECTED_PATH: `${dir}/raw/rejected/`, REFERENCE_PATH: `${dir}/artifacts/reference/`, ENRICHED_PATH: `${dir}/enriched/` };
    fs.mkdirSync(path.join(dir, "artifacts", "reference", "products"), { recursive: true });
    fs.writeFileSync(path.join(dir, "artifacts", "reference", "products", "products.csv"), PRODUCTS.join("\n"));
    const env = { AWSGLUE_LOCAL_STATE: path.join(dir, "state") };
    const quality = { MIN_ROWS: "1", MAX_NULL_KEY_RATIO: "0.01" };
    const runOf = (runId: string) => [
      { script: script("raw_to_transformed"), args: { JOB_NAME: "transform", RUN_ID: runId, RAW_PATH: paths.RAW_PATH, TRANSFORMED_PATH: paths.TRANSFORMED_PATH, REJECTED_PATH: paths.REJECTED_PATH, ...BOOKMARKS }, env },
      { script: script("quality_check"), args: { JOB_NAME: "quality", RUN_ID: runId, TRANSFORMED_PATH: paths.TRANSFORMED_PATH, ...quality, ...BOOKMARKS }, env },
      { script: script("transformed_to_enriched"), args: { JOB_NAME: "enrich", RUN_ID: runId, TRANSFORMED_PATH: paths.TRANSFORMED_PATH, REFERENCE_PATH: paths.REFERENCE_PATH, ENRICHED_PATH: paths.ENRICHED_PATH, ...BOOKMARKS }, env },
    ];
    nights = [night("A", "2026-11-29", 40), night("B", "2026-11-30", 25)];
    writeNight(raw, "night-1", nights[0]);
    const first = runGlueScripts(runOf("run-1"));
    writeNight(raw, "night-2", nights[1]);
    // The second night, then a quality check whose minimum the run cannot meet.
    const strict = { script: script("quality_check"), args: { JOB_NAME: "quality", RUN_ID: "run-2", TRANSFORMED_PATH: paths.TRANSFORMED_PATH, MIN_ROWS: "1000", MAX_NULL_KEY_RATIO: "0.01" }, env };
    outcomes = [...first, ...runGlueScripts([...runOf("run-2"), strict, ...runOf("run-3").slice(0, 2)])];
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("both nights' three jobs succeed", () => {
    assert.deepEqual(outcomes.slice(0, 6).map((o) => o.ok), [true, true, true, true, true, true], JSON.stringify(outcomes));
  });

  it("TRANSFORMED holds every valid line once (duplicates dropped, bookmarks), joined, typed, per order_date and run", () => {
    const { rows, schema } = readParquet(`${dir}/transformed/sales_lines`);
    const got = rows.map((r) => ({ key: `${String(r["run_id"])}|${String(r["order_id"])}|${String(r["product_id"])}`, customer_country: r["customer_country"], region: r["region"], currency: r["currency"], order_date: String(r["order_date"]), cents: Math.round(Number(r["line_amount"]) * 100), quantity: r["quantity"] }));
    const want = nights.flatMap((n, i) => transformedTruth(n).map((l) => ({ key: `run-${i + 1}|${l.order_id}|${l.product_id}`, customer_country: l.customer_country, region: l.region, currency: l.currency, order_date: l.order_date, cents: l.cents, quantity: l.quantity })));
    assertSameRows(got, want, ["key"], 0);
    // Spark writes timestamps as INT96 unless spark.sql.parquet.outputTimestampType says otherwise; pyarrow reads them as ns.
    assert.deepEqual(Object.fromEntries(schema.filter(([n]) => ["unit_price", "quantity", "line_amount", "ordered_at"].includes(n))), { unit_price: "decimal128(12, 2)", quantity: "int32", ordered_at: "timestamp[ns]", line_amount: "decimal128(14, 2)" });
    assert.deepEqual(fs.readdirSync(`${dir}/transformed/sales_lines`).filter((d) => d.startsWith("order_date=")).sort(), ["order_date=2026-11-29", "order_date=2026-11-30"]);
  });

  it("every bad line is set aside once, under its run, with the rule it breaks", () => {
    for (const [i, n] of nights.entries()) {
      const got = readJsonLines(`${dir}/raw/rejected/run_id=run-${i + 1}`).map((r) => `${String(r["order_id"])}|${String(r["product_id"])}|${String(r["rejection_reason"])}`).sort();
      assert.deepEqual(got, [...n.rejected].map(([k, rule]) => `${k}|${rule}`).sort());
    }
  });

  it("the quality check writes its measured figures per run, and a broken rule fails the run naming it", () => {
    // Written as one text line of JSON per run.
    const report = readJsonLines(`${dir}/transformed/_quality/run_id=run-1`);
    assert.deepEqual(report, [{ run_id: "run-1", figures: { rows: transformedTruth(nights[0]).length, null_keys: 0, inconsistent_amounts: 0 }, broken_rules: [] }]);
    const { ok, error, message } = outcomes[6];
    assert.deepEqual({ ok, error, message }, { ok: false, error: "QualityCheckFailed", message: `rows ${transformedTruth(nights[1]).length} below 1000` });
  });

  it("a night with no new exports (old files still under RAW): the transform writes nothing, the quality check fails naming it", () => {
    // Bookmarked reads find no new file: Glue gives a frame with no fields, which once failed the transform on a missing column.
    assert.deepEqual(outcomes[7], { ok: true });
    const { ok, error, message } = outcomes[8];
    assert.deepEqual({ ok, error, message }, { ok: false, error: "QualityCheckFailed", message: "rows 0 below 1" });
  });

  it("ENRICHED's daily KPIs equal the truth per run: history partitioned by kpi_date, latest/ the last run only", () => {
    const money = ["revenue", "margin", "average_basket"];
    const history = readParquet(`${dir}/enriched/daily_kpis/history`).rows.map((r) => asNumbers({ ...r, kpi_date: String(r["kpi_date"]) }, money));
    const want = nights.flatMap((n, i) => kpiTruth(transformedTruth(n), `run-${i + 1}`));
    assertSameRows(history, want, ["run_id", "kpi_date", "region", "category", "currency"], 0.0001);
    const latest = readParquet(`${dir}/enriched/daily_kpis/latest`).rows.map((r) => asNumbers({ ...r, kpi_date: String(r["kpi_date"]) }, money));
    assertSameRows(latest, kpiTruth(transformedTruth(nights[1]), "run-2"), ["kpi_date", "region", "category", "currency"], 0.0001);
  });
});
