/**
 * The `platform local --input` reader and producer without emulators: lines
 * split the same whatever the chunking, a line too long to put is counted but
 * never held, and a 100 MB file goes through the producer in bounded memory
 * with every PutRecords request inside Kinesis's limits.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import fc from "fast-check";
import { fileLines, isOversized, LineSplitter, splitLines } from "../../../functions/local/inputLines";
import { KINESIS_WRITE_LIMITS, produce, ProducerState } from "../../../functions/local/producer";
import { fixture } from "../helpers";

const MiB = 1 << 20;

/** A Kinesis stand-in that checks each PutRecords request against the documented limits and keeps nothing. */
function checkingKinesis(onRequest: () => void = () => undefined) {
  const seen = { requests: 0, records: 0, maxRequestBytes: 0, maxRecordBytes: 0 };
  const send = (command: PutRecordsCommand) => {
    const records = command.input.Records ?? [];
    let bytes = 0;
    for (const r of records) {
      const size = (r.Data as Uint8Array).length + Buffer.byteLength(r.PartitionKey ?? "");
      assert.ok(size <= KINESIS_WRITE_LIMITS.maxRecordBytes, `a ${size}-byte record`);
      seen.maxRecordBytes = Math.max(seen.maxRecordBytes, size);
      bytes += size;
    }
    assert.ok(records.length <= 500, `${records.length} records in one request`);
    assert.ok(bytes <= 5 * MiB, `a ${bytes}-byte request`);
    seen.requests++;
    seen.records += records.length;
    seen.maxRequestBytes = Math.max(seen.maxRequestBytes, bytes);
    onRequest();
    return Promise.resolve({ Records: records.map(() => ({ SequenceNumber: "1", ShardId: "shardId-000000000000" })), FailedRecordCount: 0 });
  };
  return { seen, kinesis: { send } as unknown as Parameters<typeof produce>[0]["kinesis"] };
}

const target = (kinesis: Parameters<typeof produce>[0]["kinesis"]) => ({ kinesis, stream: "s", regions: ["EMEA"], currencies: ["EUR"], seed: 1 });

describe("platform local --input: reading and producing", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "platform-lines-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("splits the same lines whatever the chunk boundaries (CRLF, blank lines, no final newline)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "\n", "\r\n", " ", "\r", "\u00e9"), { maxLength: 60 }), fc.array(fc.nat(20), { maxLength: 8 }), (parts, cuts) => {
        const bytes = Buffer.from(parts.join(""), "utf8");
        const splitter = new LineSplitter(Infinity);
        const lines = [];
        let at = 0;
        for (const cut of cuts) {
          lines.push(...splitter.push(bytes.subarray(at, Math.min(bytes.length, at + cut))));
          at = Math.min(bytes.length, at + cut);
        }
        lines.push(...splitter.push(bytes.subarray(at)), ...splitter.end());
        assert.deepEqual(lines, splitLines(bytes));
      }),
    );
    assert.deepEqual(splitLines(Buffer.from("a\r\n\n  \nb")).map(String), ["a", "b"]);
  });

  it("reports a line over the limit by its length only, without holding it", () => {
    // prepare: a 64 MiB line between two short ones
    const file = path.join(tmp, "long.ndjson");
    const fd = fs.openSync(file, "w");
    fs.writeSync(fd, "first\n");
    const block = Buffer.alloc(MiB, 0x7a);
    for (let i = 0; i < 64; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, "\nlast");
    fs.closeSync(fd);
    const before = process.memoryUsage().arrayBuffers;
    // act
    let peak = 0;
    const lines = [];
    for (const line of fileLines(file, MiB)) {
      lines.push(line);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
    }
    // assess
    assert.deepEqual(lines.map((l) => (isOversized(l) ? l.oversizedBytes : l.toString())), ["first", 64 * MiB, "last"]);
    assert.ok(peak < 16 * MiB, `${(peak / MiB).toFixed(1)} MiB held while reading a 64 MiB line`);
  });

  it("puts a 100 MB file within PutRecords' limits in bounded memory, counting the records over 1 MiB", async function () {
    this.timeout(120_000);
    // prepare: 100 MB of transactions, with a 1.1 MB and a 2 MB line in the middle
    const tx = JSON.stringify({ ...fixture<Record<string, unknown>>("transaction.valid.json"), transactionId: "T-000000000" });
    const file = path.join(tmp, "large.ndjson");
    const fd = fs.openSync(file, "w");
    let written = 0;
    let count = 0;
    while (written < 100 * 1000 * 1000) {
      const chunk = Buffer.from(Array.from({ length: 1000 }, () => tx.replace("T-000000000", `T-${String(count++).padStart(9, "0")}`)).join("\n") + "\n");
      fs.writeSync(fd, chunk);
      written += chunk.length;
      if (count === 100_000) fs.writeSync(fd, `${"x".repeat(1_100_000)}\n${"y".repeat(2_000_000)}\n`);
    }
    fs.closeSync(fd);
    const before = process.memoryUsage();
    let peak = 0;
    const { seen, kinesis } = checkingKinesis(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed - before.heapUsed + (m.arrayBuffers - before.arrayBuffers));
    });
    const state: ProducerState = { produced: 0, producing: true, oversized: 0 };
    // act
    await produce(target(kinesis), { kind: "lines", lines: fileLines(file, KINESIS_WRITE_LIMITS.maxRecordBytes) }, state);
    // assess
    assert.equal(state.produced, count);
    assert.equal(seen.records, count);
    assert.equal(state.oversized, 2);
    assert.equal(state.producing, false);
    assert.ok(peak < 64 * MiB, `${(peak / MiB).toFixed(1)} MiB above the start while putting ${(fs.statSync(file).size / MiB).toFixed(0)} MiB`);
  });

  it("splits requests by bytes as well as by count", async () => {
    // prepare: 12 records of 0.9 MiB: 10.8 MiB, at most 5 per request
    const lines = Array.from({ length: 12 }, (_, i) => Buffer.from(`{"transactionId":"T-${i}","pad":"${"p".repeat(900 * 1024)}"}`));
    const { seen, kinesis } = checkingKinesis();
    const state: ProducerState = { produced: 0, producing: true, oversized: 0 };
    // act
    await produce(target(kinesis), { kind: "lines", lines }, state);
    // assess
    assert.equal(state.produced, 12);
    assert.equal(seen.requests, 3);
  });
});
