/**
 * Write request units of the real-time aggregates table (docs/design.md,
 * docs/functions.md "Item design"), as the stream processor writes it: per
 * batch and region-minute it touches, one new contribution item (its
 * products as one JSON attribute, pk = <region>#<minute>, sk =
 * c#<shard>#<predecessor>), and per shard and region-minute one minute
 * total once the shard has moved past it (sk = m#<shard>). A write of a new
 * item costs 1 WRU per started KB of it, so the cost per transaction is set
 * by the distinct products a batch brings to a region-minute, not by what
 * the minute holds already. Pure; the formula is documented in docs/cost.md
 * and checked against the real processor on dynalite in test/cost/aggregates.test.ts.
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
  /** Product catalogue and its Zipf popularity exponent. */
  readonly products: number;
  readonly zipfExponent: number;
  /** Item bytes besides products and sequence keys (pk, attribute names, TTL). */
  readonly itemBaseBytes: number;
  /** Bytes per product row in the JSON attribute. */
  readonly bytesPerProduct: number;
  /** Bytes per sequence key (a contribution holds two: its predecessor in sk and its last in l; a total one). */
  readonly markBytes: number;
}

export interface AggregateWrites {
  /** WRU a second for the whole table. */
  readonly wruPerSecond: number;
  readonly wruPerTransaction: number;
  /** Reads a second, as RRU: the folds' chain reads, the spike verdicts' and the baselines' reads of the totals. */
  readonly rruPerSecond: number;
  /** Contributions a region-minute receives: K + shards, K = tps x 60 / records per batch. */
  readonly writesPerMinute: number;
  /** Items a region-minute ends with (contributions and minute totals) and their mean size, bytes. */
  readonly itemsPerRegionMinute: number;
  readonly meanItemBytes: number;
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
 * items differ in size (batches bring more or fewer distinct products), so
 * on average the fractional KB is half used: x + 0.5 KB, never below 1.
 */
export function billedKb(bytes: number): number {
  const x = bytes / KB;
  return Math.max(1, x + 0.5);
}

export function aggregateWrites(m: AggregateWriteInputs): AggregateWrites {
  if (m.tps <= 0 || m.recordsPerBatch <= 0) return { wruPerSecond: 0, wruPerTransaction: 0, rruPerSecond: 0, writesPerMinute: 0, itemsPerRegionMinute: 0, meanItemBytes: 0 };
  const linesPerRegionMinute = (m.tps * 60 * m.linesPerTransaction) / m.regions;
  const batchesPerMinute = (m.tps * 60) / m.recordsPerBatch;
  // Each shard's batches cut the minute into intervals: K + shards intervals intersect a minute (random alignment).
  const writes = batchesPerMinute + m.shards;
  const contributionBytes = m.itemBaseBytes + 2 * m.markBytes + distinctProducts(linesPerRegionMinute / writes, m.products, m.zipfExponent) * m.bytesPerProduct;
  const totalBytes = m.itemBaseBytes + m.markBytes + distinctProducts(linesPerRegionMinute / m.shards, m.products, m.zipfExponent) * m.bytesPerProduct;
  const wruPerRegionMinute = writes * billedKb(contributionBytes) + m.shards * billedKb(totalBytes);
  const wruPerSecond = (m.regions * wruPerRegionMinute) / 60;
  // Per shard and region-minute: the fold's consistent Query of its chain (1 RRU per 4 KB) and GetItem of its
  // total (1 RRU), the spike verdict's consistent Query of all totals (1 RRU per 4 KB), and the baseline's
  // eventually consistent one (0.5 RRU per 4 KB).
  const chainBytes = (writes / m.shards) * contributionBytes;
  const totalsBytes = m.shards * totalBytes;
  const rruPerShardMinute = Math.ceil(chainBytes / (4 * KB)) + 1 + 1.5 * Math.ceil(totalsBytes / (4 * KB));
  const items = writes + m.shards;
  return {
    wruPerSecond,
    wruPerTransaction: wruPerSecond / m.tps,
    rruPerSecond: (m.regions * m.shards * rruPerShardMinute) / 60,
    writesPerMinute: writes,
    itemsPerRegionMinute: items,
    meanItemBytes: (writes * contributionBytes + m.shards * totalBytes) / items,
  };
}
