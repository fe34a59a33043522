/**
 * `platform local --input --export --history DIR`, then `platform query
 * --history DIR`: the done-when query and the three reports over the history
 * the local pipeline wrote, against the truth of the input file; bad input.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../../cli/main";
import { memoryIo } from "../../../cli/io";
import { QUERY_SCHEMA, QUERYABLE_TABLES } from "../../../cli/lib/queryTables";
import { REPORT_QUERIES, renderQuery } from "../../../components/realtime/queries";
import { assertSameRows, releaseTrino, sharedTrino, tempDir, TRINO_START_TIMEOUT_MS } from "../helpers";
import { generateHistory, HistoryInput, regionTotalsTruth, revenueByRegionTruth, topProductsTruth, trendTruth } from "../historyFixture";

const REPO = path.join(__dirname, "..", "..", "..");
const DONE_WHEN_SQL = "SELECT region, count(DISTINCT transaction_id) AS n, round(sum(total_amount), 2) AS revenue FROM history GROUP BY region";

async function platform(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo(REPO);
  const code = await main(args, io);
  return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
}

describe("engines/trino: platform local --history, then platform query", function () {
  this.timeout(TRINO_START_TIMEOUT_MS);
  let dir: string;
  let history: string;
  let input: HistoryInput;
  let today: string;

  before(async () => {
    // prepare: an input file with duplicates and invalid lines; the shared Trino for `platform query`
    const trino = await sharedTrino();
    process.env["PLATFORM_TRINO_URL"] = trino.url;
    dir = tempDir("query-cli");
    history = path.join(dir, "history");
    // Purchases of the last 20 hours, every one inside the reports' windows; all reach Firehose now.
    const generated = generateHistory(Date.now(), 400, 11, 20 / 24);
    fs.writeFileSync(path.join(dir, "tx.ndjson"), Buffer.concat(generated.records.flatMap((r) => [r.data, Buffer.from("\n")])));
    today = new Date().toISOString().slice(0, 10);
    input = { ...generated, valid: generated.valid.map((v) => ({ ...v, arrivalMs: Date.now() })) };
    // act
    const local = await platform(["local", "--input", path.join(dir, "tx.ndjson"), "--export", path.join(dir, "out.json"), "--history", history]);
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, new RegExp(`history: ${input.valid.length} rows in \\d+ Parquet objects`));
  });
  after(() => {
    releaseTrino();
    delete process.env["PLATFORM_TRINO_URL"];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes Firehose's layout: dt=YYYY-MM-DD/<stream>-1-<time>-<uuid>.parquet", () => {
    const days = fs.readdirSync(history);
    assert.deepEqual(days, [`dt=${today}`]);
    for (const f of fs.readdirSync(path.join(history, days[0]))) assert.match(f, /^dev-history-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.parquet$/);
  });

  it("the done-when query (--format json) equals the truth of the input, duplicates included", async () => {
    const r = await platform(["query", "--history", history, "--sql", DONE_WHEN_SQL, "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assertSameRows(JSON.parse(r.stdout) as Record<string, unknown>[], regionTotalsTruth(input), ["region"]);
  });

  it("the three reports over the same history equal the truth", async () => {
    const truth: Record<string, [() => Record<string, unknown>[], string[]]> = {
      "top-products": [() => topProductsTruth(input), ["product_id", "category", "currency"]],
      "revenue-by-region": [() => revenueByRegionTruth(input), ["region", "currency"]],
      "trend-vs-previous-period": [() => trendTruth(input), ["product_id"]],
    };
    for (const q of REPORT_QUERIES) {
      const r = await platform(["query", "--history", history, "--sql", renderQuery(q, QUERY_SCHEMA, "history"), "--format", "json"]);
      assert.equal(r.code, 0, r.stderr);
      const [expected, keys] = truth[q.id];
      assertSameRows(JSON.parse(r.stdout) as Record<string, unknown>[], expected(), keys);
    }
  });

  it("--format table prints aligned columns and the row count", async () => {
    const r = await platform(["query", "--history", history, "--sql", "SELECT count(*) AS n FROM history"]);
    assert.match(r.stdout, new RegExp(`^n\\s*\\n-+\\s*\\n${input.valid.length}\\n\\(1 row\\)$`));
  });

  it("invalid SQL: one line with Trino's message, exit 2", async () => {
    const r = await platform(["query", "--history", history, "--sql", "SELECT nope FROM history"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "platform: query failed: line 1:8: Column 'nope' cannot be resolved");
    assert.equal(r.stdout, "");
  });

  it("a missing directory, an unknown table or no table: one line, exit 2", async () => {
    const missing = await platform(["query", "--history", path.join(dir, "nope"), "--sql", "SELECT 1"]);
    assert.deepEqual([missing.code, missing.stderr], [2, `platform: --history ${path.join(dir, "nope")}: directory not found`]);
    const unknown = await platform(["query", "--table", `orders=${dir}`, "--sql", "SELECT 1"]);
    assert.deepEqual([unknown.code, unknown.stderr], [2, `platform: --table orders=${dir}: unknown table orders (known: ${Object.keys(QUERYABLE_TABLES).join(", ")})`]);
    const none = await platform(["query", "--sql", "SELECT 1"]);
    assert.deepEqual([none.code, none.stderr], [2, "platform: give --history DIR or at least one --table NAME=DIR"]);
  });
});
