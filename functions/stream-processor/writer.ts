/**
 * Applies planned chunks to DynamoDB exactly once per shard position:
 * each UpdateItem is conditional on the item's high-water mark for the shard
 * being below the chunk's first record, and raises it to the chunk's last.
 */
import {
  AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { AcceptedRecord, Chunk, ItemPlan, remainderAfter } from "./aggregate";
import { expiresAt, HIGH_WATER, ORDERS, REVENUE, TTL_ATTRIBUTE, UNITS } from "./itemDesign";

export interface WriteContext {
  readonly client: Pick<DynamoDBClient, "send">;
  readonly table: string;
  /** Short shard id used in the high-water attribute name. */
  readonly shard: string;
  readonly retentionDays: number;
  readonly buckets: number;
}

/** The outcome of applying one item's chunks. */
export interface ItemOutcome {
  readonly plan: ItemPlan;
  /** Units per product after the last successful update of this invocation (from UPDATED_NEW). */
  readonly unitsAfter: Map<string, number>;
  /** Records (accepted indexes) whose contribution to this item could not be applied. */
  readonly failedRecords: number[];
  /** Write capacity units reported by DynamoDB. */
  consumedWcu: number;
  /** Chunks found (fully or partly) applied already: redeliveries. */
  alreadyApplied: number;
  /** The item's high-water mark for the shard as this invocation last saw it (written or read); undefined if never known. */
  appliedThrough?: string;
  error?: unknown;
}

/** The UpdateItem request for one chunk. Exported for tests and the expression-size check. */
export function buildUpdate(ctx: WriteContext, plan: ItemPlan, chunk: Chunk): UpdateItemCommandInput {
  const names: Record<string, string> = { "#h": `${HIGH_WATER}${ctx.shard}`, "#t": TTL_ATTRIBUTE };
  const values: Record<string, AttributeValue> = {
    ":f": { S: chunk.firstSeqKey },
    ":l": { S: chunk.lastSeqKey },
    ":t": { N: String(expiresAt(plan.minuteStartMs, ctx.retentionDays)) },
  };
  const adds: string[] = [];
  let i = 0;
  for (const [productId, c] of chunk.products) {
    const id = (i++).toString(36);
    names[`#u${id}`] = `${UNITS}${productId}`;
    names[`#r${id}`] = `${REVENUE}${productId}`;
    names[`#o${id}`] = `${ORDERS}${productId}`;
    values[`:u${id}`] = { N: String(c.units) };
    values[`:r${id}`] = { N: String(c.revenueCents) };
    values[`:o${id}`] = { N: String(c.orders) };
    adds.push(`#u${id} :u${id}, #r${id} :r${id}, #o${id} :o${id}`);
  }
  return {
    TableName: ctx.table,
    Key: { pk: { S: plan.pk }, sk: { S: plan.sk } },
    UpdateExpression: `SET #h = :l, #t = :t ADD ${adds.join(", ")}`,
    ConditionExpression: "attribute_not_exists(#h) OR #h < :f",
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: "UPDATED_NEW",
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    ReturnConsumedCapacity: "TOTAL",
  };
}

/** Applies an item's chunks in order; stops at the first failure (later chunks depend on it). */
export async function applyItem(ctx: WriteContext, plan: ItemPlan, accepted: readonly AcceptedRecord[]): Promise<ItemOutcome> {
  const outcome: ItemOutcome = { plan, unitsAfter: new Map(), failedRecords: [], consumedWcu: 0, alreadyApplied: 0 };
  for (let c = 0; c < plan.chunks.length; c++) {
    let chunk: Chunk | undefined = plan.chunks[c];
    try {
      while (chunk) {
        try {
          const out = await ctx.client.send(new UpdateItemCommand(buildUpdate(ctx, plan, chunk)));
          outcome.consumedWcu += out.ConsumedCapacity?.CapacityUnits ?? 0;
          outcome.appliedThrough = chunk.lastSeqKey;
          for (const [name, value] of Object.entries(out.Attributes ?? {})) {
            if (name.startsWith(UNITS) && value.N !== undefined) outcome.unitsAfter.set(name.slice(UNITS.length), Number(value.N));
          }
          chunk = undefined;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException) && (err as { name?: string }).name !== "ConditionalCheckFailedException") throw err;
          outcome.alreadyApplied++;
          const highWater = await readHighWater(ctx, plan, (err as { Item?: Record<string, AttributeValue> }).Item);
          if (highWater === undefined) throw new Error(`conditional update of ${plan.pk}/${plan.sk} failed but no high-water mark is stored`, { cause: err });
          outcome.appliedThrough = highWater;
          chunk = remainderAfter(chunk as Chunk, plan, accepted, highWater, ctx.buckets);
        }
      }
    } catch (err) {
      outcome.error = err;
      for (let rest = c; rest < plan.chunks.length; rest++) outcome.failedRecords.push(...plan.chunks[rest].records);
      break;
    }
  }
  return outcome;
}

/** The stored mark: from ALL_OLD when DynamoDB returned it, else a consistent read. */
async function readHighWater(ctx: WriteContext, plan: ItemPlan, old: Record<string, AttributeValue> | undefined): Promise<string | undefined> {
  const attribute = `${HIGH_WATER}${ctx.shard}`;
  if (old?.[attribute]?.S !== undefined) return old[attribute].S;
  const got = await ctx.client.send(
    new GetItemCommand({
      TableName: ctx.table,
      Key: { pk: { S: plan.pk }, sk: { S: plan.sk } },
      ConsistentRead: true,
      ProjectionExpression: "#h",
      ExpressionAttributeNames: { "#h": attribute },
    }),
  );
  return got.Item?.[attribute]?.S;
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
