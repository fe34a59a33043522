/** The stream processor's environment, read once at cold start. */
import { z } from "zod";
import { commaList, DEFAULT_DEDUP_CACHE_SIZE, DEFAULT_MAX_RECORD_BYTES, DEFAULT_PRODUCT_BUCKETS, numberFromText, readEnv, requiredString } from "../shared";

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
  PRODUCT_BUCKETS: numberFromText({ int: true, min: 1 }).default(DEFAULT_PRODUCT_BUCKETS),
  /** Transaction ids remembered per container for cross-batch de-duplication (0 turns it off). */
  DEDUP_CACHE_SIZE: numberFromText({ int: true, min: 0 }).default(DEFAULT_DEDUP_CACHE_SIZE),
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

/** The environment-dependent contract and tuning the component passes to the processor. */
export interface ProcessorContract {
  readonly salesRegions: readonly string[];
  readonly currencies: readonly string[];
  readonly spikes: { readonly ratio: number; readonly minUnits: number; readonly baselineMinutes: number; readonly maxAlertsPerMinute: number };
  readonly hotRetentionDays: number;
  /** Optional tuning; absent means the schema's default (MAX_RECORD_BYTES, PRODUCT_BUCKETS, DEDUP_CACHE_SIZE). */
  readonly maxRecordBytes?: number;
  readonly productBuckets?: number;
  readonly dedupCacheSize?: number;
}

/** Where the processor writes: resource names (strings at run time, Pulumi outputs in the component). */
export interface ProcessorResources<T = string> {
  readonly table: T;
  readonly quarantineBucket: T;
  readonly spikeBusName: T;
  readonly serviceName: T;
  readonly metricsNamespace: T;
  readonly emailHashSecretArn?: T;
  /** Local runs and tests only: the e-mail hash key itself. */
  readonly emailHashKey?: string;
}

/**
 * The environment variables the processor reads, as the infrastructure
 * component sets them. Every runner (Lambda, `platform local`, benchmarks,
 * tests) builds its config from these through {@link processorConfigFromVariables},
 * so the defaults live once, in {@link ProcessorEnvSchema}.
 */
export function processorVariables<T>(resources: ProcessorResources<T>, contract: ProcessorContract): Record<string, T | string> {
  const optional = (name: string, value: number | string | T | undefined) => (value === undefined ? {} : { [name]: typeof value === "number" ? String(value) : value });
  return {
    AGGREGATES_TABLE: resources.table,
    QUARANTINE_BUCKET: resources.quarantineBucket,
    QUARANTINE_PREFIX: "quarantine/",
    SPIKE_BUS_NAME: resources.spikeBusName,
    SALES_REGIONS: contract.salesRegions.join(","),
    CURRENCIES: contract.currencies.join(","),
    SPIKE_RATIO: String(contract.spikes.ratio),
    SPIKE_MIN_UNITS: String(contract.spikes.minUnits),
    SPIKE_BASELINE_MINUTES: String(contract.spikes.baselineMinutes),
    SPIKE_MAX_ALERTS_PER_MINUTE: String(contract.spikes.maxAlertsPerMinute),
    HOT_RETENTION_DAYS: String(contract.hotRetentionDays),
    ...optional("EMAIL_HASH_SECRET_ARN", resources.emailHashSecretArn),
    ...optional("EMAIL_HASH_KEY", resources.emailHashKey),
    ...optional("MAX_RECORD_BYTES", contract.maxRecordBytes),
    ...optional("PRODUCT_BUCKETS", contract.productBuckets),
    ...optional("DEDUP_CACHE_SIZE", contract.dedupCacheSize),
    POWERTOOLS_SERVICE_NAME: resources.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: resources.metricsNamespace,
  };
}

/** The one config builder: the processor's variables, validated, as the core's config. */
export function processorConfigFromVariables(variables: Readonly<Record<string, string | undefined>>): ProcessorConfig {
  return toProcessorConfig(loadProcessorEnv(variables));
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
