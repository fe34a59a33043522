/**
 * Minute totals: once a shard's stream has moved FOLD_GRACE_MS past the end
 * of a minute, the shard folds its chain of contributions to each region's
 * minute into one item, sk = "m#<shard>" (itemDesign.ts). Spike detection
 * and its baselines read these totals, a few items per region-minute rather
 * than every batch's contribution. The fold is idempotent (the total is
 * recomputed from the chain and records the last sequence key it covers),
 * so a contribution written after it (a late record) is still counted by
 * readers, and folded again the next time the shard folds that minute.
 */
import { AttributeValue, DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { minuteOf, minuteStartMs } from "../shared";
import { ItemPlan } from "./aggregate";
import { makeRoom } from "./containerCache";
import {
  contributionPrefix,
  decodeProducts,
  encodeProducts,
  expiresAt,
  LAST_COVERED,
  MINUTE_TOTAL,
  minuteTotalSortKey,
  partitionKey,
  ProductFigures,
  PRODUCTS,
  sumProducts,
  TTL_ATTRIBUTE,
} from "./itemDesign";

/**
 * How far past a minute's end a shard's event time must be before the shard
 * folds it: records arrive in about event-time order, but a batch that
 * straddles the minute's end, or a client clock a few seconds behind, still
 * brings some of the minute's records; folding each time one arrives would
 * rewrite the total (tens of KB) every batch.
 */
export const FOLD_GRACE_MS = 10_000;

export type MinuteRef = Pick<ItemPlan, "pk" | "region" | "minute" | "minuteStartMs">;

export interface FoldIo {
  readonly client: Pick<DynamoDBClient, "send">;
  readonly table: string;
  readonly shard: string;
  readonly retentionDays: number;
}

/**
 * Per container: for each shard it has processed (Lambda may give a container
 * batches of several shards in turn), the shard's fold state.
 */
export class FoldState {
  private readonly shards = new Map<string, ShardFolds>();

  public of(shard: string): ShardFolds {
    let folds = this.shards.get(shard);
    if (!folds) this.shards.set(shard, (folds = new ShardFolds()));
    return folds;
  }
}

/** One shard's region-minutes this container appended to since it last folded them, those it folded, and those to judge. */
export class ShardFolds {
  private readonly open = new Map<string, MinuteRef>();
  private readonly folded = new Set<string>();
  /** Folded region-minutes whose spike verdict failed (an alert not sent): judged again with the next batch. */
  private readonly unjudged = new Map<string, MinuteRef>();

  public constructor(private readonly capacity = 10_000) {}

  public noteWritten(ref: MinuteRef): void {
    this.open.set(ref.pk, { pk: ref.pk, region: ref.region, minute: ref.minute, minuteStartMs: ref.minuteStartMs });
  }

  /**
   * The region-minutes to fold once the shard's event time reached `latestMs`:
   * those written to and closed for FOLD_GRACE_MS, and, per region of the batch,
   * the last closed minute if this container never folded it (a new container
   * folds what its predecessor wrote).
   */
  public due(regions: Iterable<string>, latestMs: number): MinuteRef[] {
    const cutoff = latestMs - FOLD_GRACE_MS;
    const out = new Map<string, MinuteRef>();
    for (const ref of this.open.values()) if (ref.minuteStartMs + 60_000 <= cutoff) out.set(ref.pk, ref);
    const lastClosedMs = minuteStartMs(minuteOf(cutoff)) - 60_000;
    const minute = minuteOf(lastClosedMs);
    for (const region of regions) {
      const pk = partitionKey(region, minute);
      if (!this.folded.has(pk) && !out.has(pk)) out.set(pk, { pk, region, minute, minuteStartMs: lastClosedMs });
    }
    return [...out.values()];
  }

  /** Every region-minute written to since it was last folded, closed or not. */
  public stillOpen(): MinuteRef[] {
    return [...this.open.values()];
  }

  /** The region-minutes to judge for spikes: those just folded and those whose judgement failed before. */
  public toJudge(folded: readonly MinuteRef[]): MinuteRef[] {
    for (const ref of folded) this.unjudged.set(ref.pk, ref);
    return [...this.unjudged.values()];
  }

  public judged(): void {
    this.unjudged.clear();
  }

  public markFolded(ref: MinuteRef): void {
    this.open.delete(ref.pk);
    makeRoom(this.folded, this.capacity);
    this.folded.add(ref.pk);
  }
}

/** Folds the shard's chain of `ref` into its minute total; returns the write units (0 when nothing changed or there is no chain). */
export async function foldMinute(io: FoldIo, ref: MinuteRef): Promise<number> {
  const chain = await queryItems(io, ref.pk, contributionPrefix(io.shard), true);
  if (chain.length === 0) return 0;
  const last = chain[chain.length - 1][LAST_COVERED]?.S ?? "";
  const sk = minuteTotalSortKey(io.shard);
  const existing = await io.client.send(
    new GetItemCommand({ TableName: io.table, Key: { pk: { S: ref.pk }, sk: { S: sk } }, ConsistentRead: true, ProjectionExpression: "#l", ExpressionAttributeNames: { "#l": LAST_COVERED } }),
  );
  if (existing.Item?.[LAST_COVERED]?.S === last) return 0;
  const total = sumProducts(chain.map(productsOf));
  const out = await io.client.send(
    new UpdateItemCommand({
      TableName: io.table,
      Key: { pk: { S: ref.pk }, sk: { S: sk } },
      UpdateExpression: "SET #l = :l, #p = :p, #t = :t",
      ExpressionAttributeNames: { "#l": LAST_COVERED, "#p": PRODUCTS, "#t": TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ":l": { S: last }, ":p": { S: encodeProducts(total) }, ":t": { N: String(expiresAt(ref.minuteStartMs, io.retentionDays)) } },
      ReturnConsumedCapacity: "TOTAL",
    }),
  );
  return out.ConsumedCapacity?.CapacityUnits ?? 0;
}

/**
 * Folds every region-minute the shard still has open, as it will once its stream moves on; returns the
 * write units. For measurements of the steady state (the benches' last minute).
 */
export async function foldOpenMinutes(io: FoldIo, folds: ShardFolds): Promise<number> {
  let wcu = 0;
  for (const ref of folds.stillOpen()) {
    wcu += await foldMinute(io, ref);
    folds.markFolded(ref);
  }
  return wcu;
}

/**
 * Units per product in a region-minute, over every shard's minute total; undefined when no shard has folded it.
 * `consistent`: a strongly consistent read (the spike verdict right after this shard's own fold must see it).
 */
export async function foldedUnits(io: Pick<FoldIo, "client" | "table">, pk: string, consistent = false): Promise<Map<string, number> | undefined> {
  const totals = await queryItems(io, pk, MINUTE_TOTAL, consistent);
  if (totals.length === 0) return undefined;
  return new Map([...sumProducts(totals.map(productsOf))].map(([productId, t]) => [productId, t.units]));
}

/** The product figures of a contribution or minute total, as DynamoDB returned it. */
function productsOf(item: Record<string, AttributeValue>): ProductFigures[] {
  return decodeProducts(item[PRODUCTS]?.S ?? "[]");
}

async function queryItems(io: Pick<FoldIo, "client" | "table">, pk: string, prefix: string, consistent: boolean): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await io.client.send(
      new QueryCommand({
        TableName: io.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :s)",
        ExpressionAttributeValues: { ":pk": { S: pk }, ":s": { S: prefix } },
        ConsistentRead: consistent,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
