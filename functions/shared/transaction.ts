/**
 * The transaction event contract (docs/brief.md), as a zod schema. The
 * environment-dependent rules (region, currency, clock, price consistency)
 * are checked after the schema by {@link validateRecord}.
 */
import { z } from "zod";

/** The schema's bounds on a transaction's lines, shared with the validator's fast paths. */
export const LINE_BOUNDS = { maxItems: 100, maxQuantity: 1000 } as const;

export const LineItemSchema = z.object({
  productId: z.string().min(1),
  category: z.string(),
  unitPrice: z.number().positive(),
  quantity: z.number().int().min(1).max(LINE_BOUNDS.maxQuantity),
});

const OccurredAtSchema = z.iso.datetime({ offset: true });
const EmailSchema = z.email();

/** The patterns behind the schema, shared with the fast path of the validator. */
export const PATTERNS = {
  occurredAt: OccurredAtSchema._zod.pattern,
  email: EmailSchema._zod.pattern,
  country: /^[A-Z]{2}$/,
  currency: /^[A-Z]{3}$/,
} as const;

export const TransactionSchema = z.object({
  transactionId: z.string().min(1),
  occurredAt: OccurredAtSchema,
  customer: z.object({
    id: z.string().min(1),
    email: EmailSchema.optional(),
    country: z.string().regex(PATTERNS.country),
  }),
  region: z.string().min(1),
  currency: z.string().regex(PATTERNS.currency),
  items: z.array(LineItemSchema).min(1).max(LINE_BOUNDS.maxItems),
  totalAmount: z.number().min(0),
});

export type LineItem = z.infer<typeof LineItemSchema>;
export type Transaction = z.infer<typeof TransactionSchema>;

/** A transaction that passed every rule, with its timestamp already parsed. */
export interface ValidTransaction extends Transaction {
  /** occurredAt in epoch milliseconds. */
  readonly occurredAtMs: number;
}
