/**
 * End to end through kinesalite, dynalite and s3rver: `platform local
 * --input ... --export ...` and the pipeline behind it, with and without faults.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { memoryIo } from "../../../cli/io";
import { main } from "../../../cli/main";
import { splitLines } from "../../../functions/local/inputLines";
import { loadStackFile } from "../../../environments/load";
import { LocalExport, runLocalPipeline } from "../../../functions/local/pipeline";
import { fixture, groundTruth } from "../helpers";
import { UNKNOWN_STACK } from "../../helpers/unknownStack";

const ROOT = path.join(__dirname, "..", "..", "..");
const INPUT = path.join(__dirname, "..", "events", "transactions.ndjson");

/** What the fixture must give: the valid lines (a transactionId's first occurrence counts), one invalid line per rule. */
function expectation() {
  const lines = splitLines(fs.readFileSync(INPUT));
  const invalid = fixture<{ lines: Record<string, string> }>("transactions.invalid-lines.json").lines;
  const txs = lines.filter((_, i) => !(String(i + 1) in invalid)).map((l) => JSON.parse(l.toString("utf8")) as Parameters<typeof groundTruth>[0][number]);
  const rejected: Record<string, number> = {};
  for (const rule of Object.values(invalid)) rejected[rule] = (rejected[rule] ?? 0) + 1;
  const duplicates = txs.length - new Set(txs.map((t) => t.transactionId)).size;
  return { lines: lines.length, txs, rejected, duplicates };
}

describe("local pipeline end to end (kinesalite + dynalite + s3rver)", function () {
  this.timeout(60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "platform-local-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("platform local --input --export writes the issue's format with exact aggregates and rejected counts", async () => {
    // prepare
    const io = memoryIo(ROOT);
    const out = path.join(tmp, "export.json");
    // act
    const code = await main(["local", "--input", INPUT, "--export", out], io);
    // assess
    assert.equal(code, 0, io.stderr.join("\n"));
    const exported = JSON.parse(fs.readFileSync(out, "utf8")) as LocalExport;
    assert.deepEqual(Object.keys(exported), ["processed", "valid", "duplicates", "rejected", "refusedByProducer", "aggregates"]);
    const expected = expectation();
    assert.equal(exported.processed, expected.lines);
    assert.equal(exported.valid, expected.txs.length);
    assert.equal(exported.duplicates, expected.duplicates);
    assert.equal(expected.duplicates, 9, "the fixture repeats 9 transactionIds");
    assert.deepEqual(exported.rejected, expected.rejected);
    assert.equal(exported.refusedByProducer, 0);
    assert.deepEqual(exported.aggregates, groundTruth(expected.txs));
    assert.ok(io.stdout.some((l) => l.startsWith("done: 120 processed, 109 valid (9 producer duplicates), 11 rejected, ")), io.stdout.join("\n"));
  });

  it("refuses records over Kinesis's 1 MiB at the producer, counts them oversized and goes on; requests stay under 5 MiB", async () => {
    // prepare: the fixture, then a 1.1 MB JSON line, a 2 MB garbage line and seven 0.9 MB lines (6.3 MB, more than one
    // PutRecords request may carry; under the stream's limit, they reach the processor, whose own limit is 100 KiB)
    const valid = fixture<Record<string, unknown>>("transaction.valid.json");
    const big = JSON.stringify({ ...valid, transactionId: "T-BIG", note: "x".repeat(1_100_000) });
    const garbage = Buffer.alloc(2_000_000, 0x41);
    const large = Array.from({ length: 7 }, (_, i) => JSON.stringify({ ...valid, transactionId: `T-LARGE-${i}`, note: "y".repeat(900_000) }));
    const file = path.join(tmp, "oversized.ndjson");
    fs.writeFileSync(file, Buffer.concat([fs.readFileSync(INPUT), Buffer.from(`${big}\n`), garbage, Buffer.from(`\n${large.join("\n")}\n`)]));
    const out = path.join(tmp, "oversized-export.json");
    const io = memoryIo(ROOT);
    // act
    const code = await main(["local", "--input", file, "--export", out], io);
    // assess
    assert.equal(code, 0, io.stderr.join("\n"));
    assert.deepEqual(io.stderr, []);
    const exported = JSON.parse(fs.readFileSync(out, "utf8")) as LocalExport;
    const expected = expectation();
    assert.equal(exported.processed, expected.lines + 9);
    assert.equal(exported.refusedByProducer, 2);
    assert.deepEqual(exported.rejected, { ...expected.rejected, oversized: (expected.rejected["oversized"] ?? 0) + 9 });
    const rejected = Object.values(exported.rejected).reduce((s, n) => s + (n ?? 0), 0);
    assert.equal(exported.valid + rejected, exported.processed, "the counts add up");
    assert.deepEqual(exported.aggregates, groundTruth(expected.txs));
    assert.ok(io.stdout.some((l) => l.startsWith(`done: ${expected.lines + 9} processed, 109 valid (9 producer duplicates), 20 rejected (2 over Kinesis's 1 MiB record limit, refused by the producer), `)), io.stdout.join("\n"));
  });

  it("gives the same aggregates with throttling, crashes and redeliveries injected", async () => {
    // prepare
    const environment = loadStackFile(path.join(ROOT, "Pulumi.dev.yaml"), "retail-data-platform");
    const lines = splitLines(fs.readFileSync(INPUT));
    // act
    const clean = await runLocalPipeline({ environment, input: { kind: "lines", lines }, poller: { batchSize: 10 } });
    const faulty = await runLocalPipeline({
      environment,
      input: { kind: "lines", lines },
      poller: { batchSize: 10 },
      faults: { throttleRate: 0.1, crashRate: 0.2, redeliveryRate: 0.2 },
      seed: 3,
    });
    // assess
    assert.deepEqual(faulty, clean);
  });

  it("rejects an unknown stack and an unreadable input with one line and exit 2", async () => {
    // prepare
    const io = memoryIo(ROOT);
    // act
    const unknown = await main(["local", "--stack", UNKNOWN_STACK], io);
    const missing = await main(["local", "--input", path.join(tmp, "missing.ndjson")], io);
    // assess
    assert.equal(unknown, 2);
    assert.equal(missing, 2);
    assert.deepEqual(io.stderr, [
      `platform: unknown stack "${UNKNOWN_STACK}": Pulumi.${UNKNOWN_STACK}.yaml not found in ${ROOT}`,
      `platform: --input ${path.join(tmp, "missing.ndjson")}: cannot be read (no such file)`,
    ]);
  });
});
