/** Shared test helpers: fixtures (cloned per test), configs and record factories. */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MAX_RECORD_BYTES } from "../../functions/shared";
import { ProcessorConfig, processorConfigFromVariables, processorVariables } from "../../functions/stream-processor/config";
import type { StreamRecord } from "../../functions/stream-processor/processor";

export function fixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "events", name), "utf8")) as T;
}

export const REGIONS = ["EMEA", "NA", "LATAM", "APAC"] as const;
export const CURRENCIES = ["EUR", "USD", "GBP", "CAD", "CHF"] as const;
export const HASH_KEY = "test-email-hash-key-0123456789";

export const validationContext = (nowMs = Date.parse("2026-11-28T18:01:00Z")) => ({
  regions: new Set<string>(REGIONS),
  currencies: new Set<string>(CURRENCIES),
  maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
  nowMs,
});

/** The processor's config as the component's variables give it (the schema's defaults included), with `overrides`. */
export function processorConfig(overrides: Partial<ProcessorConfig> = {}): ProcessorConfig {
  const variables = processorVariables(
    { table: "aggregates", quarantineBucket: "quarantine", spikeBusName: "spikes", serviceName: "test", metricsNamespace: "test" },
    { salesRegions: REGIONS, currencies: CURRENCIES, spikes: { ratio: 3, minUnits: 20, baselineMinutes: 15, maxAlertsPerMinute: 20 }, hotRetentionDays: 2, dedupCacheSize: 1000 },
  );
  return { ...processorConfigFromVariables(variables), ...overrides };
}

/** A stream record at position `seq` of `shard`. */
export function streamRecord(payload: unknown, seq: number | string, shard = "shardId-000000000000", arrivalMs = Date.parse("2026-11-28T18:00:30Z")): StreamRecord {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
  return { shardId: shard, sequenceNumber: typeof seq === "number" ? String(49_000_000_000 + seq) : seq, partitionKey: "pk", arrivalMs, data };
}

/** The aggregates of the export format, computed without any of the processor's code (first occurrence of each transactionId). */
export function groundTruth(txs: readonly { transactionId: string; occurredAt: string; region: string; items: { productId: string; unitPrice: number; quantity: number }[] }[]) {
  const acc = new Map<string, { units: number; revenue: number; orders: Set<string> }>();
  const seen = new Set<string>();
  for (const tx of txs) {
    if (seen.has(tx.transactionId)) continue;
    seen.add(tx.transactionId);
    const minute = new Date(Math.floor(Date.parse(tx.occurredAt) / 60_000) * 60_000).toISOString().slice(0, 16);
    for (const item of tx.items) {
      const key = `${minute}|${tx.region}|${item.productId}`;
      const a = acc.get(key) ?? { units: 0, revenue: 0, orders: new Set<string>() };
      a.units += item.quantity;
      a.revenue += item.unitPrice * item.quantity;
      a.orders.add(tx.transactionId);
      acc.set(key, a);
    }
  }
  return [...acc.entries()]
    .map(([key, a]) => {
      const [minute, region, productId] = key.split("|") as [string, string, string];
      return { minute, productId, region, units: a.units, revenue: Math.round(a.revenue * 100) / 100, orders: a.orders.size };
    })
    .sort((a, b) => a.minute.localeCompare(b.minute) || a.region.localeCompare(b.region) || a.productId.localeCompare(b.productId));
}
