import * as assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_FUTURE_SKEW_MS, PATTERNS, PRICE_TOLERANCE, screenRecord, TransactionSchema } from "../../../functions/shared";
import { STANDARD_CATALOGUE, TrafficGenerator } from "../../../functions/local/generator";
import { fnv1a } from "../../../functions/stream-processor/itemDesign";
import { isEmailAt, ScannedTransaction, TransactionScanner, utf8SequenceAt } from "../../../functions/stream-processor/recordScan";
import { CURRENCIES, fixture, REGIONS, validationContext } from "../helpers";

type Tx = Record<string, any>;
const ctx = validationContext();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The reference, independent of the scanner and of the validator's own fast path: strict UTF-8, JSON.parse, the
 * zod schema, then the contract's context rules as docs/brief.md states them.
 */
function reference(bytes: Uint8Array): Tx | undefined {
  if (bytes.length > ctx.maxRecordBytes) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return undefined;
  }
  const parsed = TransactionSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const tx = parsed.data;
  const sum = tx.items.reduce((s, i) => s + i.unitPrice * i.quantity, 0);
  const ok = ctx.regions.has(tx.region) && ctx.currencies.has(tx.currency) && Date.parse(tx.occurredAt) <= ctx.nowMs + MAX_FUTURE_SKEW_MS && Math.abs(sum - tx.totalAmount) <= PRICE_TOLERANCE + 1e-9;
  return ok ? tx : undefined;
}

/** The scanner's fields as plain data, to compare with the reference's. */
function fieldsOf(s: ScannedTransaction) {
  const lines = Array.from({ length: s.lines }, (_, i) => ({ productId: s.productIds[i], unitPrice: s.unitPrices[i], quantity: s.quantities[i] }));
  return { transactionId: s.transactionId, region: s.region, occurredAtMs: s.occurredAtMs, totalAmount: s.totalAmount, lines };
}

function expectedFields(tx: Tx) {
  const lines = tx.items.map((i: Tx) => ({ productId: i.productId, unitPrice: i.unitPrice, quantity: i.quantity }));
  return { transactionId: tx.transactionId, region: tx.region, occurredAtMs: Date.parse(tx.occurredAt), totalAmount: tx.totalAmount, lines };
}

/** Scans `bytes`; when the scanner takes the record, the reference must accept it with the same fields. */
function agreesWithReference(scanner: TransactionScanner, bytes: Uint8Array): boolean {
  const out = new ScannedTransaction();
  if (!scanner.scan(bytes, out)) return false;
  const tx = reference(bytes);
  assert.ok(tx, `the scanner took a record the schema or the rules reject: ${Buffer.from(bytes).toString("latin1")}`);
  assert.deepEqual(fieldsOf(out), expectedFields(tx));
  assert.ok(screenRecord(bytes, ctx).ok, "screenRecord, the scanner's fallback, must accept it too");
  assert.equal(out.idHash, fnv1a(out.transactionId));
  for (let i = 0; i < out.lines; i++) assert.equal(out.productHashes[i], fnv1a(out.productIds[i]));
  return true;
}

const valid = () => fixture<Tx>("transaction.valid.json");
/** To the cent, as a producer writes a total (a float sum's 17 digits would send the record to JSON.parse). */
const cents = (n: number) => Math.round(n * 100) / 100;
const text = (tx: unknown) => JSON.stringify(tx);

/** The valid fixture's text with one byte replaced, inserted or deleted (JSON's punctuation, digits, escapes, non-ASCII). */
const byteMutation = fc
  .tuple(fc.constantFrom("replace", "insert", "delete"), fc.nat(), fc.constantFrom(...'{}[]":,\\ \t\n0123456789.-+eEaZ_@\'/u\u00e9\u0000\u007f'.split("")))
  .map(([kind, at, c]) => {
    const s = text(valid());
    const i = at % s.length;
    const mutated = kind === "replace" ? s.slice(0, i) + c + s.slice(i + 1) : kind === "insert" ? s.slice(0, i) + c + s.slice(i) : s.slice(0, i) + s.slice(i + 1);
    return Buffer.from(mutated);
  });

/** The fixture's text with raw bytes (any, well-formed UTF-8 or not) inside the category's string or anywhere. */
const rawBytes = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 5 }), fc.option(fc.nat(), { freq: 2 })).map(([bytes, at]) => {
  const s = Buffer.from(text(valid()));
  const i = at === null ? s.indexOf('"shoes"') + 3 : at % s.length;
  return Buffer.concat([s.subarray(0, i), bytes, s.subarray(i)]);
});

/** The fixture with one field set to a JSON value of any type, or a near-valid one. */
const fieldMutation = fc
  .tuple(
    fc.constantFrom("transactionId", "occurredAt", "customer", "customer.id", "customer.email", "customer.country", "customer.extra", "region", "currency", "items", "items.0", "items.0.productId", "items.0.category", "items.0.unitPrice", "items.0.quantity", "items.1.extra", "totalAmount", "extra"),
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ unit: "grapheme", maxLength: 8 }),
      fc.string({ unit: "binary", maxLength: 8 }),
      fc.constantFrom("", "EMEA", "NA", "EUR", "eur", "GB", "gb", "2026-11-28T18:00:12Z", "2026-11-28T18:00:12.3Z", "2026-11-28T19:00:12.345+01:00", "2026-02-29T18:00:12.345Z", "2026-11-28T18:09:00.000Z", "a@b.co", "a'@b.co", "a.@b.co", "a@b.c0"),
      fc.constantFrom(0, -0, 0.5, 1, 1.5, 2, 1000, 1001, -1, 1e21, 0.1 + 0.2),
    ),
    fc.boolean(),
  )
  .map(([path, value, fixTotal]) => {
    const tx = valid();
    const keys = path.split(".");
    let target: any = tx;
    for (const k of keys.slice(0, -1)) target = target[k];
    target[keys[keys.length - 1]] = value;
    // Mostly with a total that matches the lines again, so the price rule does not hide what the field did.
    const lines = Array.isArray(tx.items) ? (tx.items as Tx[]) : [];
    const sum = lines.reduce((s, i) => s + (typeof i?.unitPrice === "number" && typeof i?.quantity === "number" ? i.unitPrice * i.quantity : NaN), 0);
    if (fixTotal && path !== "totalAmount" && Number.isFinite(sum)) tx.totalAmount = cents(sum);
    return Buffer.from(text(tx));
  });

/** The schema's bounds, each just in and just out, with the total set to match the lines (so only the bound decides). */
const boundaryMutation = fc
  .oneof(
    fc.tuple(fc.constant("quantity"), fc.constantFrom(0, 1, 1000, 1001, 1.5, -1, 1e3 + 0.5)),
    fc.tuple(fc.constant("unitPrice"), fc.constantFrom(0, -0, 0.001, -0.001, 1e-7)),
    fc.tuple(fc.constant("lines"), fc.constantFrom(0, 1, 100, 101)),
    fc.tuple(fc.constant("totalAmount"), fc.constantFrom(-0, -0.005, -0.02, 0.004)),
  )
  .map(([field, value]) => {
    const tx = valid();
    const line = { productId: "P1", category: "c", unitPrice: 0.001, quantity: 1 };
    if (field === "quantity") tx.items[0].quantity = value;
    if (field === "unitPrice") tx.items[0].unitPrice = value;
    if (field === "lines" || field === "totalAmount") tx.items = Array.from({ length: field === "lines" ? value : 1 }, () => ({ ...line }));
    tx.totalAmount = field === "totalAmount" ? value : cents(tx.items.reduce((sum: number, i: Tx) => sum + i.unitPrice * i.quantity, 0));
    return Buffer.from(text(tx));
  });

/** Valid transactions written differently: keys in another order, whitespace, escapes, unknown fields, duplicate keys. */
const rewritten = fc
  .tuple(fc.constantFrom("reorder", "whitespace", "escape", "unknown", "duplicate", "bom", "trailing"), fc.nat(), fc.jsonValue({ maxDepth: 3 }))
  .map(([kind, seed, extra]) => {
    const tx = valid();
    const s = text(tx);
    if (kind === "reorder") {
      const keys = Object.keys(tx).sort((a, b) => fnv1a(a + seed) - fnv1a(b + seed));
      return Buffer.from(text(Object.fromEntries(keys.map((k) => [k, tx[k]]))));
    }
    if (kind === "whitespace") return Buffer.from(JSON.stringify(tx, null, seed % 2 === 0 ? 2 : "\t").replace(/\n/g, seed % 3 === 0 ? "\r\n" : "\n"));
    if (kind === "escape") return Buffer.from(s.replace(/"([A-Za-z])/, (_, c: string) => `"\\u00${c.charCodeAt(0).toString(16)}`));
    if (kind === "unknown") return Buffer.from(text({ note: extra, ...tx, customer: { ...tx.customer, tier: extra }, items: tx.items.map((i: Tx) => ({ ...i, sku: extra })) }));
    if (kind === "duplicate") return Buffer.from(s.replace('"region":', '"region":"NOPE","region":'));
    if (kind === "trailing") return Buffer.from(s + [" ", "\n", "}", ",", "x", " {}", "\u0000"][seed % 7]);
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]);
  });

describe("stream-processor/recordScan", () => {
  it("takes the generator's transactions, all of them, with the fields JSON.parse and zod give", () => {
    // prepare
    const gen = new TrafficGenerator({ seed: 7, ...STANDARD_CATALOGUE, regions: [...REGIONS], currencies: [...CURRENCIES] });
    const scanner = new TransactionScanner(ctx);
    // act + assess
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(text(gen.transaction(ctx.nowMs - 60_000 + i)));
      assert.equal(agreesWithReference(scanner, bytes), true, `not taken: ${bytes.toString()}`);
    }
  });

  it("never takes a record the schema or the rules reject, and gives the reference's fields when it takes one (property)", () => {
    const scanner = new TransactionScanner(ctx);
    let taken = 0;
    fc.assert(
      fc.property(fc.oneof(byteMutation, fieldMutation, boundaryMutation, rewritten, rawBytes), (bytes) => {
        if (agreesWithReference(scanner, bytes)) taken++;
        return true;
      }),
      { numRuns: 20_000 },
    );
    // Not vacuous: thousands of the mutated records are valid and taken, and each was compared field by field.
    assert.ok(taken > 2000, `only ${taken} records taken`);
  });

  it("still takes a valid record whose keys are reordered or spaced out, or that carries fields the schema strips", () => {
    // prepare
    const scanner = new TransactionScanner(ctx);
    const tx = valid();
    const reordered = Object.fromEntries(Object.keys(tx).reverse().map((k) => [k, tx[k]]));
    const variants = [text(reordered), JSON.stringify(tx, null, 2), text({ ...tx, channel: { web: [1, 2.5e3, true, null, "x\\y\u0001"] } }), text({ ...tx, items: [{ ...tx.items[0], category: "Küche 🏠" }, tx.items[1]] })];
    // act + assess
    for (const v of variants) assert.equal(agreesWithReference(scanner, Buffer.from(v)), true, v);
    assert.equal(agreesWithReference(scanner, new Uint8Array(Buffer.from(text(tx)))), true, "a plain Uint8Array, as the local poller gives");
  });

  it("leaves escapes, duplicate keys, exponents and long numbers to JSON.parse (screenRecord decides)", () => {
    // prepare
    const scanner = new TransactionScanner(ctx);
    const s = text(valid());
    const cases = [s.replace('"transactionId":"', '"transactionId":"\\u0054'), s.replace('"region":', '"region":"EMEA","region":'), s.replace(/"totalAmount":([\d.]+)/, (_, v: string) => `"totalAmount":${Number(v) * 10}e-1`), s.replace(/"totalAmount":([\d.]+)/, (_, v: string) => `"totalAmount":${v}0000000000000001`)];
    // act + assess
    for (const c of cases) assert.equal(scanner.scan(Buffer.from(c), new ScannedTransaction()), false, c);
  });

  it("keeps the schema's own patterns even when the context would allow more (a lower-case currency)", () => {
    // prepare: a context whose list has "eur"; the schema's pattern is three capitals
    const lenient = new TransactionScanner({ ...ctx, currencies: new Set([...CURRENCIES, "eur"]) });
    const bytes = Buffer.from(text({ ...valid(), currency: "eur" }));
    // act + assess
    assert.equal(lenient.scan(bytes, new ScannedTransaction()), false);
    assert.equal(TransactionSchema.safeParse(JSON.parse(bytes.toString())).success, false);
  });

  it("reads every decimal literal to the double JSON.parse gives, or leaves it (property)", () => {
    const scanner = new TransactionScanner({ ...ctx, currencies: new Set(CURRENCIES) });
    const literal = fc.stringMatching(/^-?(0|[1-9]\d{0,16})(\.\d{1,17})?$/);
    fc.assert(
      fc.property(literal, (n) => {
        // One line of quantity 1 priced `n`, and a total of `n`: the price rule holds for any value the line has.
        const tx = { ...valid(), items: [{ productId: "P1", category: "c", unitPrice: 0, quantity: 1 }], totalAmount: 0 };
        const bytes = Buffer.from(text(tx).replace('"unitPrice":0', `"unitPrice":${n}`).replace('"totalAmount":0', `"totalAmount":${n}`));
        const out = new ScannedTransaction();
        if (!scanner.scan(bytes, out)) return Number(JSON.parse(n)) <= 0 || n.replace(/[-.]/g, "").length > 15;
        return out.unitPrices[0] === JSON.parse(n) && Object.is(out.totalAmount, JSON.parse(n));
      }),
      { numRuns: 20_000 },
    );
  });

  it("reads a UTF-8 sequence as the strict decoder does (property)", () => {
    const oneCodePoint = (b: Uint8Array) => {
      try {
        return [...strictUtf8.decode(b)].length === 1;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.integer({ min: 0x80, max: 0xff }), (rest, first) => {
        const b = Uint8Array.from([first, ...rest]);
        const n = utf8SequenceAt(b, 0);
        if (n > 0) return oneCodePoint(b.subarray(0, n));
        return [2, 3, 4].every((k) => k > b.length || !oneCodePoint(b.subarray(0, k)));
      }),
      { numRuns: 50_000 },
    );
  });

  it("checks an e-mail address as the schema's expression does (property)", () => {
    const address = fc.oneof(fc.string({ unit: fc.constantFrom(..."aZ09_'+-.@x".split("")), maxLength: 14 }), fc.string({ maxLength: 14 }), fc.constantFrom("a@b.co", "a.b@c.de", "a'b@c.de", "a'@b.co", ".a@b.co", "a..b@c.de", "a@-b.co", "a@b-.co", "a@b.c", "a@b.c0", "a@b..co", "@b.co", "a@", "a@b"));
    fc.assert(
      fc.property(address, (any) => {
        const s = [...any].filter((c) => c.charCodeAt(0) <= 0xff).join(""); // one byte per character, as latin1 writes it
        const bytes = Buffer.from(s, "latin1");
        return isEmailAt(bytes, 0, bytes.length) === PATTERNS.email.test(s);
      }),
      { numRuns: 20_000 },
    );
  });
});
