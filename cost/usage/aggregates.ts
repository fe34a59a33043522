/**
 * Write request units of the real-time aggregates table (docs/design.md,
 * docs/functions.md "Item design"), as the stream processor writes it: one
 * conditional UpdateItem per touched item (pk = <region>#<minute>, sk = b<NN>)
 * per batch, or several ("chunks") when more than `maxProductsPerUpdate`
 * products of the item are in the batch. An UpdateItem costs 1 WRU per started
 * KB of the larger of the old and new item, and items grow through the minute,
 * so the cost per transaction depends mostly on how many batches a minute
 * rewrite each item. Pure; the formula is documented in docs/cost.md and
 * checked against the real processor on dynalite in test/cost/aggregates.test.ts.
 */
import { KB } from "../constants";

export interface AggregateWriteInputs {
  /** Transactions per second (event time, whole stream). */
  readonly tps: number;
  /** Records per batch (invocation) of one shard. */
  readonly recordsPerBatch: number;
  /** Shards delivering batches (each shard's batches cut the minute independently). */
  readonly shards: number;
  readonly linesPerTransaction: number;
  readonly regions: number;
  readonly buckets: number;
  /** Product catalogue and its Zipf popularity exponent. */
  readonly products: number;
  readonly zipfExponent: number;
  /** Item bytes besides products and high-water marks (pk, sk, TTL attribute). */
  readonly itemBaseBytes: number;
  /** Bytes per product in an item: u#/r#/o#<productId> names and their numbers. */
  readonly bytesPerProduct: number;
  /** Bytes per shard high-water mark (h#<shard> and the length-prefixed sequence number). */
  readonly markBytes: number;
  /** Products one update expression holds (the processor's chunk size). */
  readonly maxProductsPerUpdate: number;
}

export interface AggregateWrites {
  /** WRU a second for the whole table. */
  readonly wruPerSecond: number;
  readonly wruPerTransaction: number;
  /** Writes (batches) that touch a region's items in a minute: K + shards, K = tps x 60 / records per batch. */
  readonly writesPerMinute: number;
  /** Item size at the end of a minute, bytes. */
  readonly finalItemBytes: number;
}

const zipfCache = new Map<string, Float64Array>();

function zipf(n: number, s: number): Float64Array {
  const key = `${n}|${s}`;
  let p = zipfCache.get(key);
  if (!p) {
    p = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += p[k] = 1 / Math.pow(k + 1, s);
    for (let k = 0; k < n; k++) p[k] /= sum;
    zipfCache.set(key, p);
  }
  return p;
}

/** Expected distinct products among `lines` independent Zipf draws. */
export function distinctProducts(lines: number, products: number, zipfExponent: number): number {
  if (lines <= 0) return 0;
  const p = zipf(products, zipfExponent);
  let d = 0;
  for (let k = 0; k < p.length; k++) d += 1 - Math.exp(-lines * p[k]);
  return d;
}

/**
 * Started KB of an item of `bytes` (the mean over the table's items): the
 * items of one minute differ in size (the hash puts more popular products in
 * some buckets), so on average the fractional KB is half used: x + 0.5 KB,
 * never below 1.
 */
export function billedKb(bytes: number): number {
  const x = bytes / KB;
  return Math.max(1, x + 0.5);
}

/** Most minute steps evaluated (larger K is sampled evenly: the sum is smooth). */
const MAX_STEPS = 240;

export function aggregateWrites(m: AggregateWriteInputs): AggregateWrites {
  if (m.tps <= 0 || m.recordsPerBatch <= 0) return { wruPerSecond: 0, wruPerTransaction: 0, writesPerMinute: 0, finalItemBytes: 0 };
  const linesPerRegionMinute = (m.tps * 60 * m.linesPerTransaction) / m.regions;
  const batchesPerMinute = (m.tps * 60) / m.recordsPerBatch;
  // Each shard's batches cut the minute into intervals: K + shards intervals intersect a minute (random alignment).
  const writes = batchesPerMinute + m.shards;
  const linesPerWrite = linesPerRegionMinute / writes;
  const touched = 1 - Math.exp(-linesPerWrite / m.buckets);
  const productsPerWrite = distinctProducts(linesPerWrite, m.products, m.zipfExponent) / m.buckets;
  const chunks = Math.max(1, Math.ceil(productsPerWrite / m.maxProductsPerUpdate));
  const size = (lines: number, writers: number) =>
    m.itemBaseBytes + Math.min(m.shards, writers) * m.markBytes + (distinctProducts(lines, m.products, m.zipfExponent) / m.buckets) * m.bytesPerProduct;
  const steps = Math.min(Math.max(1, Math.round(writes)), MAX_STEPS);
  let kbPerItemMinute = 0;
  for (let j = 1; j <= steps; j++) {
    const done = (j / steps) * writes;
    kbPerItemMinute += billedKb(size(done * linesPerWrite, done));
  }
  kbPerItemMinute *= (writes / steps) * touched * chunks;
  const wruPerSecond = (m.regions * m.buckets * kbPerItemMinute) / 60;
  return {
    wruPerSecond,
    wruPerTransaction: wruPerSecond / m.tps,
    writesPerMinute: writes,
    finalItemBytes: size(linesPerRegionMinute, writes),
  };
}
