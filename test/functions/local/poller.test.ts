import * as assert from "node:assert/strict";
import { InvokeResult, nextPollerState, PollerSettings, ShardPoller } from "../../../functions/local/poller";

const settings: PollerSettings = { batchSize: 4, batchingWindowMs: 1000, maxRetries: 2, bisectOnError: true };
const seqs = ["1", "2", "3", "4"];
const ok = (failed: string[] = []): InvokeResult => ({ kind: "response", failedSequenceNumbers: failed });
const error: InvokeResult = { kind: "error", error: new Error("boom") };

describe("local/nextPollerState", () => {
  it("checkpoints the whole batch on success", () => {
    const d = nextPollerState(settings, { limit: 4, attempts: 0 }, seqs, ok());
    assert.deepEqual(d, { state: { limit: 4, attempts: 0 }, advance: 4, discarded: 0 });
  });

  it("checkpoints before the lowest reported failure", () => {
    const d = nextPollerState(settings, { limit: 4, attempts: 0 }, seqs, ok(["4", "2"]));
    assert.deepEqual(d, { state: { limit: 4, attempts: 1 }, advance: 1, discarded: 0 });
  });

  it("retries the whole batch when a failure identifier is unknown", () => {
    const d = nextPollerState(settings, { limit: 4, attempts: 0 }, seqs, ok(["99"]));
    assert.equal(d.advance, 0);
  });

  it("bisects on a function error without counting a retry", () => {
    const d = nextPollerState(settings, { limit: 4, attempts: 1 }, seqs, error);
    assert.deepEqual(d, { state: { limit: 2, attempts: 1 }, advance: 0, discarded: 0 });
  });

  it("discards a single failing record after maxRetries", () => {
    const first = nextPollerState(settings, { limit: 1, attempts: 2 }, ["1"], error);
    assert.deepEqual(first, { state: { limit: 4, attempts: 0 }, advance: 1, discarded: 1 });
  });
});

describe("local/ShardPoller", () => {
  function source(records: { sequenceNumber: string; arrivalMs: number }[]) {
    let given = false;
    return {
      finished: false,
      async read() {
        if (given) return [];
        given = true;
        return records;
      },
    };
  }
  const records = ["1", "2", "3", "4", "5", "6"].map((s) => ({ sequenceNumber: s, arrivalMs: 0 }));

  it("redelivers from the lowest failed record and preserves order", async () => {
    // prepare: the first invocation fails record 3
    const seen: string[][] = [];
    let calls = 0;
    const poller = new ShardPoller({ ...settings, maxRetries: -1 }, source(records), async (batch) => {
      seen.push(batch.map((r) => r.sequenceNumber));
      return ok(calls++ === 0 ? ["3"] : []);
    });
    // act
    while (poller.pending > 0 || seen.length === 0) await poller.step();
    // assess
    assert.deepEqual(seen, [["1", "2", "3", "4"], ["3", "4", "5", "6"]]);
    assert.equal(poller.checkpoint, "6");
    assert.equal(poller.stats.checkpointed, 6);
  });

  it("bisects a batch whose invocation throws, then resumes full batches", async () => {
    // prepare: record 2 crashes the function once
    const seen: string[][] = [];
    let crashed = false;
    const poller = new ShardPoller({ ...settings, maxRetries: -1 }, source(records), async (batch) => {
      seen.push(batch.map((r) => r.sequenceNumber));
      if (!crashed && batch.some((r) => r.sequenceNumber === "2")) {
        crashed = true;
        throw new Error("crash");
      }
      return ok();
    });
    // act
    while (poller.pending > 0 || seen.length === 0) await poller.step();
    // assess
    assert.deepEqual(seen, [["1", "2", "3", "4"], ["1", "2"], ["3", "4", "5", "6"]]);
    assert.equal(poller.stats.errors, 1);
  });

  it("waits for the batching window before invoking a partial batch", async () => {
    // prepare
    let now = 0;
    const seen: number[] = [];
    const poller = new ShardPoller(settings, source(records.slice(0, 2)), async (batch) => (seen.push(batch.length), ok()), () => now);
    // act
    await poller.step();
    now = 999;
    await poller.step();
    const before = seen.length;
    now = 1000;
    await poller.step();
    // assess
    assert.equal(before, 0);
    assert.deepEqual(seen, [2]);
  });

  it("reads the shard at most once per poll interval", async () => {
    // prepare: a source that counts its reads
    let now = 0;
    let reads = 0;
    const counting = { finished: false, read: async () => (reads++, []) };
    const poller = new ShardPoller({ ...settings, pollIntervalMs: 1000 }, counting, async () => ok(), () => now);
    // act
    await poller.step();
    now = 500;
    await poller.step();
    const early = reads;
    now = 1000;
    await poller.step();
    // assess
    assert.equal(early, 1);
    assert.equal(reads, 2);
  });
});
