/**
 * Aggregation of a batch's valid transactions into item writes. Pure.
 *
 * Each item (region x minute, or region x minute x product bucket for
 * bucketed writes) gets a list of chunks; a chunk is the summed contribution
 * of a contiguous run of records (in sequence order) and becomes one
 * conditional write. A new chunk starts only when the products would no
 * longer fit one write (`maxProductsPerUpdate`).
 */
import { minuteOf, ValidTransaction } from "../shared";
import { bucketOf, bucketSortKey, fnv1a, lineRevenueCents, partitionKey } from "./itemDesign";
import { ScannedTransaction } from "./recordScan";
import { StringTable } from "./stringTable";

/**
 * An accepted record as a retry needs it: its {@link sequenceKey} (sorts like
 * the sequence number) and its bytes (already validated). The parsed
 * transaction is not kept: a 10,000-record batch does not hold 10,000 parsed
 * objects alive (less GC work); {@link transactionOf} parses it again in the
 * rare case it is needed (a retry after a conditional check).
 */
export interface AcceptedRecord {
  readonly seqKey: string;
  readonly data: Uint8Array;
}

/** Accepted record `a` of a batch (plans point at records by their index among the accepted). */
export type AcceptedRecordAt = (a: number) => AcceptedRecord;

const utf8 = new TextDecoder("utf-8");

/** The transaction of an accepted record, parsed again from its bytes. */
export function transactionOf(record: Pick<AcceptedRecord, "data">): ValidTransaction {
  const tx = JSON.parse(utf8.decode(record.data)) as ValidTransaction & { occurredAtMs: number };
  tx.occurredAtMs = Date.parse(tx.occurredAt);
  return tx;
}

export interface Contribution {
  units: number;
  revenueCents: number;
  orders: number;
  /** Index of the last record that counted an order (orders count transactions, not lines). */
  lastIndex: number;
}

export interface Chunk {
  /** seqKey of the first and last record in the chunk. */
  firstSeqKey: string;
  lastSeqKey: string;
  /** The records (indexes into the accepted list) that contributed. */
  readonly records: number[];
  readonly products: ChunkProducts;
}

/**
 * A chunk's products and their contributions, in first-seen order: a {@link StringTable} of the product ids
 * (slotted by the FNV-1a the scanner computed while reading each id) beside an array of contributions.
 */
export class ChunkProducts implements Iterable<[string, Contribution]> {
  private readonly table: StringTable;
  public readonly contributions: Contribution[] = [];

  /** Room for `capacity` products before the table grows. */
  public constructor(capacity: number) {
    this.table = new StringTable(capacity);
  }

  public get size(): number {
    return this.table.size;
  }

  public get(productId: string): Contribution | undefined {
    const i = this.table.indexOf(productId, fnv1a(productId));
    return i < 0 ? undefined : this.contributions[i];
  }

  /** The contribution of `productId` (whose FNV-1a hash is `hash`), added with zeros if new. */
  public at(productId: string, hash: number): Contribution {
    const i = this.table.add(productId, hash);
    if (i < this.contributions.length) return this.contributions[i];
    const c: Contribution = { units: 0, revenueCents: 0, orders: 0, lastIndex: -1 };
    this.contributions.push(c);
    return c;
  }

  public *[Symbol.iterator](): Iterator<[string, Contribution]> {
    for (let i = 0; i < this.size; i++) yield [this.table.keys[i], this.contributions[i]];
  }
}

export interface ItemPlan {
  readonly pk: string;
  readonly sk: string;
  readonly region: string;
  readonly minute: string;
  readonly minuteStartMs: number;
  /** The product bucket (0 when the writes are not bucketed). */
  readonly bucket: number;
  readonly chunks: Chunk[];
}

export interface PlanOptions {
  /** Product buckets per region-minute (1: one item per region-minute, as contributions are). */
  readonly buckets: number;
  /** At most this many products in one write. */
  readonly maxProductsPerUpdate: number;
}

/**
 * Products per contribution item: 8,000 rows of about 25-40 bytes stay far
 * below DynamoDB's 400 KB item limit; a batch's region-minute with more (a
 * catalogue that large in one batch) is written as several contributions in turn.
 */
export const MAX_PRODUCTS_PER_CONTRIBUTION = 8_000;

/** The processor's plan: one item per region-minute, a contribution. */
export const CONTRIBUTION_PLAN: PlanOptions = { buckets: 1, maxProductsPerUpdate: MAX_PRODUCTS_PER_CONTRIBUTION };

/** A chunk's table starts with room for this many products and grows (most batches' region-minutes hold fewer). */
const INITIAL_CHUNK_PRODUCTS = 256;

/**
 * Plans the item updates for `accepted` (which must be in sequence order).
 * `only` restricts the plan to records with seqKey above a high-water mark for one item (used on retry).
 */
export function planItemUpdates(accepted: readonly AcceptedRecord[], options: PlanOptions): Map<string, ItemPlan> {
  const planner = new ItemPlanner(options);
  const fields = new ScannedTransaction();
  for (let a = 0; a < accepted.length; a++) {
    const tx = transactionOf(accepted[a]);
    planner.add(a, accepted[a].seqKey, fields.setFrom(tx, tx.occurredAtMs));
  }
  return planner.plans;
}

/** A minute's item plans: per region (a short list, found by identity), the plans by bucket. */
interface MinuteRows {
  readonly minuteMs: number;
  readonly regions: string[];
  readonly rows: (ItemPlan | undefined)[][];
}

/** Builds the plans one transaction at a time (in sequence order), so transactions need not outlive their record. */
export class ItemPlanner {
  public readonly plans = new Map<string, ItemPlan>();
  /** The latest event time added (epoch ms): how far the shard's stream has moved. */
  public latestMs = -Infinity;
  // Per-line work is kept to array lookups and one map lookup (profiled: the product -> bucket map, the region map
  // and the minute's modulo cost 20% of the planner): the last minute's rows are kept, as consecutive records
  // mostly share a minute; regions are few and the scanner gives the context's own strings, so a scan finds them
  // by identity; the bucket is FNV-1a of the product id, which the scanner computes as it reads the id.
  private readonly byMinute = new Map<number, MinuteRows>();
  private last: MinuteRows = { minuteMs: NaN, regions: [], rows: [] };

  public constructor(private readonly options: PlanOptions) {}

  /** Adds accepted record `a` (its seqKey and the transaction's fields). */
  public add(a: number, seqKey: string, tx: ScannedTransaction): void {
    const options = this.options;
    const occurredAtMs = tx.occurredAtMs;
    if (occurredAtMs > this.latestMs) this.latestMs = occurredAtMs;
    let rows = this.last;
    if (!(occurredAtMs >= rows.minuteMs && occurredAtMs < rows.minuteMs + 60_000)) rows = this.minuteRows(occurredAtMs);
    const region = tx.region;
    const r = rows.regions.indexOf(region);
    const row = r >= 0 ? rows.rows[r] : this.newRow(rows, region);
    const lines = tx.lines;
    for (let i = 0; i < lines; i++) {
      const hash = tx.productHashes[i];
      const bucket = hash % options.buckets; // bucketOf, with the hash kept for the chunk's table
      const plan = row[bucket] ?? (row[bucket] = this.newPlan(rows.minuteMs, region, bucket));
      const quantity = tx.quantities[i];
      addLine(plan, a, seqKey, tx.productIds[i], hash, quantity, lineRevenueCents(tx.unitPrices[i], quantity), lines, options);
    }
  }

  private minuteRows(occurredAtMs: number): MinuteRows {
    const minuteMs = occurredAtMs - (((occurredAtMs % 60_000) + 60_000) % 60_000);
    let rows = this.byMinute.get(minuteMs);
    if (!rows) this.byMinute.set(minuteMs, (rows = { minuteMs, regions: [], rows: [] }));
    return (this.last = rows);
  }

  private newRow(rows: MinuteRows, region: string): (ItemPlan | undefined)[] {
    const row = new Array<ItemPlan | undefined>(this.options.buckets);
    rows.regions.push(region);
    rows.rows.push(row);
    return row;
  }

  private newPlan(minuteMs: number, region: string, bucket: number): ItemPlan {
    const minute = minuteOf(minuteMs);
    const pk = partitionKey(region, minute);
    const sk = bucketSortKey(bucket);
    const plan: ItemPlan = { pk, sk, region, minute, minuteStartMs: minuteMs, bucket, chunks: [] };
    this.plans.set(`${pk}|${sk}`, plan);
    return plan;
  }
}

function addLine(plan: ItemPlan, a: number, seqKey: string, productId: string, hash: number, units: number, cents: number, txLines: number, options: PlanOptions): void {
  let chunk = plan.chunks[plan.chunks.length - 1];
  const firstLineOfRecord = !chunk || chunk.records[chunk.records.length - 1] !== a;
  if (!chunk || (firstLineOfRecord && chunk.products.size + txLines > options.maxProductsPerUpdate)) {
    chunk = { firstSeqKey: seqKey, lastSeqKey: seqKey, records: [], products: new ChunkProducts(Math.min(Math.max(options.maxProductsPerUpdate, txLines), INITIAL_CHUNK_PRODUCTS)) };
    plan.chunks.push(chunk);
  }
  if (firstLineOfRecord) {
    chunk.records.push(a);
    chunk.lastSeqKey = seqKey;
  }
  const c = chunk.products.at(productId, hash);
  c.units += units;
  c.revenueCents += cents;
  if (c.lastIndex !== a) {
    c.orders += 1;
    c.lastIndex = a;
  }
}

/**
 * Rebuilds one chunk from the records of `chunk` whose seqKey is above `highWater`:
 * what is left to apply after a conditional check found part of it applied.
 * Returns undefined when nothing is left.
 */
export function remainderAfter(chunk: Chunk, plan: ItemPlan, recordAt: AcceptedRecordAt, highWater: string, buckets: number): Chunk | undefined {
  const rest = chunk.records.filter((a) => compareSeqKeys(recordAt(a).seqKey, highWater) > 0);
  if (rest.length === 0) return undefined;
  const rebuilt: Chunk = { firstSeqKey: recordAt(rest[0]).seqKey, lastSeqKey: recordAt(rest[rest.length - 1]).seqKey, records: rest, products: new ChunkProducts(chunk.products.size) };
  for (const a of rest) {
    const tx = transactionOf(recordAt(a));
    if (tx.region !== plan.region || minuteOf(tx.occurredAtMs) !== plan.minute) continue;
    for (const line of tx.items) {
      if (bucketOf(line.productId, buckets) !== plan.bucket) continue;
      const c = rebuilt.products.at(line.productId, fnv1a(line.productId));
      c.units += line.quantity;
      c.revenueCents += lineRevenueCents(line.unitPrice, line.quantity);
      if (c.lastIndex !== a) {
        c.orders += 1;
        c.lastIndex = a;
      }
    }
  }
  return rebuilt;
}

/** Compares two {@link sequenceKey}s (plain string order, made explicit). */
export function compareSeqKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
