/**
 * CloudWatch Logs: what a log group ingests (Lambda functions logging to it,
 * Glue jobs' continuous logs, Firehose delivery errors) and stores over its
 * retention.
 */
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, GB } from "../../constants";
import { at, numAt, strAt } from "../../estimators/types";
import { Amount, amount, sumAll, times, unbounded } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import { firehoseLogGroup, functionsLoggingTo } from "../refs";
import { T } from "../tokens";
import { glueJobUsage } from "./glue";
import type { Deriver } from "./types";

/** GB a month each writer sends to the log group. */
function writers(ctx: UsageContext, lg: StackResource): Amount[] {
  return [...functionWriters(ctx, lg), ...glueWriters(ctx, lg), ...firehoseWriters(ctx, lg)];
}

/** Functions logging to it explicitly (loggingConfig.logGroup) or by the default name /aws/lambda/<function>. */
function functionWriters(ctx: UsageContext, lg: StackResource): Amount[] {
  return functionsLoggingTo(ctx.graph, lg).map((fn) => times(ctx.lambda(fn).invocations, ASSUMPTIONS.logBytesPerInvocation / GB));
}

/**
 * Glue jobs' logs: bytes per minute of run time. Glue 4 names one group
 * (`--continuous-log-logGroup`); Glue 5.0 writes to `<--custom-logGroup-prefix>/error`
 * (system, Spark and GlueLogger logs: the assumed volume) and `/output` (the
 * script's stdout: none expected from our scripts, bounded by the same rate).
 */
function glueWriters(ctx: UsageContext, lg: StackResource): Amount[] {
  const out: Amount[] = [];
  const name = strAt(lg.inputs, "name") ?? strAt(lg.outputs, "name");
  const glue4 = new Set(ctx.graph.linking(T.glueJob, "defaultArguments.--continuous-log-logGroup", (x) => [at(x.inputs, "defaultArguments.--continuous-log-logGroup")], lg));
  for (const job of ctx.graph.ofType(T.glueJob)) {
    const prefix = strAt(job.inputs, "defaultArguments.--custom-logGroup-prefix");
    const share = prefix !== undefined && name === `${prefix}/error` ? 1 : prefix !== undefined && name === `${prefix}/output` ? 0 : undefined;
    if (share === undefined && !glue4.has(job)) continue;
    const d = toDerived(glueJobUsage(ctx, job));
    const hours = d.expected.monthly_hours ?? 0;
    const ceilingHours = "usage" in d.ceiling ? (d.ceiling.usage.monthly_hours ?? hours) : null;
    const perHour = (ASSUMPTIONS.glueLogBytesPerMinute * 60) / GB;
    out.push(amount(hours * perHour * (share ?? 1), ceilingHours === null ? null : ceilingHours * perHour, "its Glue job has no bound"));
  }
  return out;
}

/** Firehose delivery errors: logged per failed delivery (one per buffer flush at most); none expected. */
function firehoseWriters(ctx: UsageContext, lg: StackResource): Amount[] {
  const out: Amount[] = [];
  for (const h of ctx.graph.linking(T.firehose, "cloudwatchLoggingOptions.logGroupName", (x) => [firehoseLogGroup(x)], lg)) {
    const flushes = ctx.firehoseObjects(h);
    out.push(amount(0, flushes.c === null ? null : (flushes.c * ASSUMPTIONS.logBytesPerDeliveryError) / GB, flushes.why));
  }
  return out;
}

export const logGroup: Deriver = {
  derive(lg, ctx) {
    const ws = writers(ctx, lg);
    const ingest = ws.length > 0 ? sumAll(ws) : unbounded(0, "no writer in the stack bounds its ingestion");
    const retention = numAt(lg.inputs, "retentionInDays") ?? 0;
    const storage =
      retention > 0
        ? times(ingest, retention / DAYS_PER_MONTH)
        : unbounded(ingest.e * ASSUMPTIONS.accumulationMonthsWhenNoExpiry, "logs never expire (no retentionInDays)");
    return toDerived({ monthly_data_ingested_gb: ingest, storage_gb: storage });
  },
};
