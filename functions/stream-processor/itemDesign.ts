/**
 * The DynamoDB item design of the real-time aggregates. Pure.
 *
 * All items of a region's minute share pk = "<region>#<minute>". The stream
 * processor appends: each invocation writes its batch's contribution to the
 * minute as one new item, sk = "c#<shard>#<predecessor>", where the
 * predecessor is the last sequence key of the shard's previous contribution
 * to the minute ("" for the first). A contribution can only be written on
 * top of the one it follows (the write is conditional on the key being
 * free), so each shard's contributions form one chain with no gaps or
 * overlaps: exactly once without rewriting what earlier batches wrote (an
 * update is billed on the whole item, docs/functions.md). Once the shard
 * moves on to the next minute it folds its chain into one minute total,
 * sk = "m#<shard>", which spike detection and baselines read; readers add
 * a shard's total and the contributions after it (`l`, the last sequence
 * key each covers).
 *
 * Replays (functions/replay) update bucket items, sk = "b<NN>", with
 * top-level numbers `u#<productId>` (units), `r#<productId>` (revenue in
 * cents), `o#<productId>` (orders), guarded by ledger attributes.
 * Spike markers are separate small items: sk = "s#<productId>".
 */

export const UNITS = "u#";
export const REVENUE = "r#";
export const ORDERS = "o#";
export const HIGH_WATER = "h#";
export const SPIKE_MARKER = "s#";
export const TTL_ATTRIBUTE = "expiresAt";
export const CONTRIBUTION = "c#";
export const MINUTE_TOTAL = "m#";
/** Attributes of contributions and minute totals: the last sequence key covered, the products. */
export const LAST_COVERED = "l";
export const PRODUCTS = "p";

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
/** The contribution that follows `predecessor` (the last sequence key of the shard's previous one, "" for the first). */
export const contributionSortKey = (shard: string, predecessor: string): string => `${CONTRIBUTION}${shard}#${predecessor}`;
export const contributionPrefix = (shard: string): string => `${CONTRIBUTION}${shard}#`;
export const minuteTotalSortKey = (shard: string): string => `${MINUTE_TOTAL}${shard}`;
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

/**
 * A contribution's or minute total's products as one string attribute:
 * JSON of [productId, units, revenueCents, orders] rows. One attribute
 * instead of three per product (u#/r#/o# names repeat the product id) keeps
 * the item, and so its write units, about half as large.
 */
export function encodeProducts(products: Iterable<readonly [string, { readonly units: number; readonly revenueCents: number; readonly orders: number }]>): string {
  const rows: (string | number)[][] = [];
  for (const [productId, c] of products) rows.push([productId, c.units, c.revenueCents, c.orders]);
  return JSON.stringify(rows);
}

export function decodeProducts(attribute: string): ProductFigures[] {
  const rows = JSON.parse(attribute) as [string, number, number, number][];
  return rows.map(([productId, units, revenueCents, orders]) => ({ productId, units, revenueCents, orders }));
}

/** One stored item of a region-minute, as readers see it: its sort key and plain attribute values. */
export interface MinuteItem {
  readonly sk: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * Pure: a region-minute's product figures from all its items. Per shard, the
 * minute total plus the contributions written after it (those covering
 * sequence keys beyond the total's); plus the replays' bucket items.
 * Spike markers and anything else are ignored.
 */
export function minuteProducts(items: readonly MinuteItem[]): ProductFigures[] {
  const foldedThrough = new Map<string, string>();
  for (const item of items) if (item.sk.startsWith(MINUTE_TOTAL)) foldedThrough.set(item.sk.slice(MINUTE_TOTAL.length), String(item.attributes[LAST_COVERED]));
  const lists: ProductFigures[][] = [];
  for (const item of items) {
    if (item.sk.startsWith("b")) lists.push(productsOfItem(item.attributes));
    else if (item.sk.startsWith(MINUTE_TOTAL)) lists.push(decodeProducts(String(item.attributes[PRODUCTS])));
    else if (item.sk.startsWith(CONTRIBUTION)) {
      const shard = item.sk.slice(CONTRIBUTION.length, item.sk.indexOf("#", CONTRIBUTION.length));
      const through = foldedThrough.get(shard);
      if (through === undefined || String(item.attributes[LAST_COVERED]) > through) lists.push(decodeProducts(String(item.attributes[PRODUCTS])));
    }
  }
  return [...sumProducts(lists)].map(([productId, t]) => ({ productId, ...t }));
}

/** Pure: the sum of product figures, per product (first-seen order). */
export function sumProducts(lists: readonly (readonly ProductFigures[])[]): Map<string, { units: number; revenueCents: number; orders: number }> {
  const total = new Map<string, { units: number; revenueCents: number; orders: number }>();
  for (const list of lists) {
    for (const p of list) {
      const t = total.get(p.productId);
      if (t) {
        t.units += p.units;
        t.revenueCents += p.revenueCents;
        t.orders += p.orders;
      } else total.set(p.productId, { units: p.units, revenueCents: p.revenueCents, orders: p.orders });
    }
  }
  return total;
}
