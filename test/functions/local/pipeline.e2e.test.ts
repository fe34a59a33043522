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
import { splitLines } from "../../../cli/commands/local";
import { loadStackFile } from "../../../environments/load";
import { LocalExport, runLocalPipeline } from "../../../functions/local/pipeline";
import { fixture, groundTruth } from "../helpers";

const ROOT = path.join(__dirname, "..", "..", "..");
const INPUT = path.join(__dirname, "..", "events", "transactions.ndjson");

/** What the fixture must give: the valid lines (a transactionId's first occurrence counts), one invalid line per rule. */
function expectation() {
  const lines = splitLines(fs.readFileSync(INPUT));
  const invalid = fixture<{ lines: Record<string, string> }>("transactions.invalid-lines.json").lines;
  const txs = lines.filter((_, i) => !(String(i + 1) in invalid)).map((l) => JSON.parse(l.toString("utf8")) as Parameters<typeof groundTruth>[0][number]);
  const rejected: Record<string, number> = {};
  for (const rule of Object.values(invalid)) rejected[rule] = (rejected[rule] ?? 0) + 1;
  return { lines: lines.length, txs, rejected };
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
    assert.deepEqual(Object.keys(exported), ["processed", "valid", "rejected", "aggregates"]);
    const expected = expectation();
    assert.equal(exported.processed, expected.lines);
    assert.equal(exported.valid, expected.txs.length);
    assert.deepEqual(exported.rejected, expected.rejected);
    assert.deepEqual(exported.aggregates, groundTruth(expected.txs));
    assert.ok(io.stdout.some((l) => l.startsWith("done: 120 processed, 109 valid, 11 rejected")));
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
    const unknown = await main(["local", "--stack", "nope"], io);
    const missing = await main(["local", "--input", path.join(tmp, "missing.ndjson")], io);
    // assess
    assert.equal(unknown, 2);
    assert.equal(missing, 2);
    assert.deepEqual(io.stderr, [
      `platform: unknown stack "nope": Pulumi.nope.yaml not found in ${ROOT}`,
      `platform: --input ${path.join(tmp, "missing.ndjson")}: cannot be read (ENOENT)`,
    ]);
  });
});
