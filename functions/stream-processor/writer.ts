/**
 * Appends planned contributions to DynamoDB exactly once per shard position
 * (the item design: functions/stream-processor/itemDesign.ts). A contribution
 * is written on top of the shard's last one for the region-minute, on the
 * condition that nothing is there yet; when something is, its last sequence
 * key tells which of the batch's records are applied already (a redelivery),
 * and the rest is written on top of it.
 *
 * The write is an UpdateItem that only SETs (on a new item it is billed as a
 * put: 1 WRU per started KB of the new item), so the function needs no write
 * permission beyond UpdateItem.
 */
import { AttributeValue, DynamoDBClient, QueryCommand, UpdateItemCommand, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { AcceptedRecordAt, Chunk, compareSeqKeys, CONTRIBUTION_PLAN, ItemPlan, remainderAfter } from "./aggregate";
import { makeRoom } from "./containerCache";
import { contributionPrefix, contributionSortKey, encodeProducts, expiresAt, LAST_COVERED, PRODUCTS, TTL_ATTRIBUTE } from "./itemDesign";

/**
 * Per container: the last sequence key of each (region-minute, shard) chain
 * this container wrote or read. A stale entry costs one conditional check
 * (the key it points to is taken), never a wrong write; an unknown chain is
 * read with one Query.
 */
export class ChainTails {
  private readonly tails = new Map<string, string>();

  public constructor(private readonly capacity = 10_000) {}

  public get(pk: string, shard: string): string | undefined {
    return this.tails.get(`${pk}|${shard}`);
  }

  public set(pk: string, shard: string, lastSeqKey: string): void {
    const key = `${pk}|${shard}`;
    this.tails.delete(key);
    makeRoom(this.tails, this.capacity);
    this.tails.set(key, lastSeqKey);
  }

  public forget(pk: string, shard: string): void {
    this.tails.delete(`${pk}|${shard}`);
  }
}

export interface WriteContext {
  readonly client: Pick<DynamoDBClient, "send">;
  readonly table: string;
  /** Short shard id used in the contribution keys. */
  readonly shard: string;
  readonly retentionDays: number;
  readonly tails: ChainTails;
}

/** The outcome of appending one region-minute's chunks. */
export interface ItemOutcome {
  readonly plan: ItemPlan;
  /** Records (accepted indexes) whose contribution could not be applied. */
  readonly failedRecords: number[];
  /** Write capacity units reported by DynamoDB. */
  consumedWcu: number;
  /** Chunks found (fully or partly) applied already: redeliveries. */
  alreadyApplied: number;
  /** The chain's last sequence key as this invocation last saw it (written or read); undefined if never known. */
  appliedThrough?: string;
  error?: unknown;
}

/** The write of one chunk on top of `predecessor` ("" when it starts the chain). Exported for tests. */
export function buildAppend(ctx: WriteContext, plan: ItemPlan, chunk: Chunk, predecessor: string): UpdateItemCommandInput {
  return {
    TableName: ctx.table,
    Key: { pk: { S: plan.pk }, sk: { S: contributionSortKey(ctx.shard, predecessor) } },
    UpdateExpression: "SET #l = :l, #p = :p, #t = :t",
    ConditionExpression: "attribute_not_exists(pk)",
    ExpressionAttributeNames: { "#l": LAST_COVERED, "#p": PRODUCTS, "#t": TTL_ATTRIBUTE },
    ExpressionAttributeValues: {
      ":l": { S: chunk.lastSeqKey },
      ":p": { S: encodeProducts(chunk.products) },
      ":t": { N: String(expiresAt(plan.minuteStartMs, ctx.retentionDays)) },
    },
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    ReturnConsumedCapacity: "TOTAL",
  };
}

/** Appends an item's chunks in order; stops at the first failure (later chunks follow it in the chain). */
export async function applyItem(ctx: WriteContext, plan: ItemPlan, recordAt: AcceptedRecordAt): Promise<ItemOutcome> {
  const outcome: ItemOutcome = { plan, failedRecords: [], consumedWcu: 0, alreadyApplied: 0 };
  for (let c = 0; c < plan.chunks.length; c++) {
    try {
      await appendChunk(ctx, plan, plan.chunks[c], recordAt, outcome);
    } catch (err) {
      ctx.tails.forget(plan.pk, ctx.shard);
      outcome.error = err;
      for (let rest = c; rest < plan.chunks.length; rest++) outcome.failedRecords.push(...plan.chunks[rest].records);
      break;
    }
  }
  return outcome;
}

async function appendChunk(ctx: WriteContext, plan: ItemPlan, first: Chunk, recordAt: AcceptedRecordAt, outcome: ItemOutcome): Promise<void> {
  let chunk: Chunk | undefined = first;
  let tail = ctx.tails.get(plan.pk, ctx.shard);
  if (tail === undefined) {
    tail = await readTail(ctx, plan.pk);
    if (tail !== "") ctx.tails.set(plan.pk, ctx.shard, tail);
  }
  while (chunk) {
    if (tail !== "" && compareSeqKeys(chunk.firstSeqKey, tail) <= 0) {
      outcome.alreadyApplied++;
      outcome.appliedThrough = tail;
      chunk = remainderAfter(chunk, plan, recordAt, tail, CONTRIBUTION_PLAN.buckets);
      continue;
    }
    try {
      const out = await ctx.client.send(new UpdateItemCommand(buildAppend(ctx, plan, chunk, tail)));
      outcome.consumedWcu += out.ConsumedCapacity?.CapacityUnits ?? 0;
      tail = chunk.lastSeqKey;
      ctx.tails.set(plan.pk, ctx.shard, tail);
      outcome.appliedThrough = tail;
      chunk = undefined;
    } catch (err) {
      if ((err as { name?: string }).name !== "ConditionalCheckFailedException") throw err;
      // Another write (an earlier attempt at this batch) follows `tail`: step to its end and look again.
      const next = (err as { Item?: Record<string, AttributeValue> }).Item?.[LAST_COVERED]?.S ?? (await readTail(ctx, plan.pk));
      if (compareSeqKeys(next, tail) <= 0) throw new Error(`contribution chain of ${plan.pk} for shard ${ctx.shard} does not advance past ${tail}`, { cause: err });
      tail = next;
      ctx.tails.set(plan.pk, ctx.shard, tail);
    }
  }
}

/** The chain's last sequence key from DynamoDB ("" when the shard has no contribution to the region-minute). */
async function readTail(ctx: WriteContext, pk: string): Promise<string> {
  const out = await ctx.client.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :c)",
      ExpressionAttributeValues: { ":pk": { S: pk }, ":c": { S: contributionPrefix(ctx.shard) } },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
      ProjectionExpression: "#l",
      ExpressionAttributeNames: { "#l": LAST_COVERED },
    }),
  );
  return out.Items?.[0]?.[LAST_COVERED]?.S ?? "";
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}
