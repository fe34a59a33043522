/**
 * Columns of the validated history (Parquet, written by Firehose's record format
 * conversion). The Firehose transformation (functions/firehose-transform) emits
 * JSON objects with exactly these keys; the Glue table below describes them.
 */
import type { GlueColumn } from "../shared/glue";

export const HISTORY_COLUMNS: readonly GlueColumn[] = [
  { name: "transaction_id", type: "string", comment: "unique per purchase; producer retries may repeat it" },
  { name: "occurred_at", type: "string", comment: "ISO-8601 UTC timestamp of the purchase" },
  { name: "occurred_date", type: "string", comment: "YYYY-MM-DD of occurred_at (UTC)" },
  { name: "customer_id", type: "string", comment: "customer identifier" },
  { name: "customer_email_hash", type: "string", comment: "HMAC-SHA256 of the e-mail address (never stored in clear)" },
  { name: "customer_country", type: "string", comment: "ISO 3166-1 alpha-2" },
  { name: "region", type: "string", comment: "sales region" },
  { name: "currency", type: "string", comment: "ISO 4217" },
  { name: "items", type: "array<struct<product_id:string,category:string,unit_price:double,quantity:int>>", comment: "line items" },
  { name: "item_count", type: "int", comment: "number of line items" },
  { name: "total_amount", type: "double", comment: "sum of unit_price x quantity" },
  { name: "ingested_at", type: "string", comment: "ISO-8601 UTC time the history transform saw the record" },
];

/** The partition column: delivery date, projected (no crawler). */
export const HISTORY_PARTITION = { name: "dt", type: "string", comment: "delivery date YYYY-MM-DD" } as const;
