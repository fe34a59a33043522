/**
 * Replay writes: a record's contribution to an aggregate item, applied once
 * whatever the item's high-water mark, guarded by a ledger attribute per
 * (item, record): `x#<shard>#<sequence number>`. An update ADDs a group of
 * records' contributions and SETs their ledger attributes, on the condition
 * that none of them exists; when some exist (a previous, interrupted run),
 * the group is rebuilt without them and written again. Pure planning here,
 * one DynamoDB call per group in {@link applyLedgerUpdates}.
 */
import { AttributeValue, ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { minuteOf, ValidTransaction } from "../shared";
import { bucketOf, bucketSortKey, expiresAt, lineRevenueCents, ORDERS, partitionKey, REVENUE, sequenceKey, shortShardId, TTL_ATTRIBUTE, UNITS } from "../stream-processor/itemDesign";

export const LEDGER = "x#";

/** One record's contribution to one item. */
export interface LedgerEntry {
  /** The ledger attribute name, x#<shard>#<seq>. */
  readonly ledger: string;
  /** The record's sequence key (sorts like its sequence number). */
  readonly seqKey: string;
  readonly products: ReadonlyMap<string, { units: number; revenueCents: number; orders: number }>;
}

export interface ItemContributions {
  readonly pk: string;
  readonly sk: string;
  readonly minuteStartMs: number;
  readonly entries: LedgerEntry[];
}

export interface ReplayRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly transaction: ValidTransaction;
}

export const ledgerAttribute = (shardId: string, sequenceNumber: string): string => `${LEDGER}${shortShardId(shardId)}#${sequenceNumber}`;

/** Pure: every record's contribution per item (region x minute x product bucket), in record order. */
export function contributionsByItem(records: readonly ReplayRecord[], buckets: number): Map<string, ItemContributions> {
  const items = new Map<string, ItemContributions>();
  for (const r of records) {
    const tx = r.transaction;
    const minuteStart = tx.occurredAtMs - (((tx.occurredAtMs % 60_000) + 60_000) % 60_000);
    const perItem = new Map<string, Map<string, { units: number; revenueCents: number; orders: number }>>();
    for (const line of tx.items) {
      const pk = partitionKey(tx.region, minuteOf(minuteStart));
      const sk = bucketSortKey(bucketOf(line.productId, buckets));
      const key = `${pk}|${sk}`;
      if (!items.has(key)) items.set(key, { pk, sk, minuteStartMs: minuteStart, entries: [] });
      const products = perItem.get(key) ?? new Map<string, { units: number; revenueCents: number; orders: number }>();
      perItem.set(key, products);
      const c = products.get(line.productId) ?? { units: 0, revenueCents: 0, orders: 0 };
      c.units += line.quantity;
      c.revenueCents += lineRevenueCents(line.unitPrice, line.quantity);
      // Orders count transactions: once per product and transaction.
      c.orders = 1;
      products.set(line.productId, c);
    }
    for (const [key, products] of perItem) items.get(key)!.entries.push({ ledger: ledgerAttribute(r.shardId, r.sequenceNumber), seqKey: sequenceKey(r.sequenceNumber), products });
  }
  return items;
}

/** At most this many records and products in one update: the expression stays far below DynamoDB's 4 KB. */
const MAX_RECORDS_PER_UPDATE = 20;
const MAX_PRODUCTS_PER_UPDATE = 40;

/** Pure: an item's entries cut into groups that each fit one update, in order. */
export function groupEntries(entries: readonly LedgerEntry[]): LedgerEntry[][] {
  const groups: LedgerEntry[][] = [];
  let current: LedgerEntry[] = [];
  let products = new Set<string>();
  for (const e of entries) {
    const merged = new Set([...products, ...e.products.keys()]);
    if (current.length > 0 && (current.length >= MAX_RECORDS_PER_UPDATE || merged.size > MAX_PRODUCTS_PER_UPDATE)) {
      groups.push(current);
      current = [];
      products = new Set(e.products.keys());
    } else products = merged;
    current.push(e);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Pure: the UpdateItem of one group. */
export function buildLedgerUpdate(table: string, item: ItemContributions, group: readonly LedgerEntry[], retentionDays: number): UpdateItemCommandInput {
  const names: Record<string, string> = { "#t": TTL_ATTRIBUTE };
  const values: Record<string, AttributeValue> = { ":t": { N: String(expiresAt(item.minuteStartMs, retentionDays)) }, ":one": { N: "1" } };
  const sums = new Map<string, { units: number; revenueCents: number; orders: number }>();
  for (const e of group) {
    for (const [productId, c] of e.products) {
      const s = sums.get(productId) ?? { units: 0, revenueCents: 0, orders: 0 };
      s.units += c.units;
      s.revenueCents += c.revenueCents;
      s.orders += c.orders;
      sums.set(productId, s);
    }
  }
  const adds: string[] = [];
  let i = 0;
  for (const [productId, c] of sums) {
    const id = (i++).toString(36);
    Object.assign(names, { [`#u${id}`]: `${UNITS}${productId}`, [`#r${id}`]: `${REVENUE}${productId}`, [`#o${id}`]: `${ORDERS}${productId}` });
    Object.assign(values, { [`:u${id}`]: { N: String(c.units) }, [`:r${id}`]: { N: String(c.revenueCents) }, [`:o${id}`]: { N: String(c.orders) } });
    adds.push(`#u${id} :u${id}, #r${id} :r${id}, #o${id} :o${id}`);
  }
  const ledgers = group.map((e, j) => {
    names[`#x${j}`] = e.ledger;
    return `#x${j}`;
  });
  return {
    TableName: table,
    Key: { pk: { S: item.pk }, sk: { S: item.sk } },
    UpdateExpression: `SET #t = :t, ${ledgers.map((l) => `${l} = :one`).join(", ")} ADD ${adds.join(", ")}`,
    ConditionExpression: ledgers.map((l) => `attribute_not_exists(${l})`).join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  };
}

export interface LedgerOutcome {
  /** Updates written by this run. */
  updates: number;
  /** (item, record) contributions written by this run, and found written by an earlier run. */
  applied: number;
  alreadyApplied: number;
  /** Records (ledger names) that contributed to at least one update of this run. */
  readonly appliedRecords: Set<string>;
}

/** Applies every item's groups; throws on any error but a ledger hit (the run can be repeated). */
export async function applyLedgerUpdates(dynamo: Pick<DynamoDBClient, "send">, table: string, items: Iterable<ItemContributions>, retentionDays: number): Promise<LedgerOutcome> {
  const outcome: LedgerOutcome = { updates: 0, applied: 0, alreadyApplied: 0, appliedRecords: new Set() };
  for (const item of items) {
    for (let group of groupEntries(item.entries)) {
      while (group.length > 0) {
        try {
          await dynamo.send(new UpdateItemCommand(buildLedgerUpdate(table, item, group, retentionDays)));
          outcome.updates++;
          outcome.applied += group.length;
          for (const e of group) outcome.appliedRecords.add(e.ledger);
          group = [];
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException) && (err as { name?: string }).name !== "ConditionalCheckFailedException") throw err;
          const old = (err as { Item?: Record<string, AttributeValue> }).Item ?? (await readLedgers(dynamo, table, item, group));
          const rest = group.filter((e) => old[e.ledger] === undefined);
          if (rest.length === group.length) throw new Error(`ledger check on ${item.pk}/${item.sk} failed but no ledger attribute is stored`, { cause: err });
          outcome.alreadyApplied += group.length - rest.length;
          group = rest;
        }
      }
    }
  }
  return outcome;
}

/** The group's ledger attributes as stored (a consistent read: where ALL_OLD is not returned on a failed check). */
async function readLedgers(dynamo: Pick<DynamoDBClient, "send">, table: string, item: ItemContributions, group: readonly LedgerEntry[]): Promise<Record<string, AttributeValue>> {
  const names = Object.fromEntries(group.map((e, j) => [`#x${j}`, e.ledger]));
  const got = await dynamo.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: item.pk }, sk: { S: item.sk } }, ConsistentRead: true, ProjectionExpression: Object.keys(names).join(", "), ExpressionAttributeNames: names }),
  );
  return got.Item ?? {};
}
