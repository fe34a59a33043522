import * as assert from "node:assert/strict";
import fc from "fast-check";
import { AcceptedRecord, planItemUpdates, remainderAfter } from "../../../functions/stream-processor/aggregate";
import { bucketOf, bucketSortKey, fnv1a, productsOfItem, sequenceKey, shortShardId } from "../../../functions/stream-processor/itemDesign";
import { validateRecord, ValidTransaction } from "../../../functions/shared";
import { fixture, validationContext } from "../helpers";

function tx(overrides: Record<string, unknown>): ValidTransaction {
  const base = { ...fixture<Record<string, unknown>>("transaction.valid.json"), ...overrides };
  const verdict = validateRecord(Buffer.from(JSON.stringify(base)), validationContext(Date.parse("2030-01-01T00:00:00Z")));
  if (!verdict.ok) throw new Error(`${verdict.rule}: ${verdict.message}`);
  return verdict.transaction;
}

const accepted = (txs: ValidTransaction[]): AcceptedRecord[] =>
  txs.map((t, index) => ({
    index,
    shardId: "shardId-000000000000",
    sequenceNumber: String(100 + index),
    seqKey: sequenceKey(String(100 + index)),
    transactionId: t.transactionId,
    data: Buffer.from(JSON.stringify(t)),
    status: "valid" as const,
    failed: false,
  }));

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
    const rest = remainderAfter(plan.chunks[0], plan, list, sequenceKey("100"), 1)!;
    const none = remainderAfter(plan.chunks[0], plan, list, sequenceKey("102"), 1);
    // assess
    assert.equal(rest.products.get("P1")!.units, 5);
    assert.equal(rest.products.get("P1")!.orders, 2);
    assert.equal(rest.firstSeqKey, sequenceKey("101"));
    assert.equal(none, undefined);
  });
});
