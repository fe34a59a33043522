import * as assert from "node:assert/strict";
import { hashEmail, HASH_PREFIX, validateRecord } from "../../../functions/shared";
import { countByRule, dedupeQuarantine, parseQuarantineObject, planQuarantineObjects, QuarantineEntry, readQuarantine } from "../../../functions/stream-processor/quarantine";
import { HASH_KEY, validationContext } from "../helpers";

const entry = (seq: string, overrides: Partial<QuarantineEntry> = {}): QuarantineEntry => ({
  rule: "unknown-region",
  message: "region: not a sales region",
  data: Buffer.from(`{"transactionId":"t${seq}"}`),
  shardId: "shardId-000000000001",
  sequenceNumber: seq,
  partitionKey: `p${seq}`,
  arrivalMs: Date.parse("2026-11-28T23:59:59Z"),
  ...overrides,
});

describe("stream-processor/quarantine (pure)", () => {
  it("puts a batch's rejected records in one NDJSON object named by shard, date and first-last sequence numbers", () => {
    // prepare: the first rejected record arrived on the 28th, the last on the 29th
    const entries = [entry("495"), entry("1000", { arrivalMs: Date.parse("2026-11-29T00:00:01Z"), rule: "not-json" })];
    // act
    const objects = planQuarantineObjects("quarantine/", entries, HASH_KEY);
    // assess
    assert.equal(objects.length, 1);
    assert.equal(objects[0].key, "quarantine/dt=2026-11-28/shardId-000000000001/495-1000.ndjson");
    assert.ok(objects[0].body.endsWith("}\n"));
    const docs = parseQuarantineObject(objects[0].body);
    assert.deepEqual(docs.map((d) => [d.rule, d.source.sequenceNumber, d.source.partitionKey, d.source.arrivalTime]), [
      ["unknown-region", "495", "p495", "2026-11-28T23:59:59.000Z"],
      ["not-json", "1000", "p1000", "2026-11-29T00:00:01.000Z"],
    ]);
    assert.deepEqual(planQuarantineObjects("quarantine/", [], HASH_KEY), []);
  });

  it("splits a large body into parts that depend only on the records, never splitting a record", () => {
    // prepare: 10 records of ~1 KB, parts of at most 3 KB, and one record larger than a part
    const entries = Array.from({ length: 10 }, (_, i) => entry(String(100 + i), { data: Buffer.from("x".repeat(700)) }));
    entries.push(entry("200", { data: Buffer.from("y".repeat(5000)) }));
    // act
    const a = planQuarantineObjects("q/", entries, HASH_KEY, 3 * 1024);
    const b = planQuarantineObjects("q/", entries.map((e) => ({ ...e })), HASH_KEY, 3 * 1024);
    // assess
    assert.deepEqual(a, b);
    assert.ok(a.length >= 4);
    a.forEach((o, i) => assert.equal(o.key, `q/dt=2026-11-28/shardId-000000000001/100-200-part${i + 1}.ndjson`));
    for (const o of a.slice(0, -1)) assert.ok(Buffer.byteLength(o.body) <= 3 * 1024);
    assert.equal(a[a.length - 1].entries.length, 1);
    assert.deepEqual(a.flatMap((o) => parseQuarantineObject(o.body).map((d) => d.source.sequenceNumber)), entries.map((e) => e.sequenceNumber));
    assert.deepEqual(a.flatMap((o) => o.entries), entries);
  });

  it("hashes e-mail addresses in the payload and in the rejection message", () => {
    // prepare: a payload that is an address alone, so JSON.parse's message quotes it
    const data = Buffer.from("jane@example.com");
    const verdict = validateRecord(data, validationContext());
    assert.ok(!verdict.ok && verdict.message.includes("jane@example.com"));
    // act
    const [object] = planQuarantineObjects("q/", [entry("1", { rule: verdict.rule, message: verdict.message, data })], HASH_KEY);
    // assess
    const hashed = `${HASH_PREFIX}${hashEmail(HASH_KEY, "jane@example.com")}`;
    assert.ok(!object.body.includes("jane@example.com"));
    const [doc] = parseQuarantineObject(object.body);
    assert.equal(Buffer.from(doc.payloadBase64, "base64").toString("utf8"), hashed);
    assert.ok(doc.message.includes(hashed), doc.message);
  });

  it("de-duplicates overlapping objects on (shardId, sequenceNumber), in shard and numeric sequence order", () => {
    // prepare: a whole batch, its bisected second half, and another shard with the same sequence numbers
    const whole = planQuarantineObjects("q/", [entry("9"), entry("10"), entry("11")], HASH_KEY)[0].body;
    const half = planQuarantineObjects("q/", [entry("10"), entry("11")], HASH_KEY)[0].body;
    const other = planQuarantineObjects("q/", [entry("9", { shardId: "shardId-000000000002", rule: "not-json" })], HASH_KEY)[0].body;
    // act
    const docs = readQuarantine([half, other, whole, "\n"]);
    // assess
    assert.deepEqual(docs.map((d) => `${d.source.shardId}/${d.source.sequenceNumber}`), ["shardId-000000000001/9", "shardId-000000000001/10", "shardId-000000000001/11", "shardId-000000000002/9"]);
    assert.deepEqual(countByRule(docs), { "unknown-region": 3, "not-json": 1 });
    assert.equal(dedupeQuarantine([...docs, ...docs]).length, 4);
  });
});
