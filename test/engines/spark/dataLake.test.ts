/**
 * P1's Glue job (components/datalake/scripts/raw_to_curated.py) unchanged on
 * local PySpark: generated raw exports with a bad line of every kind it
 * handles; curated and rejected lines equal a truth computed here from the
 * input; job bookmarks read only new files; a missing argument fails the run.
 * The raw table is the one the component defines (no crawler): its columns
 * are the exports' header, all strings, its first line skipped. Then the
 * lake's Athena queries run on Trino over the job's real output, through the
 * curated table's Glue columns.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CURATED_COLUMNS, CURATED_PARTITION, LAKE_QUERIES, RAW_COLUMNS, RAW_TABLE, RAW_TABLE_PARAMETERS, renderLakeQuery } from "../../../components/datalake/curated";
import { readParquet, runGlueScripts } from "../../../engines/spark";
import { assertSameRows, releaseTrino, sharedTrino, SPARK_TIMEOUT_MS, tempDir, TRINO_START_TIMEOUT_MS } from "../helpers";

const SCRIPT = path.join(__dirname, "../../../components/datalake/scripts/raw_to_curated.py");
// The defined raw table's columns, in file order: the exports' header.
const HEADER = RAW_COLUMNS.map((c) => c.name).join(",");

interface Line {
  readonly csv: string;
  /** The rule the line breaks, or undefined when valid. */
  readonly rule?: string;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/** Valid lines (with spaces and lower case the job normalises) and one of each bad kind. */
function rawLines(nowMs: number, n: number, prefix: string): Line[] {
  const lines: Line[] = [];
  for (let i = 0; i < n; i++) {
    const at = iso(nowMs - ((i * 7919) % 20) * DAY - i * 1000);
    lines.push({ csv: `${prefix}${i}, ${at} ,C${i % 13},${i % 2 ? "fr" : "DE"},${["emea", "NA", "apac"][i % 3]},${i % 2 ? "eur" : "USD"},P${i % 7},cat${i % 4},${(1 + (i % 9) * 2.25).toFixed(2)},${1 + (i % 5)}` });
  }
  const at = iso(nowMs - DAY);
  lines.push(
    { csv: `,${at},C1,FR,EMEA,EUR,P1,cat1,9.99,1`, rule: "transaction_id missing" },
    { csv: `${prefix}b1,yesterday,C1,FR,EMEA,EUR,P1,cat1,9.99,1`, rule: "occurred_at is not a timestamp" },
    { csv: `${prefix}b2,${at},,FR,EMEA,EUR,P1,cat1,9.99,1`, rule: "customer_id missing" },
    { csv: `${prefix}b3,${at},C1,FRA,EMEA,EUR,P1,cat1,9.99,1`, rule: "customer_country is not ISO 3166-1 alpha-2" },
    { csv: `${prefix}b4,${at},C1,,EMEA,EUR,P1,cat1,9.99,1`, rule: "customer_country is not ISO 3166-1 alpha-2" },
    { csv: `${prefix}b5,${at},C1,FR,EMEA,EURO,P1,cat1,9.99,1`, rule: "currency is not ISO 4217" },
    { csv: `${prefix}b6,${at},C1,FR,EMEA,,P1,cat1,9.99,1`, rule: "currency is not ISO 4217" },
    { csv: `${prefix}b7,${at},C1,FR,EMEA,EUR,P1,cat1,0,1`, rule: "unit_price must be above 0" },
    { csv: `${prefix}b8,${at},C1,FR,EMEA,EUR,P1,cat1,abc,1`, rule: "unit_price must be above 0" },
    { csv: `${prefix}b9,${at},C1,FR,EMEA,EUR,P1,cat1,9.99,0`, rule: "quantity must be 1..1000" },
    { csv: `${prefix}b10,${at},C1,FR,EMEA,EUR,P1,cat1,9.99,1001`, rule: "quantity must be 1..1000" },
    { csv: `${prefix}b11,${at},C1,FR,EMEA,EUR,P1,cat1,9.99,many`, rule: "quantity must be 1..1000" },
  );
  return lines;
}

/** What the curated table should hold for the valid lines: typed and normalised, amounts in cents. */
function curatedTruth(lines: readonly Line[]): Record<string, unknown>[] {
  return lines
    .filter((l) => !l.rule)
    .map((l) => {
      const [id, at, customer, country, region, currency, product, category, price, qty] = l.csv.split(",").map((v) => v.trim());
      const cents = Math.round(Number(price) * 100) * Number(qty);
      return {
        transaction_id: id,
        occurred_at: `${at}`,
        customer_id: customer,
        customer_country: country.toUpperCase(),
        region: region.toUpperCase(),
        currency: currency.toUpperCase(),
        product_id: product,
        category,
        unit_price: Number(price),
        quantity: Number(qty),
        line_amount: cents / 100,
        dt: at.slice(0, 10),
      };
    });
}

function readJsonLines(dir: string): Record<string, unknown>[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

describe("engines/spark: P1 raw_to_curated.py on local Spark", function () {
  // Three Spark runs in one JVM; minutes only on a loaded machine.
  this.timeout(Math.max(TRINO_START_TIMEOUT_MS, SPARK_TIMEOUT_MS));
  const nowMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  let dir: string;
  let first: Line[];
  let second: Line[];
  let outcomes: { ok: boolean; error?: string; message?: string }[];

  before(() => {
    // prepare: two nightly exports; the second run must read only the second file
    dir = tempDir("lake");
    const raw = path.join(dir, "raw", "sales");
    fs.mkdirSync(raw, { recursive: true });
    first = rawLines(nowMs, 60, "A");
    second = rawLines(nowMs, 25, "B");
    // The catalog entry as the defined table reads: CSV, every column a string (Spark's CSV reader without inference), the header skipped.
    assert.ok(RAW_COLUMNS.every((c) => c.type === "string"));
    const withHeader = RAW_TABLE_PARAMETERS["skip.header.line.count"] === "1";
    fs.writeFileSync(path.join(dir, "catalog.json"), JSON.stringify({ [`lake.${RAW_TABLE}`]: { location: raw, format: RAW_TABLE_PARAMETERS["classification"], format_options: { withHeader, separator: "," } } }));
    const args = { JOB_NAME: "raw-to-curated", SOURCE_DATABASE: "lake", SOURCE_TABLE: RAW_TABLE, CURATED_PATH: `${dir}/curated/sales/`, REJECTED_PATH: `${dir}/raw/rejected/`, "job-bookmark-option": "job-bookmark-enable" };
    const env = { AWSGLUE_LOCAL_CATALOG: path.join(dir, "catalog.json"), AWSGLUE_LOCAL_STATE: path.join(dir, "state") };
    fs.writeFileSync(path.join(raw, "export-1.csv"), [HEADER, ...first.map((l) => l.csv)].join("\n"));
    const [run1] = runGlueScripts([{ script: SCRIPT, args, env }]);
    fs.writeFileSync(path.join(raw, "export-2.csv"), [HEADER, ...second.map((l) => l.csv)].join("\n"));
    const { REJECTED_PATH: _omitted, ...missingArg } = args;
    // act: the second night, then a run without one of its arguments
    outcomes = [run1, ...runGlueScripts([{ script: SCRIPT, args, env }, { script: SCRIPT, args: missingArg, env }])];
  });
  after(() => {
    releaseTrino();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("both nightly runs succeed", () => {
    assert.deepEqual(outcomes.slice(0, 2).map((o) => o.ok), [true, true], JSON.stringify(outcomes));
  });

  it("curated holds every valid line of both exports exactly once (bookmarks), typed, in dt= partitions", () => {
    const { rows, schema } = readParquet(`${dir}/curated/sales`);
    const norm = rows.map((r) => ({ ...r, occurred_at: String(r["occurred_at"]).slice(0, 19), unit_price: Number(r["unit_price"]), line_amount: Number(r["line_amount"]) }));
    assertSameRows(norm, curatedTruth([...first, ...second]), ["transaction_id"], 0);
    assert.deepEqual(schema.map(([n]) => n), [...CURATED_COLUMNS.map((c) => c.name), "dt"]);
    assert.deepEqual(Object.fromEntries(schema.filter(([n]) => ["unit_price", "quantity", "line_amount"].includes(n))), { unit_price: "decimal128(12, 2)", quantity: "int32", line_amount: "decimal128(14, 2)" });
    const partitions = fs.readdirSync(`${dir}/curated/sales`).filter((d) => d.startsWith("dt="));
    assert.deepEqual(partitions.sort(), [...new Set(curatedTruth([...first, ...second]).map((r) => `dt=${String(r["dt"])}`))].sort());
  });

  it("every bad line is set aside once with the rule it breaks", () => {
    const rejected = readJsonLines(`${dir}/raw/rejected`);
    const got = rejected.map((r) => `${(r["transaction_id"] as string | undefined) ?? ""}|${r["rejection_reason"] as string}`).sort();
    const want = [...first, ...second].filter((l) => l.rule).map((l) => `${l.csv.split(",")[0]}|${l.rule}`).sort();
    assert.deepEqual(got, want);
  });

  it("a missing job argument fails the run as Glue's getResolvedOptions does (argparse, exit 2)", () => {
    assert.deepEqual(outcomes[2], { ok: false, error: "SystemExit", message: "exit 2" });
  });

  it("the lake's named queries run on Trino over the job's output, through the curated table's Glue columns", async () => {
    const trino = await sharedTrino();
    await trino.createTable({ schema: "lake", table: "sales", columns: CURATED_COLUMNS, partitionKeys: [CURATED_PARTITION], directory: `${dir}/curated/sales` });
    // The queries look back from current_date; the truth uses the same cut-off.
    const today = (await trino.query("SELECT CAST(current_date AS varchar) AS d")).rows[0]["d"] as string;
    const truth = curatedTruth([...first, ...second]);
    const since = (days: number) => new Date(Date.parse(today) - days * DAY).toISOString().slice(0, 10);
    const daily = await trino.query(renderLakeQuery(LAKE_QUERIES.find((q) => q.id === "lake-daily-revenue")!, "lake", "sales"));
    const groups = new Map<string, { dt: string; region: string; currency: string; cents: number; orders: Set<unknown>; units: number }>();
    for (const r of truth.filter((r) => (r["dt"] as string) >= since(30))) {
      const k = [r["dt"], r["region"], r["currency"]].map(String).join("|");
      const g = groups.get(k) ?? { dt: r["dt"] as string, region: r["region"] as string, currency: r["currency"] as string, cents: 0, orders: new Set(), units: 0 };
      g.cents += Math.round((r["line_amount"] as number) * 100);
      g.orders.add(r["transaction_id"]);
      g.units += r["quantity"] as number;
      groups.set(k, g);
    }
    const expected = [...groups.values()].map((g) => ({ dt: g.dt, region: g.region, currency: g.currency, revenue: g.cents / 100, orders: g.orders.size, units: g.units }));
    assertSameRows(daily.rows, expected, ["dt", "region", "currency"], 0);
    const top = await trino.query(renderLakeQuery(LAKE_QUERIES.find((q) => q.id === "lake-top-categories")!, "lake", "sales"));
    assert.ok(top.rows.every((r) => typeof r["category"] === "string"));
  });
});
