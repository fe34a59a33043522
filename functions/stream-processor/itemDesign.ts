/**
 * The DynamoDB item design of the real-time aggregates. Pure.
 *
 * pk = "<region>#<minute>", sk = "b<NN>" (a product bucket). The bucket's
 * products are top-level numbers `u#<productId>` (units), `r#<productId>`
 * (revenue in cents), `o#<productId>` (orders), so one UpdateItem with ADD
 * applies a batch's contribution to many products. `h#<shard>` is the
 * per-shard high-water mark (see docs/functions.md), `expiresAt` the TTL.
 * Spike markers are separate small items: sk = "s#<productId>".
 */

export const UNITS = "u#";
export const REVENUE = "r#";
export const ORDERS = "o#";
export const HIGH_WATER = "h#";
export const SPIKE_MARKER = "s#";
export const TTL_ATTRIBUTE = "expiresAt";

/** FNV-1a, 32 bit: a stable, fast string hash (the same in every container and version). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function bucketOf(productId: string, buckets: number): number {
  return fnv1a(productId) % buckets;
}

export const partitionKey = (region: string, minute: string): string => `${region}#${minute}`;
export const bucketSortKey = (bucket: number): string => `b${String(bucket).padStart(2, "0")}`;
export const spikeSortKey = (productId: string): string => `${SPIKE_MARKER}${productId}`;

/** "shardId-000000000007" -> "7": short attribute names keep items small. */
export function shortShardId(shardId: string): string {
  const m = /(\d+)$/.exec(shardId);
  return m ? String(Number(m[1])) : shardId;
}

/**
 * A sequence number as a string that sorts like the number: 3-digit length,
 * then the digits. Kinesis sequence numbers have no leading zeros and up to 129 digits.
 */
export function sequenceKey(sequenceNumber: string): string {
  const n = sequenceNumber.length;
  return (n < LENGTH_PREFIXES.length ? LENGTH_PREFIXES[n] : String(n).padStart(3, "0")) + sequenceNumber;
}

// Computed once: sequenceKey runs for every accepted record.
const LENGTH_PREFIXES = Array.from({ length: 130 }, (_, n) => String(n).padStart(3, "0"));

/** TTL: the end of the minute plus the retention, in epoch seconds. */
export function expiresAt(minuteStartMs: number, retentionDays: number): number {
  return Math.floor(minuteStartMs / 1000) + 60 + retentionDays * 86_400;
}

/** Integer cents of one line: the price is rounded to cents first, so sums are exact integers. */
export function lineRevenueCents(unitPrice: number, quantity: number): number {
  return Math.round(unitPrice * 100) * quantity;
}

/** One product's figures decoded from an aggregates item. */
export interface ProductFigures {
  readonly productId: string;
  readonly units: number;
  readonly revenueCents: number;
  readonly orders: number;
}

/** Decodes the products of an item given as plain attribute values (numbers). */
export function productsOfItem(item: Readonly<Record<string, unknown>>): ProductFigures[] {
  const out: ProductFigures[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(UNITS)) continue;
    const productId = name.slice(UNITS.length);
    out.push({
      productId,
      units: Number(value),
      revenueCents: Number(item[`${REVENUE}${productId}`] ?? 0),
      orders: Number(item[`${ORDERS}${productId}`] ?? 0),
    });
  }
  return out;
}
