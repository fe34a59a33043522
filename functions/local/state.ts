/**
 * What `platform local` reads back from the emulators at the end of a run:
 * the aggregates table and the quarantine, and the `--export` document.
 */
import { AttributeValue, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { readObjects } from "../replay/objects";
import { RejectionRule } from "../shared";
import { MinuteItem, minuteProducts } from "../stream-processor/itemDesign";
import { ALERT_COUNTER_PREFIX } from "../stream-processor/spikes";
import { countByRule, QuarantineDocument, readQuarantine } from "../stream-processor/quarantine";

/** The `--export` document: processed = valid + the rejected counts; duplicates are among the valid. */
export interface LocalExport {
  /** Every record of the input: those the producer refused and those the processor saw. */
  processed: number;
  /** Records that passed validation, producer duplicates included. */
  valid: number;
  /** Valid records repeating a transactionId already counted: dropped from the aggregates. */
  duplicates: number;
  /** By rule; `oversized` includes the records the producer refused. */
  rejected: Partial<Record<RejectionRule, number>>;
  /** Records the producer refused, over Kinesis's maximum record size (1 MiB): they never reached the stream or the quarantine. */
  refusedByProducer: number;
  aggregates: { minute: string; productId: string; region: string; units: number; revenue: number; orders: number }[];
}

/**
 * The final state: aggregates scanned from DynamoDB; counts from each record's
 * outcome (by shard and sequence number, so redeliveries count once) and the
 * records the producer refused for their size.
 */
export async function exportState(
  dynamo: Pick<DynamoDBClient, "send">,
  table: string,
  outcomes: ReadonlyMap<string, RejectionRule | "valid" | "duplicate">,
  refusedOversized = 0,
): Promise<LocalExport> {
  const rejected: Partial<Record<RejectionRule, number>> = refusedOversized > 0 ? { oversized: refusedOversized } : {};
  let valid = 0;
  let duplicates = 0;
  for (const status of outcomes.values()) {
    if (status === "valid" || status === "duplicate") valid++;
    if (status === "duplicate") duplicates++;
    else if (status !== "valid") rejected[status] = (rejected[status] ?? 0) + 1;
  }
  const aggregates = await scanAggregates(dynamo, table);
  return { processed: outcomes.size + refusedOversized, valid, duplicates, rejected: sortKeys(rejected), refusedByProducer: refusedOversized, aggregates };
}

/** Every product figure in the table (itemDesign.ts's minuteProducts per region-minute), sorted by minute, region, product. */
export async function scanAggregates(dynamo: Pick<DynamoDBClient, "send">, table: string): Promise<LocalExport["aggregates"]> {
  const byMinute = new Map<string, MinuteItem[]>();
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S;
      if (pk === undefined || pk.startsWith(ALERT_COUNTER_PREFIX)) continue;
      const attributes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(item)) attributes[k] = v.N ?? v.S;
      const list = byMinute.get(pk) ?? [];
      list.push({ sk: item.sk.S!, attributes });
      byMinute.set(pk, list);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const out: LocalExport["aggregates"] = [];
  for (const [pk, items] of byMinute) {
    const [region, minute] = pk.split("#") as [string, string];
    for (const p of minuteProducts(items)) out.push({ minute, productId: p.productId, region, units: p.units, revenue: p.revenueCents / 100, orders: p.orders });
  }
  return out.sort((a, b) => a.minute.localeCompare(b.minute) || a.region.localeCompare(b.region) || a.productId.localeCompare(b.productId));
}

/**
 * The quarantined records under `prefix`, de-duplicated on (shardId,
 * sequenceNumber): every NDJSON object is read, overlapping objects written by
 * bisected or partial redeliveries hold some records twice.
 */
export async function readQuarantined(s3: Pick<S3Client, "send">, bucket: string, prefix = "quarantine/"): Promise<QuarantineDocument[]> {
  return readQuarantine((await readObjects(s3, bucket, prefix)).map((o) => o.body));
}

/** Quarantined records by rule, counted once per (shardId, sequenceNumber). */
export async function countQuarantined(s3: Pick<S3Client, "send">, bucket: string, prefix = "quarantine/"): Promise<Partial<Record<string, number>>> {
  return countByRule(await readQuarantined(s3, bucket, prefix));
}

function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) as T;
}
