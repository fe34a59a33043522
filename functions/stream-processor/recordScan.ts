/**
 * The processor's fastest path: reads the fields it needs straight from a
 * record's bytes, checking the contract as it goes, without building the
 * JSON.parse object tree (JSON.parse was about two thirds of the parse
 * bound's time, profiled). It only ever says "screenRecord accepts this
 * record, and these are its fields"; anything it does not take as it is
 * (escapes, exponents, long numbers, duplicate keys, a broken rule)
 * returns false and screenRecord decides, so a rejection's rule and message
 * stay the schema's. Text the processor keeps (ids, regions) must be plain
 * ASCII to be taken; text it only checks (a category, fields the schema
 * strips) may be any well-formed UTF-8. Property tests (test/functions/stream-processor/
 * recordScan.test.ts) check that claim against JSON.parse and zod. Pure.
 */
import { canonicalUtcMsOfBytes, isTooFarAhead, LINE_BOUNDS, pricesDisagree, Transaction, ValidationContext } from "../shared";
import { fnv1a } from "./itemDesign";

// Module-local copies of the schema's bounds: imported bindings compile to getter calls, and these are read for every record.
const MAX_LINES = LINE_BOUNDS.maxItems;
const MAX_QUANTITY = LINE_BOUNDS.maxQuantity;

/** The fields of an accepted transaction the processor uses; one instance is reused record after record. */
export class ScannedTransaction {
  public transactionId = "";
  /** FNV-1a of the transaction id (the batch's de-duplication table). */
  public idHash = 0;
  public region = "";
  public occurredAtMs = 0;
  public totalAmount = 0;
  public lines = 0;
  public readonly productIds: string[] = new Array<string>(MAX_LINES).fill("");
  /** FNV-1a of each product id (itemDesign's fnv1a: the bucket and the chunk's table). */
  public readonly productHashes = new Uint32Array(MAX_LINES);
  public readonly unitPrices = new Float64Array(MAX_LINES);
  public readonly quantities = new Int32Array(MAX_LINES);

  /** Sets the fields from a transaction the schema accepted (the slow path, or a retry's parse). */
  public setFrom(tx: Transaction, occurredAtMs: number): this {
    this.transactionId = tx.transactionId;
    this.idHash = fnv1a(tx.transactionId);
    this.region = tx.region;
    this.occurredAtMs = occurredAtMs;
    this.totalAmount = tx.totalAmount;
    this.lines = tx.items.length;
    for (let i = 0; i < tx.items.length; i++) {
      const line = tx.items[i];
      this.productIds[i] = line.productId;
      this.productHashes[i] = fnv1a(line.productId);
      this.unitPrices[i] = line.unitPrice;
      this.quantities[i] = line.quantity;
    }
    return this;
  }
}

// Bytes of the JSON grammar: punctuation, then the characters of numbers.
const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58, OPEN_OBJECT = 123, CLOSE_OBJECT = 125, OPEN_ARRAY = 91, CLOSE_ARRAY = 93;
const MINUS = 45, PLUS = 43, DOT = 46, ZERO = 48, NINE = 57;

/** Powers of ten up to 1e22, the largest a double holds exactly (Clinger's fast path, below). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Decimal digits a number may have for its value to be exact before the one division. */
const MAX_DIGITS = 15;
/** Nesting an unknown field's value may have before the scanner leaves it to JSON.parse. */
const MAX_SKIP_DEPTH = 32;
/** Product ids remembered by hash (a catalogue's popular products repeat record after record). */
const INTERNED_BITS = 12;

/** Each field of the transaction once; customer and each line have their own bits. */
const TOP_FIELDS = 0b1111111;
const CUSTOMER_REQUIRED = 0b101;
const LINE_FIELDS = 0b1111;
// The keys the scanner reads, as bytes: comparing bytes with bytes was measured faster than with a string's
// char codes (3-5% of the processor's rate in alternating runs of the bundle).
const KEY_NAMES = ["transactionId", "occurredAt", "customer", "region", "currency", "items", "totalAmount", "id", "email", "country", "productId", "category", "unitPrice", "quantity"] as const;
const KEY = Object.fromEntries(KEY_NAMES.map((k) => [k, Uint8Array.from(k, (c) => c.charCodeAt(0))])) as Record<(typeof KEY_NAMES)[number], Uint8Array>;
// What an object's members are read as.
const TRANSACTION = 0;
const CUSTOMER = 1;
const LINE = 2;

/**
 * Reads records for one validation context. Keeps the product ids it has made (by hash), so a popular product's
 * id is one string for the whole batch: fewer allocations, and the chunk table's === finds it by identity.
 */
export class TransactionScanner {
  private b: Buffer = Buffer.alloc(0);
  private p = 0;
  // The last string span read: its start, its length and its FNV-1a.
  private spanStart = 0;
  private spanLength = 0;
  private spanHash = 0;
  private readonly regions: string[];
  private readonly currencies: string[];
  private readonly internedIds = new Array<string>(1 << INTERNED_BITS).fill("");
  private readonly internedHashes = new Uint32Array(1 << INTERNED_BITS);

  public constructor(private readonly ctx: ValidationContext) {
    this.regions = [...ctx.regions];
    this.currencies = [...ctx.currencies];
  }

  /** True when screenRecord accepts `bytes`, with `out` holding its fields; false when screenRecord must decide. */
  public scan(bytes: Uint8Array, out: ScannedTransaction): boolean {
    if (bytes.length > this.ctx.maxRecordBytes) return false;
    // A Buffer view (no copy) for its latin1 slice, the cheapest way to make a string of ASCII bytes.
    this.b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    this.p = 0;
    if (!this.transaction(out) || isTooFarAhead(out.occurredAtMs, this.ctx.nowMs)) return false;
    let sum = 0;
    for (let i = 0; i < out.lines; i++) sum += out.unitPrices[i] * out.quantities[i];
    return !pricesDisagree(sum, out.totalAmount);
  }

  /** The top-level object: every field once, nothing after it but whitespace. */
  private transaction(out: ScannedTransaction): boolean {
    if (this.ws() !== OPEN_OBJECT) return false;
    this.p++;
    const seen = this.members(TRANSACTION, out, 0);
    this.ws();
    return seen === TOP_FIELDS && this.p === this.b.length;
  }

  /**
   * The members of an object whose `{` was just read, as `kind` (the transaction, its customer, line `n`): the
   * bits of the fields read, each at most once, or -1 to give up.
   */
  private members(kind: number, out: ScannedTransaction, n: number): number {
    let seen = 0;
    for (let more = true; more; ) {
      if (!this.key()) return -1;
      const bit = kind === TRANSACTION ? this.transactionField(out) : kind === CUSTOMER ? this.customerField() : this.lineField(out, n);
      if (bit < 0 || (seen & bit) !== 0) return -1;
      seen |= bit;
      const next = this.separator(CLOSE_OBJECT);
      if (next < 0) return -1;
      more = next === 1;
    }
    return seen;
  }

  /** Reads the value of the key just read into `out`: the field's bit, 0 for a field the schema strips, -1 to give up. */
  private transactionField(out: ScannedTransaction): number {
    if (this.keyIs(KEY.transactionId)) {
      if (!this.plainString() || this.spanLength === 0) return -1;
      out.transactionId = this.spanText();
      out.idHash = this.spanHash;
      return 1;
    }
    if (this.keyIs(KEY.occurredAt)) {
      if (!this.plainString()) return -1;
      out.occurredAtMs = canonicalUtcMsOfBytes(this.b, this.spanStart, this.spanLength);
      return Number.isNaN(out.occurredAtMs) ? -1 : 2;
    }
    if (this.keyIs(KEY.customer)) return this.customer(out) ? 4 : -1;
    if (this.keyIs(KEY.region)) {
      if (!this.plainString() || this.spanLength === 0) return -1;
      out.region = this.spanIn(this.regions);
      return out.region === "" ? -1 : 8;
    }
    if (this.keyIs(KEY.currency)) return this.plainString() && this.upperCase(3) && this.spanIn(this.currencies) !== "" ? 16 : -1;
    if (this.keyIs(KEY.items)) return this.items(out) ? 32 : -1;
    if (this.keyIs(KEY.totalAmount)) {
      out.totalAmount = this.number();
      return out.totalAmount >= 0 ? 64 : -1;
    }
    return this.skipValue(0) ? 0 : -1;
  }

  /** customer: id and country required, e-mail optional (absent, not null). */
  private customer(out: ScannedTransaction): boolean {
    if (this.b[this.p] !== OPEN_OBJECT) return false;
    this.p++;
    const seen = this.members(CUSTOMER, out, 0);
    return seen >= 0 && (seen & CUSTOMER_REQUIRED) === CUSTOMER_REQUIRED;
  }

  private customerField(): number {
    if (this.keyIs(KEY.id)) return this.skipString() > 0 ? 1 : -1;
    if (this.keyIs(KEY.email)) return this.plainString() && isEmailAt(this.b, this.spanStart, this.spanLength) ? 2 : -1;
    if (this.keyIs(KEY.country)) return this.plainString() && this.upperCase(2) ? 4 : -1;
    return this.skipValue(0) ? 0 : -1;
  }

  /** items: 1-100 lines, each with its four fields once. */
  private items(out: ScannedTransaction): boolean {
    if (this.b[this.p] !== OPEN_ARRAY) return false;
    this.p++;
    let n = 0;
    for (let more = true; more; n++) {
      if (n === MAX_LINES || this.ws() !== OPEN_OBJECT) return false;
      this.p++;
      if (this.members(LINE, out, n) !== LINE_FIELDS) return false;
      const next = this.separator(CLOSE_ARRAY);
      if (next < 0) return false;
      more = next === 1;
    }
    out.lines = n;
    return true;
  }

  /** A line's field: its bit, after setting it in `out`'s line `n`. */
  private lineField(out: ScannedTransaction, n: number): number {
    if (this.keyIs(KEY.productId)) {
      if (!this.plainString() || this.spanLength === 0) return -1;
      out.productIds[n] = this.internedSpan();
      out.productHashes[n] = this.spanHash;
      return 1;
    }
    if (this.keyIs(KEY.category)) return this.skipString() >= 0 ? 2 : -1;
    if (this.keyIs(KEY.unitPrice)) return (out.unitPrices[n] = this.number()) > 0 ? 4 : -1;
    if (this.keyIs(KEY.quantity)) {
      const q = this.number();
      out.quantities[n] = q;
      return q >= 1 && q <= MAX_QUANTITY && Number.isInteger(q) ? 8 : -1;
    }
    return this.skipValue(0) ? 0 : -1;
  }

  /** Skips JSON whitespace; returns the byte after it (undefined at the end). */
  private ws(): number {
    const b = this.b;
    let p = this.p;
    let c = b[p];
    while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++p];
    this.p = p;
    return c;
  }

  /** After a value: 1 for a comma (another member follows), 0 for `close`, -1 for anything else. */
  private separator(close: number): number {
    const c = this.ws();
    this.p++;
    return c === COMMA ? 1 : c === close ? 0 : -1;
  }

  /** A member's key (a plain string) and its colon; the value's first byte is next. */
  private key(): boolean {
    if (this.ws() !== QUOTE || !this.plainString() || this.ws() !== COLON) return false;
    this.p++;
    this.ws();
    return true;
  }

  /**
   * A string of printable ASCII without escapes at p: its span and FNV-1a (the same as itemDesign's fnv1a of the
   * string, whose UTF-16 code units are these bytes). False for anything else, which JSON.parse decodes.
   */
  private plainString(): boolean {
    const b = this.b;
    let p = this.p;
    if (b[p] !== QUOTE) return false;
    const start = ++p;
    let h = 0x811c9dc5;
    for (let c = b[p]; c !== QUOTE; c = b[++p]) {
      if (!(c >= 32 && c < 127) || c === BACKSLASH) return false;
      h = Math.imul(h ^ c, 0x01000193);
    }
    this.spanStart = start;
    this.spanLength = p - start;
    this.spanHash = h >>> 0;
    this.p = p + 1;
    return true;
  }

  /**
   * Any JSON string at p, escapes checked as JSON.parse does and other bytes as the strict UTF-8 decoder does (a
   * category or a stripped field may be in any language): its raw length in bytes, or -1.
   */
  private skipString(): number {
    const b = this.b;
    let p = this.p;
    if (b[p] !== QUOTE) return -1;
    const start = ++p;
    for (let c = b[p]; c !== QUOTE; c = b[++p]) {
      if (c >= 128) {
        const length = utf8SequenceAt(b, p);
        if (length === 0) return -1;
        p += length - 1;
      } else if (c < 32) return -1;
      else if (c === BACKSLASH) {
        const e = b[++p];
        if (e === 117) {
          for (let k = 1; k <= 4; k++) if (!isHexDigit(b[p + k])) return -1;
          p += 4;
        } else if (!(e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) return -1;
      }
    }
    this.p = p + 1;
    return p - start;
  }

  /**
   * A JSON number at p without an exponent and with at most 15 digits: its value, or NaN. The digits make an
   * integer below 2^53 and 10^fraction is exact, so the one division rounds once, to the double JSON.parse gives
   * (Clinger's fast path).
   */
  private number(): number {
    const b = this.b;
    let p = this.p;
    let c = b[p];
    const negative = c === MINUS;
    if (negative) c = b[++p];
    let mantissa = 0;
    let digits = 0;
    let fraction = 0;
    if (c === ZERO) {
      c = b[++p];
      digits = 1;
    } else {
      for (; c >= ZERO && c <= NINE; c = b[++p], digits++) mantissa = mantissa * 10 + (c - ZERO);
      if (digits === 0) return NaN;
    }
    if (c === DOT) {
      c = b[++p];
      for (; c >= ZERO && c <= NINE; c = b[++p], fraction++) mantissa = mantissa * 10 + (c - ZERO);
      if (fraction === 0) return NaN;
    }
    if (c === 101 || c === 69 || digits + fraction > MAX_DIGITS) return NaN;
    this.p = p;
    const value = fraction === 0 ? mantissa : mantissa / POW10[fraction];
    return negative ? -value : value;
  }

  /** Skips any JSON value (a field the schema strips), as JSON.parse would read it; false to give up. */
  private skipValue(depth: number): boolean {
    const c = this.b[this.p];
    if (c === QUOTE) return this.skipString() >= 0;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) return depth < MAX_SKIP_DEPTH && this.skipContainer(c, depth);
    if (c === 116) return this.literal("true");
    if (c === 102) return this.literal("false");
    if (c === 110) return this.literal("null");
    return this.skipNumber();
  }

  private skipContainer(open: number, depth: number): boolean {
    const close = open === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
    this.p++;
    if (this.ws() === close) {
      this.p++;
      return true;
    }
    for (let more = true; more; ) {
      if (open === OPEN_OBJECT ? !this.key() : this.ws() === undefined) return false;
      if (!this.skipValue(depth + 1)) return false;
      const next = this.separator(close);
      if (next < 0) return false;
      more = next === 1;
    }
    return true;
  }

  private literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.b[this.p + i] !== word.charCodeAt(i)) return false;
    this.p += word.length;
    return true;
  }

  /** JSON's number grammar, exponent included: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  private skipNumber(): boolean {
    const b = this.b;
    let p = this.p;
    if (b[p] === MINUS) p++;
    if (b[p] === ZERO) p++;
    else if (isDigit(b[p])) while (isDigit(b[p])) p++;
    else return false;
    if (b[p] === DOT) {
      if (!isDigit(b[++p])) return false;
      while (isDigit(b[p])) p++;
    }
    if (b[p] === 101 || b[p] === 69) {
      if (b[++p] === PLUS || b[p] === MINUS) p++;
      if (!isDigit(b[p])) return false;
      while (isDigit(b[p])) p++;
    }
    this.p = p;
    return true;
  }

  /** The span is `length` characters A-Z (the schema's country and currency patterns). */
  private upperCase(length: number): boolean {
    if (this.spanLength !== length) return false;
    for (let i = 0; i < length; i++) {
      const c = this.b[this.spanStart + i];
      if (c < 65 || c > 90) return false;
    }
    return true;
  }

  /** The string of `list` the span spells, or "" (the context's regions and currencies: a short scan). */
  private spanIn(list: readonly string[]): string {
    for (let i = 0; i < list.length; i++) if (this.spanIs(list[i])) return list[i];
    return "";
  }

  /** The last span read is the key `key`. */
  private keyIs(key: Uint8Array): boolean {
    if (this.spanLength !== key.length) return false;
    const b = this.b;
    const start = this.spanStart;
    for (let i = 0; i < key.length; i++) if (b[start + i] !== key[i]) return false;
    return true;
  }

  /** The last span read spells `s` (a region, a currency, an interned product id). */
  private spanIs(s: string): boolean {
    if (s.length !== this.spanLength) return false;
    const b = this.b;
    const start = this.spanStart;
    for (let i = 0; i < s.length; i++) if (b[start + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** The span's text (printable ASCII: each byte is one UTF-16 code unit). */
  private spanText(): string {
    return this.b.toString("latin1", this.spanStart, this.spanStart + this.spanLength);
  }

  /** The span's text, as the same string as the last product id with its hash and bytes. */
  private internedSpan(): string {
    const slot = Math.imul(this.spanHash, 0x9e3779b1) >>> (32 - INTERNED_BITS);
    const known = this.internedIds[slot];
    if (this.internedHashes[slot] === this.spanHash && this.spanIs(known)) return known;
    const made = this.spanText();
    this.internedIds[slot] = made;
    this.internedHashes[slot] = this.spanHash;
    return made;
  }
}

/**
 * The length of the well-formed UTF-8 sequence (two to four bytes) starting at b[p], or 0 (what the strict
 * decoder refuses: a stray continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, a
 * sequence cut short).
 */
export function utf8SequenceAt(b: Uint8Array, p: number): number {
  const c = b[p];
  const continuation = (i: number, low = 0x80, high = 0xbf) => b[p + i] >= low && b[p + i] <= high;
  if (c >= 0xc2 && c <= 0xdf) return continuation(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const second = c === 0xe0 ? continuation(1, 0xa0) : c === 0xed ? continuation(1, 0x80, 0x9f) : continuation(1);
    return second && continuation(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const second = c === 0xf0 ? continuation(1, 0x90) : c === 0xf4 ? continuation(1, 0x80, 0x8f) : continuation(1);
    return second && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHexDigit = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isAlphanumeric = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * The schema's e-mail pattern (zod's, PATTERNS.email) on `length` bytes at `start`:
 * local part: dot-separated non-empty runs of [A-Za-z0-9_'+-], not ending in an apostrophe;
 * domain: two or more labels, each but the last [A-Za-z0-9][A-Za-z0-9-]*, the last two or more letters.
 * The property test compares it with the expression itself.
 */
export function isEmailAt(b: Uint8Array, start: number, length: number): boolean {
  const end = start + length;
  let p = start;
  let previous = DOT; // no leading dot
  for (; p < end && b[p] !== 64; p++) {
    const c = b[p];
    if (c === DOT ? previous === DOT : !(isAlphanumeric(c) || c === 95 || c === 39 || c === PLUS || c === MINUS)) return false;
    previous = c;
  }
  if (p === start || p === end || previous === DOT || previous === 39) return false;
  let labels = 0;
  let labelStart = ++p;
  let lettersOnly = true;
  for (; p <= end; p++) {
    const c = p < end ? b[p] : DOT;
    if (c === DOT) {
      if (p === labelStart || !isAlphanumeric(b[labelStart])) return false;
      labels++;
      if (p === end) return labels >= 2 && lettersOnly && p - labelStart >= 2;
      labelStart = p + 1;
      lettersOnly = true;
    } else if (isAlphanumeric(c) || c === MINUS) lettersOnly &&= isLetter(c);
    else return false;
  }
  return false;
}
