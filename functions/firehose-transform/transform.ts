/**
 * The Firehose transformation's core: validated, normalised history rows
 * (snake_case, the Glue table's columns), e-mail replaced by its keyed hash.
 * Pure apart from the key, which is passed in.
 */
import { hashEmail, redactPayload, RejectionRule, validateRecord, ValidationContext, ValidTransaction } from "../shared";

/** One row of the Parquet history (the Glue table's columns, in order). */
export interface HistoryRow {
  transaction_id: string;
  occurred_at: string;
  occurred_date: string;
  customer_id: string;
  customer_email_hash: string | null;
  customer_country: string;
  region: string;
  currency: string;
  items: { product_id: string; category: string; unit_price: number; quantity: number }[];
  item_count: number;
  total_amount: number;
  ingested_at: string;
}

export interface FirehoseInputRecord {
  readonly recordId: string;
  /** base64 */
  readonly data: string;
  /** epoch ms */
  readonly approximateArrivalTimestamp: number;
}

export interface FirehoseOutputRecord {
  recordId: string;
  result: "Ok" | "ProcessingFailed" | "Dropped";
  /** base64 */
  data: string;
}

export type TransformOutcome = { readonly output: FirehoseOutputRecord; readonly rule?: RejectionRule; readonly message?: string };

export function toHistoryRow(tx: ValidTransaction, hashKey: string, ingestedAtMs: number): HistoryRow {
  const occurredAt = new Date(tx.occurredAtMs).toISOString();
  return {
    transaction_id: tx.transactionId,
    occurred_at: occurredAt,
    occurred_date: occurredAt.slice(0, 10),
    customer_id: tx.customer.id,
    customer_email_hash: tx.customer.email === undefined ? null : hashEmail(hashKey, tx.customer.email),
    customer_country: tx.customer.country,
    region: tx.region,
    currency: tx.currency,
    items: tx.items.map((i) => ({ product_id: i.productId, category: i.category, unit_price: i.unitPrice, quantity: i.quantity })),
    item_count: tx.items.length,
    total_amount: tx.totalAmount,
    ingested_at: new Date(ingestedAtMs).toISOString(),
  };
}

/**
 * Transforms one record. An invalid record comes back `ProcessingFailed`; its
 * data is the reason, `{"rule", "message", "payloadBase64"}` with the payload's
 * e-mail hashed. The rule and message are also returned for logs and metrics.
 */
export function transformRecord(record: FirehoseInputRecord, ctx: ValidationContext, hashKey: string): TransformOutcome {
  const bytes = Buffer.from(record.data, "base64");
  const verdict = validateRecord(bytes, ctx);
  if (!verdict.ok) {
    const reason = { rule: verdict.rule, message: verdict.message, payloadBase64: redactPayload(bytes, hashKey).toString("base64") };
    return {
      output: { recordId: record.recordId, result: "ProcessingFailed", data: Buffer.from(JSON.stringify(reason)).toString("base64") },
      rule: verdict.rule,
      message: verdict.message,
    };
  }
  const row = toHistoryRow(verdict.transaction, hashKey, record.approximateArrivalTimestamp);
  return { output: { recordId: record.recordId, result: "Ok", data: Buffer.from(`${JSON.stringify(row)}\n`).toString("base64") } };
}
