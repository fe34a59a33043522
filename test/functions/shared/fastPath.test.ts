import * as assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalUtcMs, fastPathTime, PATTERNS, screenRecord, TransactionSchema, validateRecord } from "../../../functions/shared";
import { fixture, validationContext } from "../helpers";

type Tx = Record<string, any>;

// The references are independent of the fast path: zod's own schema, V8's Date.parse and the schema's regular expressions.
const zodTime = (s: string) => (PATTERNS.occurredAt.test(s) ? Date.parse(s) : NaN);
const sameNumber = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

/** Timestamps near the canonical form: every field in and just out of range, separators and zone varied. */
const nearCanonicalTimestamp = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1600, 1900, 2000, 2024, 2026, 2100, 2400)),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 60 }),
    fraction: fc.constantFrom("", ".000", ".5", ".123", ".999", ".1234", ".12"),
    zone: fc.constantFrom("Z", "Z", "Z", "z", "+01:00", "-05:30", ""),
    separator: fc.constantFrom("T", "T", "T", " ", "t"),
  })
  .map(({ year, month, day, hour, minute, second, fraction, zone, separator }) => {
    const p = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${p(year, 4)}-${p(month)}-${p(day)}${separator}${p(hour)}:${p(minute)}:${p(second)}${fraction}${zone}`;
  });

/** A canonical timestamp with one character replaced. */
const mutatedTimestamp = fc
  .tuple(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }), fc.nat(23), fc.constantFrom(..."0123456789-:.TZ+ aé"))
  .map(([d, i, c]) => {
    const s = d.toISOString();
    return s.slice(0, i) + c + s.slice(i + 1);
  });

describe("shared/fastPath", () => {
  it("reads toISOString's output as Date.parse does, in every year 0000-9999 (property)", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("0000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        const noFraction = `${iso.slice(0, 19)}Z`;
        return canonicalUtcMs(iso) === Date.parse(iso) && canonicalUtcMs(noFraction) === Date.parse(noFraction);
      }),
      { numRuns: 5000 },
    );
  });

  it("accepts a timestamp only when the schema's pattern does, with Date.parse's value (property)", () => {
    fc.assert(
      fc.property(fc.oneof(nearCanonicalTimestamp, mutatedTimestamp, fc.string({ maxLength: 30 })), (s) => {
        const fast = canonicalUtcMs(s);
        return Number.isNaN(fast) || (PATTERNS.occurredAt.test(s) && fast === Date.parse(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it("gives the schema's verdict and time for every timestamp the schema accepts (property)", () => {
    fc.assert(
      fc.property(fc.oneof(nearCanonicalTimestamp, mutatedTimestamp), (s) => {
        const tx = { ...fixture<Tx>("transaction.valid.json"), occurredAt: s };
        return sameNumber(fastPathTime(tx), TransactionSchema.safeParse(tx).success ? zodTime(s) : NaN);
      }),
      { numRuns: 5000 },
    );
  });

  it("knows the leap years of the schema: 2024 and 2000 have a February 29, 1900 and 2100 do not", () => {
    for (const [s, ok] of [
      ["2024-02-29T12:00:00.000Z", true],
      ["2000-02-29T12:00:00.000Z", true],
      ["1900-02-29T12:00:00.000Z", false],
      ["2100-02-29T12:00:00Z", false],
      ["2026-04-31T00:00:00.000Z", false],
      ["2026-12-31T23:59:59.999Z", true],
      ["2026-12-31T23:59:60.000Z", false],
    ] as const) {
      assert.equal(!Number.isNaN(canonicalUtcMs(s)), ok, s);
      assert.equal(PATTERNS.occurredAt.test(s), ok, s);
    }
  });

  it("accepts a transaction only when zod does, and the value is the one zod returns (property)", () => {
    // prepare: the valid fixture with one field replaced by a value of any JSON type or a near-valid one
    const nearValid = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom("", "A", "AB", "ABC", "abc", "ABCD", "Ab", "EMEA", "a@b.co", "a@b", ".a@b.co", "a'@b.co", "a.b@c-d.ef", "x@-b.co"),
      fc.integer({ min: -2, max: 1002 }),
      fc.double(),
      fc.constantFrom(0, -0, 0.5, 1, 1.5, 100, 1000, 1001, 1e21, Number.MAX_SAFE_INTEGER + 2),
      fc.constantFrom(100, 101).map((n) => Array.from({ length: n }, () => ({ productId: "P1", category: "c", unitPrice: 1, quantity: 1 }))),
      fc.constantFrom(null, true, [], {}, [{}], undefined),
    );
    const paths = ["transactionId", "occurredAt", "customer", "customer.id", "customer.email", "customer.country", "region", "currency", "items", "items.0", "items.1", "items.0.productId", "items.0.category", "items.0.unitPrice", "items.0.quantity", "items.1.quantity", "totalAmount"];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.oneof(nearValid, nearCanonicalTimestamp), (p, value) => {
        const tx = fixture<Tx>("transaction.valid.json");
        const keys = p.split(".");
        let target: any = tx;
        for (const k of keys.slice(0, -1)) target = target[k];
        target[keys[keys.length - 1]] = value;
        const json = JSON.parse(JSON.stringify(tx)) as Tx; // what a record would carry
        // act
        const fast = fastPathTime(json);
        const zod = TransactionSchema.safeParse(json);
        // assess
        if (Number.isNaN(fast)) return true;
        assert.ok(zod.success, `fast path accepted what zod rejects: ${JSON.stringify(json)}`);
        assert.deepEqual(zod.data, json);
        assert.equal(fast, Date.parse(json.occurredAt));
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  it("screens a record as validateRecord does, the time beside the parsed transaction", () => {
    // prepare
    const bytes = Buffer.from(JSON.stringify(fixture<Tx>("transaction.valid.json")));
    // act
    const screened = screenRecord(bytes, validationContext());
    const validated = validateRecord(bytes, validationContext());
    // assess
    assert.ok(screened.ok && validated.ok);
    assert.equal(screened.occurredAtMs, Date.parse("2026-11-28T18:00:12.345Z"));
    assert.equal("occurredAtMs" in screened.transaction, false);
    assert.deepEqual({ ...screened.transaction, occurredAtMs: screened.occurredAtMs }, validated.transaction);
  });

  it("tells a real U+FFFD from bytes that are not UTF-8", () => {
    // prepare
    const tx = fixture<Tx>("transaction.valid.json");
    const withReplacementChar = Buffer.from(JSON.stringify({ ...tx, items: [{ ...tx.items[0], category: "sh\uFFFDes" }, tx.items[1]] }));
    const text = JSON.stringify(tx);
    const at = text.indexOf("shoes");
    const badBytes = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(at))]);
    // act
    const good = screenRecord(withReplacementChar, validationContext());
    const bad = screenRecord(badBytes, validationContext());
    // assess
    assert.equal(good.ok, true);
    assert.equal(bad.ok ? "ok" : bad.rule, "not-utf8");
  });
});
