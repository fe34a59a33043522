import * as assert from "node:assert/strict";
import fc from "fast-check";
import { AcceptedRecord, ChunkProducts, CONTRIBUTION_PLAN, planItemUpdates, remainderAfter } from "../../../functions/stream-processor/aggregate";
import { FOLD_GRACE_MS, FoldState } from "../../../functions/stream-processor/fold";
import {
  bucketOf,
  bucketSortKey,
  decodeProducts,
  encodeProducts,
  fnv1a,
  minuteProducts,
  productsOfItem,
  sequenceKey,
  shortShardId,
} from "../../../functions/stream-processor/itemDesign";
import { validateRecord, ValidTransaction } from "../../../functions/shared";
import { fixture, validationContext } from "../helpers";

function tx(overrides: Record<string, unknown>): ValidTransaction {
  const base = { ...fixture<Record<string, unknown>>("transaction.valid.json"), ...overrides };
  const verdict = validateRecord(Buffer.from(JSON.stringify(base)), validationContext(Date.parse("2030-01-01T00:00:00Z")));
  if (!verdict.ok) throw new Error(`${verdict.rule}: ${verdict.message}`);
  return verdict.transaction;
}

const accepted = (txs: ValidTransaction[]): AcceptedRecord[] => txs.map((t, index) => ({ seqKey: sequenceKey(String(100 + index)), data: Buffer.from(JSON.stringify(t)) }));

const line = (productId: string, unitPrice: number, quantity: number) => ({ productId, category: "c", unitPrice, quantity });

describe("stream-processor/itemDesign", () => {
  it("orders sequence keys like the numbers (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 56n }), fc.bigInt({ min: 0n, max: 10n ** 56n }), (a, b) => {
        const plain = sequenceKey(String(a)) < sequenceKey(String(b)) ? -1 : sequenceKey(String(a)) > sequenceKey(String(b)) ? 1 : 0;
        return plain === (a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });

  it("buckets products stably (FNV-1a) and shortens shard ids", () => {
    assert.equal(fnv1a("P00001"), fnv1a("P00001"));
    assert.equal(bucketOf("P00001", 16), fnv1a("P00001") % 16);
    assert.equal(bucketSortKey(3), "b03");
    assert.equal(shortShardId("shardId-000000000007"), "7");
  });

  it("decodes an item's products", () => {
    const products = productsOfItem({ pk: "EMEA#2026-11-28T18:00", sk: "b01", "u#P1": "3", "r#P1": "1500", "o#P1": "2", "h#0": "x" });
    assert.deepEqual(products, [{ productId: "P1", units: 3, revenueCents: 1500, orders: 2 }]);
  });
});

describe("stream-processor/itemDesign: contributions and minute totals (pure)", () => {
  const rows = (...r: [string, number, number, number][]) => JSON.stringify(r);

  it("encodes products as JSON rows that decode to the same figures, whatever the product id holds", () => {
    // prepare: an id with the characters a hand-made separator would trip on
    const products = new Map([
      ['P"1\t,\n', { units: 3, revenueCents: 1500, orders: 2 }],
      ["P2", { units: 1, revenueCents: 99, orders: 1 }],
    ]);
    // act
    const decoded = decodeProducts(encodeProducts(products));
    // assess
    assert.deepEqual(decoded, [
      { productId: 'P"1\t,\n', units: 3, revenueCents: 1500, orders: 2 },
      { productId: "P2", units: 1, revenueCents: 99, orders: 1 },
    ]);
  });

  it("reads a region-minute as each shard's total plus its contributions after it, plus the replays' bucket items", () => {
    // prepare: shard 0 folded through "0012" and then wrote one more; shard 1 never folded; a replay; a spike marker
    const items = [
      { sk: "m#0", attributes: { l: "0012", p: rows(["P1", 5, 500, 3]) } },
      { sk: "c#0#", attributes: { l: "0010", p: rows(["P1", 2, 200, 1]) } },
      { sk: "c#0#0010", attributes: { l: "0012", p: rows(["P1", 3, 300, 2]) } },
      { sk: "c#0#0012", attributes: { l: "0015", p: rows(["P1", 1, 100, 1], ["P2", 4, 40, 1]) } },
      { sk: "c#1#", attributes: { l: "0011", p: rows(["P2", 1, 10, 1]) } },
      { sk: "b03", attributes: { "u#P1": "7", "r#P1": "700", "o#P1": "1", "x#0#5": "1" } },
      { sk: "s#P1", attributes: { units: "99" } },
    ];
    // act
    const products = minuteProducts(items);
    // assess: P1 = 5 (total) + 1 (after it) + 7 (replay); P2 = 4 + 1
    assert.deepEqual(products.sort((a, b) => a.productId.localeCompare(b.productId)), [
      { productId: "P1", units: 13, revenueCents: 1300, orders: 5 },
      { productId: "P2", units: 5, revenueCents: 50, orders: 2 },
    ]);
  });

  it("folds a minute once the shard's event time is FOLD_GRACE_MS past its end, and again after a late contribution", () => {
    // prepare
    const folds = new FoldState().of("0");
    const ref = { pk: "EMEA#2026-11-28T18:00", region: "EMEA", minute: "2026-11-28T18:00", minuteStartMs: Date.parse("2026-11-28T18:00:00Z") };
    const end = ref.minuteStartMs + 60_000;
    folds.noteWritten(ref);
    // act, assess: not yet within the grace; then due; once folded, not again until written to again
    assert.deepEqual(folds.due(["EMEA"], end + FOLD_GRACE_MS - 1).map((r) => r.pk), ["EMEA#2026-11-28T17:59"]);
    assert.deepEqual(folds.due(["EMEA"], end + FOLD_GRACE_MS).map((r) => r.pk), [ref.pk]);
    folds.markFolded(ref);
    assert.deepEqual(folds.due(["EMEA"], end + FOLD_GRACE_MS), []);
    folds.noteWritten(ref);
    assert.deepEqual(folds.due([], end + 5 * 60_000).map((r) => r.pk), [ref.pk]);
  });
});

describe("stream-processor/FoldState", () => {
  it("keeps each shard's folds apart: a container that folded a minute for one shard still folds it for the next", () => {
    // prepare: shard 1 folded the minute; the same container then gets shard 2's batch
    const folds = new FoldState();
    const ref = { pk: "EMEA#2026-11-28T18:00", region: "EMEA", minute: "2026-11-28T18:00", minuteStartMs: Date.parse("2026-11-28T18:00:00Z") };
    const later = ref.minuteStartMs + 60_000 + FOLD_GRACE_MS;
    folds.of("1").noteWritten(ref);
    folds.of("1").markFolded(ref);
    // act
    const dueFor2 = folds.of("2").due(["EMEA"], later);
    // assess
    assert.deepEqual(folds.of("1").due(["EMEA"], later), []);
    assert.deepEqual(dueFor2.map((r) => r.pk), [ref.pk]);
  });
});

describe("stream-processor/ChunkProducts", () => {
  it("grows past its first capacity and still finds every product", () => {
    // prepare
    const table = new ChunkProducts(4);
    // act
    for (let i = 0; i < 1000; i++) table.at(`P${i}`, fnv1a(`P${i}`)).units += i;
    // assess
    assert.equal(table.size, 1000);
    for (let i = 0; i < 1000; i++) assert.equal(table.get(`P${i}`)?.units, i);
    assert.equal(table.get("P1000"), undefined);
  });

  it("plans one contribution per region-minute for the processor", () => {
    // prepare: two products in one minute and region, one in another region
    const txs = [tx({ transactionId: "a", items: [line("P1", 1, 1), line("P2", 1, 1)], totalAmount: 2 }), tx({ transactionId: "b", region: "NA", items: [line("P1", 1, 1)], totalAmount: 1 })];
    // act
    const plans = [...planItemUpdates(accepted(txs), CONTRIBUTION_PLAN).values()];
    // assess
    assert.deepEqual(plans.map((p) => [p.pk, p.chunks.length, p.chunks[0].products.size]), [
      ["EMEA#2026-11-28T18:00", 1, 2],
      ["NA#2026-11-28T18:00", 1, 1],
    ]);
  });
});

describe("stream-processor/planItemUpdates", () => {
  it("sums units and cents per minute x region x product, and counts orders per transaction", () => {
    // prepare: P1 twice in the first transaction, once in the second (same minute), once in another minute
    const txs = [
      tx({ transactionId: "a", items: [line("P1", 19.99, 2), line("P1", 19.99, 1)], totalAmount: 59.97 }),
      tx({ transactionId: "b", items: [line("P1", 19.99, 1)], totalAmount: 19.99 }),
      tx({ transactionId: "c", occurredAt: "2026-11-28T18:01:00Z", items: [line("P1", 10, 1)], totalAmount: 10 }),
    ];
    // act
    const plans = [...planItemUpdates(accepted(txs), { buckets: 16, maxProductsPerUpdate: 100 }).values()];
    // assess
    const first = plans.find((p) => p.minute === "2026-11-28T18:00")!;
    assert.equal(first.pk, "EMEA#2026-11-28T18:00");
    assert.equal(first.chunks.length, 1);
    const c = first.chunks[0].products.get("P1")!;
    assert.deepEqual({ units: c.units, revenueCents: c.revenueCents, orders: c.orders }, { units: 4, revenueCents: 7996, orders: 2 });
    // Looking up a product the chunk does not hold finds nothing and adds nothing, as a Map's get would.
    assert.equal(first.chunks[0].products.get("P2"), undefined);
    assert.equal(first.chunks[0].products.size, 1);
    assert.deepEqual(first.chunks[0].records, [0, 1]);
    assert.equal(first.chunks[0].firstSeqKey, sequenceKey("100"));
    assert.equal(first.chunks[0].lastSeqKey, sequenceKey("101"));
    assert.equal(plans.length, 2);
  });

  it("starts a new chunk when the products would not fit one update", () => {
    // prepare: 5 transactions, 2 new products each, in one bucket
    const txs = Array.from({ length: 5 }, (_, i) => tx({ transactionId: `t${i}`, items: [line(`A${i}`, 1, 1), line(`B${i}`, 1, 1)], totalAmount: 2 }));
    // act
    const plans = [...planItemUpdates(accepted(txs), { buckets: 1, maxProductsPerUpdate: 4 }).values()];
    // assess
    assert.equal(plans.length, 1);
    assert.deepEqual(plans[0].chunks.map((c) => c.records), [[0, 1], [2, 3], [4]]);
    assert.ok(plans[0].chunks.every((c) => c.products.size <= 4));
  });

  it("rebuilds the part of a chunk above a high-water mark", () => {
    // prepare
    const txs = [1, 2, 3].map((q, i) => tx({ transactionId: `t${i}`, items: [line("P1", 1, q)], totalAmount: q }));
    const list = accepted(txs);
    const plan = [...planItemUpdates(list, { buckets: 1, maxProductsPerUpdate: 100 }).values()][0];
    // act
    const rest = remainderAfter(plan.chunks[0], plan, (a) => list[a], sequenceKey("100"), 1)!;
    const none = remainderAfter(plan.chunks[0], plan, (a) => list[a], sequenceKey("102"), 1);
    // assess
    assert.equal(rest.products.get("P1")!.units, 5);
    assert.equal(rest.products.get("P1")!.orders, 2);
    assert.equal(rest.firstSeqKey, sequenceKey("101"));
    assert.equal(none, undefined);
  });
});
