import * as assert from "node:assert/strict";
import fc from "fast-check";
import { conformsToSchema, hashEmail, HASH_PREFIX, redactPayload, REJECTION_RULES, TransactionSchema, validateRecord } from "../../../functions/shared";
import { fixture, HASH_KEY, validationContext } from "../helpers";

type Tx = Record<string, any>;

describe("shared/validateRecord", () => {
  const valid = () => fixture<Tx>("transaction.valid.json");
  const check = (payload: unknown) => validateRecord(Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload)), validationContext());

  it("accepts the valid fixture and parses its timestamp", () => {
    // prepare
    const tx = valid();
    // act
    const verdict = check(tx);
    // assess
    assert.equal(verdict.ok, true);
    if (verdict.ok) {
      assert.equal(verdict.transaction.transactionId, "T-0001");
      assert.equal(verdict.transaction.occurredAtMs, Date.parse("2026-11-28T18:00:12.345Z"));
    }
  });

  const cases: [string, (tx: Tx) => unknown, string, string][] = [
    ["a record above MAX_RECORD_BYTES", (tx) => ({ ...tx, pad: "x".repeat(102_400) }), "oversized", "limit is 102400"],
    ["bytes that are not UTF-8", () => Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), "not-utf8", "not valid UTF-8"],
    ["truncated JSON", (tx) => Buffer.from(JSON.stringify(tx).slice(0, -3)), "not-json", "not JSON"],
    ["a JSON array", () => [1, 2], "not-json", "not a JSON object"],
    ["a missing transactionId", (tx) => ({ ...tx, transactionId: undefined }), "missing-field", "transactionId is required"],
    ["a missing customer.country", (tx) => ({ ...tx, customer: { id: "C1" } }), "missing-field", "customer.country is required"],
    ["a string unit price", (tx) => ({ ...tx, items: [{ ...tx.items[0], unitPrice: "19.99" }] }), "wrong-type", "items.0.unitPrice must be a number"],
    ["a fractional quantity", (tx) => ({ ...tx, items: [{ ...tx.items[0], quantity: 1.5 }] }), "wrong-type", "items.0.quantity must be an integer"],
    ["quantity 0", (tx) => ({ ...tx, items: [{ ...tx.items[0], quantity: 0 }] }), "invalid-value", "items.0.quantity"],
    ["no items", (tx) => ({ ...tx, items: [] }), "invalid-value", "items"],
    ["a timestamp without zone", (tx) => ({ ...tx, occurredAt: "2026-11-28T18:00:00" }), "invalid-value", "occurredAt"],
    ["a bad e-mail", (tx) => ({ ...tx, customer: { ...tx.customer, email: "jane.example.com" } }), "invalid-email", "customer.email"],
    ["an unknown region", (tx) => ({ ...tx, region: "MARS" }), "unknown-region", 'region "MARS" is not one of EMEA, NA, LATAM, APAC'],
    ["an unknown currency", (tx) => ({ ...tx, currency: "JPY" }), "unknown-currency", 'currency "JPY"'],
    ["a timestamp 6 minutes ahead", (tx) => ({ ...tx, occurredAt: "2026-11-28T18:07:00Z" }), "future-timestamp", "in the future"],
    ["a total off by 0.02", (tx) => ({ ...tx, totalAmount: 45.5 }), "price-inconsistent", "differs from the sum of the items 45.48"],
  ];
  for (const [what, mutate, rule, message] of cases) {
    it(`rejects ${what} as ${rule}`, () => {
      // prepare
      const payload = mutate(valid());
      // act
      const verdict = check(payload);
      // assess
      assert.equal(verdict.ok, false);
      if (!verdict.ok) {
        assert.equal(verdict.rule, rule);
        assert.ok(verdict.message.includes(message), verdict.message);
      }
    });
  }

  it("accepts a total within 0.01 and a timestamp 4 minutes ahead with an offset", () => {
    // prepare
    const tx = { ...valid(), totalAmount: 45.49, occurredAt: "2026-11-28T19:05:00+01:00" };
    // act
    const verdict = check(tx);
    // assess
    assert.equal(verdict.ok, true);
  });

  it("lists every rule once, in checking order", () => {
    assert.deepEqual([...new Set(REJECTION_RULES)], [...REJECTION_RULES]);
    assert.equal(REJECTION_RULES[0], "oversized");
  });

  it("fast path never accepts what the zod schema rejects (property)", () => {
    // prepare: arbitrary mutations of a valid transaction
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.constant([]), fc.constant({}));
    const paths = ["transactionId", "occurredAt", "customer", "customer.id", "customer.email", "customer.country", "region", "currency", "items", "items.0", "items.0.productId", "items.0.category", "items.0.unitPrice", "items.0.quantity", "totalAmount"];
    fc.assert(
      fc.property(fc.constantFrom(...paths), anyValue, (p, value) => {
        const tx = valid();
        const keys = p.split(".");
        let target: any = tx;
        for (const k of keys.slice(0, -1)) target = target[k];
        target[keys[keys.length - 1]] = value;
        // act
        const fast = conformsToSchema(tx);
        const zod = TransactionSchema.safeParse(tx).success;
        // assess
        return !fast || zod;
      }),
      { numRuns: 2000 },
    );
  });
});

describe("shared/emailHash", () => {
  it("hashes case- and space-insensitively with the key", () => {
    // prepare, act
    const a = hashEmail(HASH_KEY, "Jane.Doe@Example.com ");
    const b = hashEmail(HASH_KEY, "jane.doe@example.com");
    const other = hashEmail("another-key-0123456789", "jane.doe@example.com");
    // assess
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, other);
  });

  it("redacts the e-mail of a JSON payload and of a non-JSON payload", () => {
    // prepare
    const json = Buffer.from(JSON.stringify(fixture<Tx>("transaction.valid.json")));
    const broken = Buffer.concat([Buffer.from('{"customer":{"email":"jane@example.com"'), Buffer.from([0xff])]);
    // act
    const a = redactPayload(json, HASH_KEY).toString("utf8");
    const b = redactPayload(broken, HASH_KEY);
    // assess
    assert.ok(!a.includes("Jane.Doe@Example.com"));
    assert.ok(a.includes(`${HASH_PREFIX}${hashEmail(HASH_KEY, "jane.doe@example.com")}`));
    assert.ok(!b.toString("latin1").includes("jane@example.com"));
    assert.equal(b[b.length - 1], 0xff);
  });
});
