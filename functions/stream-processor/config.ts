/** The stream processor's environment, read once at cold start. */
import { z } from "zod";
import { commaList, DEFAULT_MAX_RECORD_BYTES, numberFromText, readEnv, requiredString } from "../shared";

export const ProcessorEnvSchema = z.object({
  AGGREGATES_TABLE: requiredString(),
  QUARANTINE_BUCKET: requiredString(),
  QUARANTINE_PREFIX: z.string().default("quarantine/"),
  SPIKE_BUS_NAME: requiredString(),
  SALES_REGIONS: commaList(),
  CURRENCIES: commaList(),
  SPIKE_RATIO: numberFromText({ gt: 1 }),
  SPIKE_MIN_UNITS: numberFromText({ int: true, min: 1 }),
  SPIKE_BASELINE_MINUTES: numberFromText({ int: true, min: 1 }),
  /** Spike alerts per minute for the whole stack (platform:spikes.maxAlertsPerMinute); further spikes are counted as suppressed. */
  SPIKE_MAX_ALERTS_PER_MINUTE: numberFromText({ int: true, min: 1 }).default(20),
  HOT_RETENTION_DAYS: numberFromText({ int: true, min: 1 }),
  EMAIL_HASH_SECRET_ARN: z.string().optional(),
  EMAIL_HASH_KEY: z.string().optional(),
  MAX_RECORD_BYTES: numberFromText({ int: true, min: 1 }).default(DEFAULT_MAX_RECORD_BYTES),
  /** Product buckets per region and minute (items per region-minute). Tuned by the WRU benchmark. */
  PRODUCT_BUCKETS: numberFromText({ int: true, min: 1 }).default(16),
  /** Transaction ids remembered per container for cross-batch de-duplication (0 turns it off). */
  DEDUP_CACHE_SIZE: numberFromText({ int: true, min: 0 }).default(100_000),
  POWERTOOLS_SERVICE_NAME: requiredString(),
  POWERTOOLS_METRICS_NAMESPACE: requiredString(),
});

export type ProcessorEnv = z.output<typeof ProcessorEnvSchema>;

/** What the core needs, independent of where it came from. */
export interface ProcessorConfig {
  readonly table: string;
  readonly quarantineBucket: string;
  readonly quarantinePrefix: string;
  readonly spikeBusName: string;
  readonly regions: ReadonlySet<string>;
  readonly currencies: ReadonlySet<string>;
  readonly spikes: { readonly ratio: number; readonly minUnits: number; readonly baselineMinutes: number; readonly maxAlertsPerMinute: number };
  readonly hotRetentionDays: number;
  readonly maxRecordBytes: number;
  readonly productBuckets: number;
  readonly dedupCacheSize: number;
}

export function loadProcessorEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined>): ProcessorEnv {
  return readEnv(ProcessorEnvSchema, env);
}

export function toProcessorConfig(env: ProcessorEnv): ProcessorConfig {
  return {
    table: env.AGGREGATES_TABLE,
    quarantineBucket: env.QUARANTINE_BUCKET,
    quarantinePrefix: env.QUARANTINE_PREFIX,
    spikeBusName: env.SPIKE_BUS_NAME,
    regions: new Set(env.SALES_REGIONS),
    currencies: new Set(env.CURRENCIES),
    spikes: { ratio: env.SPIKE_RATIO, minUnits: env.SPIKE_MIN_UNITS, baselineMinutes: env.SPIKE_BASELINE_MINUTES, maxAlertsPerMinute: env.SPIKE_MAX_ALERTS_PER_MINUTE },
    hotRetentionDays: env.HOT_RETENTION_DAYS,
    maxRecordBytes: env.MAX_RECORD_BYTES,
    productBuckets: env.PRODUCT_BUCKETS,
    dedupCacheSize: env.DEDUP_CACHE_SIZE,
  };
}
