/**
 * Replays end to end on kinesalite, dynalite and s3rver: batches that fail
 * for good reach the on-failure queue and are replayed exactly once (also
 * after an interrupted run); quarantined records that a widened contract
 * accepts are counted once, in the aggregates and in the history.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { loadStackFile } from "../../../environments/load";
import { invalidRecord, INVALID_KINDS, STANDARD_CATALOGUE, TrafficGenerator, TransactionJson } from "../../../functions/local/generator";
import { runLocalPipeline } from "../../../functions/local/pipeline";
import { parseQuarantineBody } from "../../../functions/replay/quarantineReplay";
import { parseFailedBatchMessage, ReplayInputError } from "../../../functions/replay/types";
import { DEFAULT_MAX_RECORD_BYTES } from "../../../functions/shared";
import { groundTruth } from "../helpers";

const ROOT = path.join(__dirname, "..", "..", "..");
const environment = loadStackFile(path.join(ROOT, "Pulumi.dev.yaml"), "retail-data-platform");

/** `count` unique transactions over the last 10 minutes, one in 100 invalid (every rule), `extra` in currency SEK. */
function traffic(count: number, sek = 0): { lines: Buffer[]; valid: TransactionJson[]; sek: TransactionJson[] } {
  const gen = new TrafficGenerator({ seed: 11, ...STANDARD_CATALOGUE, regions: environment.salesRegions, currencies: environment.currencies });
  const now = Date.now();
  const lines: Buffer[] = [];
  const valid: TransactionJson[] = [];
  const sekTxs: TransactionJson[] = [];
  for (let i = 0; i < count; i++) {
    const tx = gen.transaction(now - 600_000 + Math.floor((i / count) * 600_000));
    if (i % 100 === 50) lines.push(invalidRecord(INVALID_KINDS[(i / 100) % INVALID_KINDS.length | 0], tx, now, DEFAULT_MAX_RECORD_BYTES));
    else if (i % 97 === 3 && sekTxs.length < sek) {
      const t = { ...tx, currency: "SEK" };
      sekTxs.push(t);
      lines.push(Buffer.from(JSON.stringify(t)));
    } else {
      valid.push(tx);
      lines.push(Buffer.from(JSON.stringify(tx)));
    }
  }
  return { lines, valid, sek: sekTxs };
}

describe("replays on the emulators (platform local --permanent-failures --replay)", function () {
  this.timeout(600_000);
  const { lines, valid } = traffic(12_000);
  const truth = groundTruth(valid);

  it("replays batches that failed for good exactly once: aggregates equal the ground truth, the second run finds nothing", async () => {
    // act
    const result = await runLocalPipeline({ environment, input: { kind: "lines", lines }, faults: { throttleRate: 0.02, crashRate: 0.05, redeliveryRate: 0.05 }, permanentFailures: 3, replay: true, seed: 5 });
    // assess
    assert.ok(result.replay!.failedBatches >= 3, `failed batches: ${result.replay!.failedBatches}`);
    const [first, second] = result.replay!.runs;
    assert.equal(first.failedBatches.length, result.replay!.failedBatches);
    assert.ok(first.failedBatches.reduce((s, b) => s + b.applied, 0) > 0);
    assert.ok(first.failedBatches.every((b) => b.unrecoverable === undefined));
    assert.deepEqual(second.failedBatches, []);
    assert.equal(second.quarantine.applied, 0);
    assert.deepEqual(result.aggregates, truth);
  });

  it("gives the same aggregates when a first replay is cut off halfway and run again", async () => {
    // act
    const result = await runLocalPipeline({ environment, input: { kind: "lines", lines }, permanentFailures: 3, replay: true, interruptReplayAfterWrites: 40 });
    // assess
    assert.equal(result.replay!.interruptedAfterWrites, 40);
    assert.ok(result.replay!.runs[0].failedBatches.some((b) => b.alreadyReplayed > 0), "the rerun found the interrupted run's writes");
    assert.deepEqual(result.aggregates, truth);
  });

  it("counts quarantined records once after the currency list is widened, in the aggregates and the history", async () => {
    // prepare
    const widened = traffic(3_000, 25);
    const replayEnvironment = { ...environment, currencies: [...environment.currencies, "SEK"] };
    // act
    const result = await runLocalPipeline({ environment, input: { kind: "lines", lines: widened.lines }, replay: true, replayEnvironment });
    // assess
    const [first, second] = result.replay!.runs;
    assert.equal(first.quarantine.nowValid, 25);
    assert.equal(first.quarantine.applied, 25);
    assert.equal(first.quarantine.historyObjects, 25);
    assert.equal(second.quarantine.applied, 0);
    assert.equal(second.quarantine.nowValid, 25);
    assert.deepEqual(result.aggregates, groundTruth([...widened.valid, ...widened.sek].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))));
    // Records in a currency still unknown (the generator's XTS) stay quarantined, under their rule.
    assert.ok((second.quarantine.stillInvalid["unknown-currency"] ?? 0) > 0);
    assert.equal(second.quarantine.records, first.quarantine.records);
  });

  it("refuses a queue message of the wrong shape and a quarantine object that is not NDJSON, in one line", () => {
    assert.throws(() => parseFailedBatchMessage("m-1", JSON.stringify({ KinesisBatchInfo: { shardId: "s", startSequenceNumber: "x" } })), (e: Error) => e instanceof ReplayInputError && /^failed-batches message m-1: KinesisBatchInfo\.startSequenceNumber must be a decimal sequence number/.test(e.message) && !e.message.includes("\n"));
    assert.throws(() => parseFailedBatchMessage("m-2", "not json"), /failed-batches message m-2: is not JSON/);
    assert.throws(() => parseQuarantineBody("quarantine/dt=2026-12-01/a.ndjson", "{\"rule\":\"not-json\"}\n<html>"), /quarantine object quarantine\/dt=2026-12-01\/a\.ndjson: line 1 /);
    assert.throws(() => parseQuarantineBody("k", "garbage"), /quarantine object k: line 1 is not JSON/);
  });
});
