/**
 * The one validation module both the stream processor and the Firehose
 * transformation use. Pure: bytes in, a verdict out.
 */
import { z } from "zod";
import { MAX_FUTURE_SKEW_MS, PRICE_TOLERANCE, RejectionRule } from "./constants";
import { fastPathTime } from "./fastPath";
import { Transaction, TransactionSchema, ValidTransaction } from "./transaction";

/** The environment-dependent part of the contract. */
export interface ValidationContext {
  /** The environment's sales regions. */
  readonly regions: ReadonlySet<string>;
  /** The environment's currencies. */
  readonly currencies: ReadonlySet<string>;
  /** Records above this many bytes are `oversized`. */
  readonly maxRecordBytes: number;
  /** "Now", in epoch ms, for the future-timestamp rule. */
  readonly nowMs: number;
}

export type Rejection = { readonly ok: false; readonly rule: RejectionRule; readonly message: string };

export type Verdict = { readonly ok: true; readonly transaction: ValidTransaction } | Rejection;

/**
 * The stream processor's verdict: the transaction as JSON.parse built it and
 * its time beside it. Adding `occurredAtMs` to the parsed object (as
 * {@link Verdict} does) changes the object's shape, which cost about as much
 * as all the checks together on the processor's hot path (profiled).
 */
export type Screening = { readonly ok: true; readonly transaction: Transaction; readonly occurredAtMs: number } | Rejection;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lenientUtf8 = new TextDecoder("utf-8");
// Module-local copies: imported bindings compile to getter calls, and these are read for every record.
const FUTURE_SKEW_MS = MAX_FUTURE_SKEW_MS;
const TOLERANCE = PRICE_TOLERANCE + 1e-9;

/** Validates one raw record (the bytes a producer put on the stream). */
export function validateRecord(bytes: Uint8Array, ctx: ValidationContext): Verdict {
  return withTime(screenRecord(bytes, ctx));
}

/** Validates an already-parsed JSON value. */
export function validateTransaction(json: unknown, ctx: ValidationContext): Verdict {
  return withTime(screenTransaction(json, ctx));
}

/** {@link validateRecord}, with the time apart from the transaction (see {@link Screening}). */
export function screenRecord(bytes: Uint8Array, ctx: ValidationContext): Screening {
  if (bytes.length > ctx.maxRecordBytes) {
    return reject("oversized", `record is ${bytes.length} bytes; the limit is ${ctx.maxRecordBytes}`);
  }
  // The lenient decoder is faster (profiled); only a text with U+FFFD in it can come from bad bytes, and the strict one decides.
  let text = lenientUtf8.decode(bytes);
  if (text.includes("\uFFFD")) {
    try {
      text = utf8.decode(bytes);
    } catch {
      return reject("not-utf8", "payload is not valid UTF-8");
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return reject("not-json", `payload is not JSON (${(err as Error).message})`);
  }
  return screenTransaction(json, ctx);
}

/** {@link validateTransaction}, with the time apart from the transaction. */
export function screenTransaction(json: unknown, ctx: ValidationContext): Screening {
  let tx: Transaction;
  // The fast path (fastPath.ts) for the common shape; the schema for everything else.
  let occurredAtMs = fastPathTime(json);
  if (!Number.isNaN(occurredAtMs)) {
    tx = json as Transaction;
  } else {
    if (json === null || typeof json !== "object" || Array.isArray(json)) return reject("not-json", "payload is not a JSON object");
    const parsed = TransactionSchema.safeParse(json);
    if (!parsed.success) return fromZodIssue(parsed.error.issues[0], json);
    tx = parsed.data;
    occurredAtMs = Date.parse(tx.occurredAt);
  }
  if (!ctx.regions.has(tx.region)) {
    return reject("unknown-region", `region ${JSON.stringify(tx.region)} is not one of ${[...ctx.regions].join(", ")}`);
  }
  if (!ctx.currencies.has(tx.currency)) {
    return reject("unknown-currency", `currency ${JSON.stringify(tx.currency)} is not one of ${[...ctx.currencies].join(", ")}`);
  }
  if (isTooFarAhead(occurredAtMs, ctx.nowMs)) {
    return reject("future-timestamp", `occurredAt ${tx.occurredAt} is more than 5 minutes in the future`);
  }
  const items = tx.items;
  let sum = 0;
  for (let i = 0; i < items.length; i++) sum += items[i].unitPrice * items[i].quantity;
  if (pricesDisagree(sum, tx.totalAmount)) {
    return reject("price-inconsistent", `totalAmount ${tx.totalAmount} differs from the sum of the items ${round2(sum)}`);
  }
  return { ok: true, transaction: tx, occurredAtMs };
}

/** The future-timestamp rule: more than MAX_FUTURE_SKEW_MS after "now". */
export function isTooFarAhead(occurredAtMs: number, nowMs: number): boolean {
  return occurredAtMs > nowMs + FUTURE_SKEW_MS;
}

/** The price rule: the lines' sum (`unitPrice x quantity`, in their order) more than PRICE_TOLERANCE from the total. */
export function pricesDisagree(sum: number, totalAmount: number): boolean {
  return Math.abs(sum - totalAmount) > TOLERANCE;
}

/** The {@link Verdict} of a screening: the time moves onto the transaction. */
function withTime(screening: Screening): Verdict {
  if (!screening.ok) return screening;
  const transaction = screening.transaction as Transaction & { occurredAtMs: number };
  transaction.occurredAtMs = screening.occurredAtMs;
  return { ok: true, transaction };
}

function reject(rule: RejectionRule, message: string): Rejection {
  return { ok: false, rule, message };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Maps the first zod issue to a rule; the message names the failing field. */
function fromZodIssue(issue: z.core.$ZodIssue, input: unknown): Rejection {
  const path = issue.path.map(String);
  const field = path.join(".") || "(record)";
  if (path[path.length - 1] === "email" && path[0] === "customer") {
    return reject(issue.code === "invalid_type" ? "wrong-type" : "invalid-email", `customer.email is not a valid e-mail address`);
  }
  if (issue.code === "invalid_type") {
    return valueAt(input, issue.path) === undefined
      ? reject("missing-field", `${field} is required`)
      : reject("wrong-type", `${field} must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`);
  }
  return reject("invalid-value", `${field}: ${issue.message}`);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
