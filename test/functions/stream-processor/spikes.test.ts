import * as assert from "node:assert/strict";
import { ConditionalCheckFailedException, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { loadProcessorEnv } from "../../../functions/stream-processor/config";
import { alertSlotRequest, baselineOf, BaselineCache, detectSpikes, isSpike, SpikeCandidate, SpikeIo } from "../../../functions/stream-processor/spikes";

describe("stream-processor/spikes (pure)", () => {
  const settings = { ratio: 3, minUnits: 20, baselineMinutes: 15, maxAlertsPerMinute: 20 };

  it("averages over the minutes with traffic recorded, a minute without a sale counting as 0", () => {
    // prepare: 4 minutes with traffic, the product sold in 2 of them
    const units = [10, undefined, 6, undefined];
    // act
    const baseline = baselineOf(units, 4);
    // assess
    assert.equal(baseline, 4);
    assert.equal(baselineOf([undefined], 0), 0);
  });

  it("fires above ratio x baseline once the minimum volume is reached", () => {
    assert.equal(isSpike(25, 8, settings), true);
    assert.equal(isSpike(24, 8, settings), false);
    assert.equal(isSpike(19, 0, settings), false);
    assert.equal(isSpike(20, 0, settings), true);
  });

  it("claims an alert slot with a conditional ADD on the minute's counter item, with a TTL", () => {
    // act
    const req = alertSlotRequest("aggregates", "2026-11-28T18:05", 20, 2);
    // assess
    assert.deepEqual(req.Key, { pk: { S: "SPIKES#2026-11-28T18:05" }, sk: { S: "count" } });
    assert.equal(req.UpdateExpression, "ADD #n :one SET #t = :t");
    assert.equal(req.ConditionExpression, "attribute_not_exists(#n) OR #n < :max");
    assert.deepEqual(req.ExpressionAttributeValues[":max"], { N: "20" });
    assert.deepEqual(req.ExpressionAttributeValues[":t"], { N: String(Date.parse("2026-11-28T18:06:00Z") / 1000 + 2 * 86_400) });
  });

  it("reads SPIKE_MAX_ALERTS_PER_MINUTE (optional, default 20, a whole number from 1)", () => {
    // prepare
    const env = {
      AGGREGATES_TABLE: "t", QUARANTINE_BUCKET: "q", SPIKE_BUS_NAME: "b", SALES_REGIONS: "EMEA", CURRENCIES: "EUR", SPIKE_RATIO: "3",
      SPIKE_MIN_UNITS: "20", SPIKE_BASELINE_MINUTES: "15", HOT_RETENTION_DAYS: "2", POWERTOOLS_SERVICE_NAME: "s", POWERTOOLS_METRICS_NAMESPACE: "n",
    };
    // act, assess
    assert.equal(loadProcessorEnv(env).SPIKE_MAX_ALERTS_PER_MINUTE, 20);
    assert.equal(loadProcessorEnv({ ...env, SPIKE_MAX_ALERTS_PER_MINUTE: "5" }).SPIKE_MAX_ALERTS_PER_MINUTE, 5);
    assert.throws(() => loadProcessorEnv({ ...env, SPIKE_MAX_ALERTS_PER_MINUTE: "0" }), /SPIKE_MAX_ALERTS_PER_MINUTE must be at least 1/);
    assert.throws(() => loadProcessorEnv({ ...env, SPIKE_MAX_ALERTS_PER_MINUTE: "2.5" }), /SPIKE_MAX_ALERTS_PER_MINUTE must be an integer/);
  });
});

describe("stream-processor/detectSpikes with the per-minute alert cap (in-memory table)", () => {
  const settings = { ratio: 3, minUnits: 20, baselineMinutes: 15, maxAlertsPerMinute: 3 };

  /** A fake table: every baseline minute's total holds 1 unit of every product; markers and counters honour their conditions. */
  function fakeIo(clock: { now: number }) {
    const items = new Map<string, Record<string, { N?: string; S?: string }>>();
    const sent: string[] = [];
    const suppressed: string[] = [];
    const slotRequests: string[] = [];
    const dynamo = {
      send: async (cmd: unknown) => {
        if (cmd instanceof QueryCommand) {
          const products = JSON.stringify(Array.from({ length: 9 }, (_, i) => [`P${i}`, 1, 100, 1]));
          return { Items: [{ pk: cmd.input.ExpressionAttributeValues![":pk"], sk: { S: "m#0" }, l: { S: "0011" }, p: { S: products } }] };
        }
        if (cmd instanceof UpdateItemCommand) {
          const key = `${cmd.input.Key!.pk.S}|${cmd.input.Key!.sk.S}`;
          const item = items.get(key);
          const fail = () => Promise.reject(new ConditionalCheckFailedException({ message: "condition", $metadata: {} }));
          if (key.startsWith("SPIKES#")) {
            slotRequests.push(key);
            const n = Number(item?.n?.N ?? 0);
            if (item && n >= Number(cmd.input.ExpressionAttributeValues![":max"].N)) return fail();
            items.set(key, { n: { N: String(n + 1) } });
          } else {
            if (item) return fail();
            items.set(key, { units: { N: "1" } });
          }
          return { ConsumedCapacity: { CapacityUnits: 1 } };
        }
        throw new Error("unexpected command");
      },
    };
    const events = {
      send: async (cmd: unknown) => {
        if (!(cmd instanceof PutEventsCommand)) throw new Error("unexpected command");
        sent.push(JSON.parse(cmd.input.Entries![0].Detail!).productId);
        return { FailedEntryCount: 0 };
      },
    };
    const io: SpikeIo = {
      dynamo: dynamo,
      events: events,
      table: "t",
      busName: "b",
      retentionDays: 2,
      onSuppressed: (d) => suppressed.push(d.productId),
      now: () => clock.now,
    };
    return { io, items, sent, suppressed, slotRequests };
  }

  const candidate = (productId: string, minute = "2026-11-28T18:00"): SpikeCandidate => ({ region: "EMEA", minute, minuteStartMs: Date.parse(`${minute}:00Z`), productId, units: 25 });

  it("emits exactly the cap in one minute, counts the rest as suppressed, and starts a new count in a new minute", async () => {
    // prepare
    const clock = { now: Date.parse("2026-11-28T18:00:10Z") };
    const t = fakeIo(clock);
    const cache = new BaselineCache();
    // act: five spikes in one wall-clock minute (two calls, as two batches would), then two in the next minute
    await detectSpikes(t.io, cache, settings, ["P0", "P1"].map((p) => candidate(p)));
    await detectSpikes(t.io, cache, settings, ["P2", "P3", "P4"].map((p) => candidate(p)));
    clock.now += 60_000;
    const next = await detectSpikes(t.io, cache, settings, ["P5", "P6"].map((p) => candidate(p)));
    // assess
    assert.deepEqual(t.sent, ["P0", "P1", "P2", "P5", "P6"]);
    assert.deepEqual(t.suppressed, ["P3", "P4"]);
    assert.deepEqual(next.map((d) => d.productId), ["P5", "P6"]);
    assert.equal(t.items.get("SPIKES#2026-11-28T18:00|count")?.n?.N, "3");
    assert.equal(t.items.get("SPIKES#2026-11-28T18:01|count")?.n?.N, "2");
    // once a minute is found full, later spikes of the same call do not ask again
    assert.equal(t.slotRequests.filter((k) => k.startsWith("SPIKES#2026-11-28T18:00")).length, 4);
  });

  it("counts a suppressed spike once: its marker stays claimed, so a later batch neither alerts nor counts it again", async () => {
    // prepare: the minute is full
    const clock = { now: Date.parse("2026-11-28T18:00:10Z") };
    const t = fakeIo(clock);
    const cache = new BaselineCache();
    await detectSpikes(t.io, cache, settings, ["P0", "P1", "P2", "P3"].map((p) => candidate(p)));
    // act: P3 again, in the next minute
    clock.now += 60_000;
    await detectSpikes(t.io, cache, settings, [candidate("P3")]);
    // assess
    assert.deepEqual(t.sent, ["P0", "P1", "P2"]);
    assert.deepEqual(t.suppressed, ["P3"]);
  });
});
