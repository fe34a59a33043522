/**
 * Firehose data transformation for the history: one JSON row per valid
 * transaction (snake_case columns of the Glue table, e-mail hashed), invalid
 * records `ProcessingFailed` with the rule logged and counted.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from "aws-lambda";
import { z } from "zod";
import { commaList, DEFAULT_MAX_RECORD_BYTES, HashKeyProvider, numberFromText, readEnv } from "../shared";
import { transformRecord } from "./transform";

const EnvSchema = z.object({
  SALES_REGIONS: commaList(),
  CURRENCIES: commaList(),
  EMAIL_HASH_SECRET_ARN: z.string().optional(),
  EMAIL_HASH_KEY: z.string().optional(),
  MAX_RECORD_BYTES: numberFromText({ int: true, min: 1 }).default(DEFAULT_MAX_RECORD_BYTES),
});

const env = readEnv(EnvSchema, process.env);
const regions = new Set(env.SALES_REGIONS);
const currencies = new Set(env.CURRENCIES);
const keys = new HashKeyProvider(env);
const logger = new Logger();
const metrics = new Metrics();

export const handler = async (event: FirehoseTransformationEvent, context: Context): Promise<FirehoseTransformationResult> => {
  logger.addContext(context);
  const hashKey = await keys.get();
  const ctx = { regions, currencies, maxRecordBytes: env.MAX_RECORD_BYTES, nowMs: Date.now() };
  const rejected = new Map<string, number>();
  const records = event.records.map((r) => {
    const outcome = transformRecord({ recordId: r.recordId, data: r.data, approximateArrivalTimestamp: r.approximateArrivalTimestamp }, ctx, hashKey);
    if (outcome.rule) {
      rejected.set(outcome.rule, (rejected.get(outcome.rule) ?? 0) + 1);
      logger.warn("record failed validation", { recordId: r.recordId, rule: outcome.rule, reason: outcome.message });
    }
    return outcome.output;
  });
  metrics.addMetric("HistoryRows", MetricUnit.Count, records.length - [...rejected.values()].reduce((s, n) => s + n, 0));
  for (const [rule, n] of rejected) metrics.singleMetric().addDimension("rule", rule).addMetric("HistoryRejectedRecords", MetricUnit.Count, n);
  metrics.publishStoredMetrics();
  return { records };
};
