/**
 * The validator's fast path: hand-written checks for the common shape of a
 * transaction, so the stream processor's per-record cost stays close to
 * JSON.parse. It only ever says "the schema would accept this as it is" (and
 * gives occurredAt in epoch ms); anything unusual falls back to the zod schema,
 * which finds the rule and the message. Property tests
 * (test/functions/shared/fastPath.test.ts) check both claims against zod and
 * Date.parse. Pure.
 */
import { LINE_BOUNDS, PATTERNS, Transaction } from "./transaction";

// Module-local copies: imported bindings compile to getter calls, and these are read for every record.
const OCCURRED_AT = PATTERNS.occurredAt;
// Irregexp's compiled pattern beat a hand-written check of the same rules (profiled).
const EMAIL = PATTERNS.email;
const MS_PER_DAY = 86_400_000;
const MAX_ITEMS = LINE_BOUNDS.maxItems;
const MAX_QUANTITY = LINE_BOUNDS.maxQuantity;

/**
 * occurredAt of `v` in epoch ms when {@link TransactionSchema} accepts `v` and
 * would return it unchanged on the fields it declares; NaN when the schema has
 * to decide (it may still accept the value).
 */
export function fastPathTime(v: unknown): number {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return NaN;
  const o = v as Record<string, unknown>;
  if (!isNonEmpty(o.transactionId) || !isNonEmpty(o.region) || !isUpperCase(o.currency, 3)) return NaN;
  const c = o.customer;
  if (!isPlainObject(c) || !isNonEmpty(c.id) || !isUpperCase(c.country, 2)) return NaN;
  const email = c.email;
  if (email !== undefined && (typeof email !== "string" || !EMAIL.test(email))) return NaN;
  const total = o.totalAmount;
  if (typeof total !== "number" || !(total >= 0) || total === Infinity) return NaN;
  const items = o.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ITEMS) return NaN;
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (!isPlainObject(item) || !isNonEmpty(item.productId) || typeof item.category !== "string") return NaN;
    const { unitPrice, quantity } = item;
    if (typeof unitPrice !== "number" || !(unitPrice > 0) || unitPrice === Infinity) return NaN;
    if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) return NaN;
  }
  return occurredAtMs(o.occurredAt);
}

/** True when {@link TransactionSchema} accepts `v` as it is (the fast path's verdict, without the time). */
export function conformsToSchema(v: unknown): v is Transaction {
  return !Number.isNaN(fastPathTime(v));
}

/** Epoch ms of a timestamp the schema accepts; NaN for one it rejects. */
function occurredAtMs(s: unknown): number {
  if (typeof s !== "string") return NaN;
  const ms = canonicalUtcMs(s);
  if (!Number.isNaN(ms)) return ms;
  // Offsets, other fraction lengths: rare, the schema's own pattern and Date.parse.
  return OCCURRED_AT.test(s) ? Date.parse(s) : NaN;
}

/**
 * Epoch ms of "YYYY-MM-DDTHH:MM:SS.sssZ" or "YYYY-MM-DDTHH:MM:SSZ" (what
 * Date#toISOString writes) naming a real instant of the proleptic Gregorian
 * calendar (the schema's pattern: no second 60, no February 30); NaN for any
 * other string, which the caller then checks the slow way.
 */
export function canonicalUtcMs(s: string): number {
  const n = s.length;
  if (n !== 24 && n !== 20) return NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(n - 1) !== 90) return NaN;
  const millis = n === 20 ? 0 : s.charCodeAt(19) === 46 ? pair(s, 20) * 10 + digit(s, 22) : -1;
  return utcMsOf(pair(s, 0) * 100 + pair(s, 2), pair(s, 5), pair(s, 8), pair(s, 11), pair(s, 14), pair(s, 17), millis);
}

/** {@link canonicalUtcMs} of the `length` bytes at `start` of `b` (the stream processor reads bytes, not text). */
export function canonicalUtcMsOfBytes(b: Uint8Array, start: number, length: number): number {
  if (length !== 24 && length !== 20) return NaN;
  const at = start;
  if (b[at + 4] !== 45 || b[at + 7] !== 45 || b[at + 10] !== 84 || b[at + 13] !== 58 || b[at + 16] !== 58 || b[at + length - 1] !== 90) return NaN;
  const millis = length === 20 ? 0 : b[at + 19] === 46 ? bytePair(b, at + 20) * 10 + byteDigit(b[at + 22]) : -1;
  return utcMsOf(bytePair(b, at) * 100 + bytePair(b, at + 2), bytePair(b, at + 5), bytePair(b, at + 8), bytePair(b, at + 11), bytePair(b, at + 14), bytePair(b, at + 17), millis);
}

/** Epoch ms of the fields, or NaN unless they name a real instant (each field negative when its text was not digits). */
function utcMsOf(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  // A non-digit made its field negative, and a negative field fails one of these.
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23) return NaN;
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

// Integer arithmetic only (no NaN): V8 keeps it in small integers, where NaN sentinels forced doubles and fmod calls.
/** The digit at s[i], or -10,000 for any other character (which no field survives). */
function digit(s: string, i: number): number {
  return byteDigit(s.charCodeAt(i));
}

/** The two-digit number at b[i], or a negative number unless both bytes are digits. */
function bytePair(b: Uint8Array, i: number): number {
  return byteDigit(b[i]) * 10 + byteDigit(b[i + 1]);
}

/** The digit a character code stands for, or -10,000. */
function byteDigit(c: number): number {
  const d = c - 48;
  return d >= 0 && d <= 9 ? d : -10_000;
}

/** The two-digit number at s[i], or a negative number unless both are digits. */
function pair(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** A string of exactly `length` characters A-Z (the schema's country and currency patterns). */
function isUpperCase(v: unknown, length: number): boolean {
  if (typeof v !== "string" || v.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const c = v.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

function isNonEmpty(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
