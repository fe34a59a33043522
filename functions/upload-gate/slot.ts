/**
 * The upload gate's hard bound: one atomic counter per UTC day in DynamoDB.
 * A slot is taken with a conditional update (`n < max`), so two concurrent
 * requests for the last slot cannot both win: DynamoDB applies conditional
 * writes to one item one at a time, and the loser gets
 * ConditionalCheckFailedException.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";

/** Days a counter item is kept after its day ends (TTL), so yesterday's count stays readable. */
const KEEP_DAYS = 2;

/** Epoch seconds at which the counter of `day` may expire (TTL). Pure. */
export function counterExpiry(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + (1 + KEEP_DAYS) * 86_400;
}

/**
 * Takes one of the day's `maxPerDay` slots: the slot number (1..max), or
 * undefined when the day's slots are all taken.
 */
export async function takeDailySlot(ddb: DynamoDBClient, table: string, day: string, maxPerDay: number): Promise<number | undefined> {
  try {
    const out = await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { day: { S: day } },
        UpdateExpression: "ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)",
        ConditionExpression: "attribute_not_exists(#n) OR #n < :max",
        ExpressionAttributeNames: { "#n": "n", "#ttl": "expiresAt" },
        ExpressionAttributeValues: { ":one": { N: "1" }, ":max": { N: String(maxPerDay) }, ":ttl": { N: String(counterExpiry(day)) } },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(out.Attributes?.n?.N ?? Number.NaN);
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}
