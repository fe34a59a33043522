/**
 * AWS Lambda: what reaches a function in a month (Kinesis event source
 * mappings, Firehose data transformation, schedules, SNS subscriptions, S3
 * notifications, an upload gate's API), its billed duration, its ceiling (reserved concurrency all
 * month) and its custom metrics.
 */
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, MB, SECONDS_PER_MONTH } from "../../constants";
import { at, numAt, strAt } from "../../estimators/types";
import { Amount, ZERO, amount, fixed, sumAll, times, unbounded } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { LambdaFlow, StreamSource, UsageContext } from "../context";
import { toDerived } from "../derived";
import { isUploadGate } from "../gates";
import { T } from "../tokens";
import type { Deriver } from "./types";

/** One source's share of a function's month: invocations, records, record size (0: not a batch source). */
interface FlowPart {
  readonly invocations: Amount;
  readonly records: Amount;
  readonly recordBytes: number;
}

/** Records in one batch when a poller receives `perPollerRps`: min(batch size, rate x window), at least 1. */
export function recordsPerBatch(perPollerRps: number, batchSize: number, windowSeconds: number): number {
  return perPollerRps <= 0 ? 0 : Math.max(1, Math.min(batchSize, perPollerRps * windowSeconds));
}

export function lambdaFlow(ctx: UsageContext, fn: StackResource): LambdaFlow {
  const streamSources: StreamSource[] = [];
  const parts = [...streamParts(ctx, fn, streamSources), ...firehoseParts(ctx, fn), ...triggerParts(ctx, fn)];
  const invocations = sumAll(parts.map((p) => p.invocations));
  const records = sumAll(parts.map((p) => p.records));
  const batch = parts.some((p) => p.recordBytes > 0);
  const recordBytes = batch ? Math.max(...parts.map((p) => p.recordBytes)) : 0;
  const timeoutMs = (numAt(fn.inputs, "timeout") ?? ASSUMPTIONS.lambdaDefaultTimeoutSeconds) * 1000;
  const perInvocation = invocations.e > 0 ? records.e / invocations.e : 0;
  const durationMs = Math.min(timeoutMs, batch ? ASSUMPTIONS.batchBaseMs + ASSUMPTIONS.batchMsPerRecord * perInvocation : ASSUMPTIONS.defaultDurationMs);
  // Ceiling: reserved concurrency running all month.
  const reserved = numAt(fn.inputs, "reservedConcurrentExecutions");
  const ceilingInvocations =
    reserved === undefined || reserved < 0
      ? unbounded(invocations.e, "no reservedConcurrentExecutions")
      : amount(invocations.e, (reserved * SECONDS_PER_MONTH * 1000) / durationMs);
  return { invocations: ceilingInvocations, records, recordBytes, durationMs, batch, streamSources };
}

/** Kinesis event source mappings: each poller (shard x parallelization) invokes per full batch or per window. */
function streamParts(ctx: UsageContext, fn: StackResource, sources: StreamSource[]): FlowPart[] {
  const g = ctx.graph;
  const parts: FlowPart[] = [];
  for (const m of g.linking(T.esm, "functionName", (x) => [x.inputs.functionName], fn)) {
    const s = g.resolveFrom(m, m.inputs.eventSourceArn, T.stream);
    if (!s) continue;
    const flow = ctx.stream(s);
    const pollers = flow.shards * (numAt(m.inputs, "parallelizationFactor") ?? 1);
    const batch = numAt(m.inputs, "batchSize") ?? 100;
    const window = numAt(m.inputs, "maximumBatchingWindowInSeconds") ?? 0;
    const perPoller = flow.recordsPerSec.e / pollers;
    const invPerSec = perPoller <= 0 ? 0 : pollers * Math.min(perPoller, Math.max(1 / (window > 0 ? window : ASSUMPTIONS.pollIntervalSeconds), perPoller / batch));
    sources.push({
      pollers,
      batchSize: batch,
      windowSeconds: window > 0 ? window : ASSUMPTIONS.pollIntervalSeconds,
      recordBytes: flow.recordBytes,
      ceilingRecordsPerPollerSec: flow.recordsPerSec.c === null ? null : flow.recordsPerSec.c / pollers,
    });
    parts.push({ invocations: fixed(invPerSec * SECONDS_PER_MONTH), records: times(flow.recordsPerSec, SECONDS_PER_MONTH), recordBytes: flow.recordBytes });
  }
  return parts;
}

type FirehoseProcessor = Record<string, unknown>;

function processorsOf(h: StackResource): FirehoseProcessor[] {
  const processors = at(h.inputs, "extendedS3Configuration.processingConfiguration.processors") ?? at(h.inputs, "redshiftConfiguration.processingConfiguration.processors");
  return Array.isArray(processors) ? (processors as FirehoseProcessor[]) : [];
}

function paramOf(p: FirehoseProcessor, name: string): string | undefined {
  const params = Array.isArray(p.parameters) ? (p.parameters as { parameterName?: string; parameterValue?: string }[]) : [];
  return params.find((x) => x.parameterName === name)?.parameterValue;
}

/** Firehose data transformation: one invocation per processor buffer (size or interval, whichever first). */
function firehoseParts(ctx: UsageContext, fn: StackResource): FlowPart[] {
  const parts: FlowPart[] = [];
  for (const h of ctx.graph.linking(T.firehose, "processors.LambdaArn", (x) => processorsOf(x).map((p) => paramOf(p, "LambdaArn")), fn)) {
    for (const p of processorsOf(h)) {
      const param = (n: string) => paramOf(p, n);
      if (!ctx.graph.links(h, param("LambdaArn"), fn)) continue;
      const src = ctx.firehoseSource(h);
      const bufferBytes = Number(param("BufferSizeInMBs") ?? 1) * MB;
      const interval = Number(param("BufferIntervalInSeconds") ?? 60);
      const bytesPerSec = (src.recordsPerSec.e * src.recordBytes) || 0;
      const invPerSec = bytesPerSec <= 0 ? 0 : Math.max(bytesPerSec / bufferBytes, 1 / interval);
      parts.push({ invocations: fixed(invPerSec * SECONDS_PER_MONTH), records: times(src.recordsPerSec, SECONDS_PER_MONTH), recordBytes: src.recordBytes });
    }
  }
  return parts;
}

/** Schedules, rule targets, SNS subscriptions (one invocation per publish), bucket notifications (one per batch file). */
function triggerParts(ctx: UsageContext, fn: StackResource): FlowPart[] {
  const g = ctx.graph;
  const parts: FlowPart[] = [];
  const scheduled = ctx.scheduledRuns(fn);
  if (scheduled > 0) parts.push({ invocations: fixed(scheduled), records: ZERO, recordBytes: 0 });
  // An upload gate: one request per batch file its API receives (the ceiling stays its reserved concurrency).
  if (isUploadGate(fn)) parts.push({ invocations: fixed((ctx.workload?.batchFilesPerDay ?? 0) * DAYS_PER_MONTH), records: ZERO, recordBytes: 0 });
  for (const sub of g.linking(T.subscription, "endpoint", (x) => [x.inputs.endpoint], fn).filter((x) => strAt(x.inputs, "protocol") === "lambda")) {
    const topic = g.resolveFrom(sub, sub.inputs.topic, T.topic);
    if (topic) parts.push({ invocations: ctx.topicPublishes(topic), records: ZERO, recordBytes: 0 });
  }
  const notificationFunctions = (n: StackResource) => {
    const fns = at(n.inputs, "lambdaFunctions");
    return Array.isArray(fns) ? fns.map((x) => (x as Record<string, unknown>).lambdaFunctionArn) : [];
  };
  for (const n of g.linking(T.notification, "lambdaFunctions.lambdaFunctionArn", notificationFunctions, fn)) {
    const fns = at(n.inputs, "lambdaFunctions");
    if (Array.isArray(fns) && fns.some((x) => g.links(n, (x as Record<string, unknown>).lambdaFunctionArn, fn))) {
      const files = (ctx.workload?.batchFilesPerDay ?? 0) * DAYS_PER_MONTH;
      parts.push({ invocations: fixed(files), records: ZERO, recordBytes: 0 });
    }
  }
  return parts;
}

export const lambdaFunction: Deriver = {
  derive(fn, ctx) {
    const f = ctx.lambda(fn);
    const metrics = at(fn.inputs, "environment.variables.POWERTOOLS_METRICS_NAMESPACE") !== undefined ? ASSUMPTIONS.customMetricsPerFunction : 0;
    return toDerived({ monthly_requests: f.invocations, request_duration_ms: fixed(f.durationMs), ...(metrics > 0 ? { custom_metrics: fixed(metrics) } : {}) });
  },
};
