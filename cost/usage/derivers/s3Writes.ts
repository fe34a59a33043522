/**
 * What lands in a bucket, prefix by prefix: Firehose deliveries, objects and
 * quarantine written by functions, batch files from outside the stack, Glue
 * job outputs, Athena query results, and the server access logs of the
 * buckets that log to it. Read by the S3 deriver (s3.ts).
 */
import { S3_PUT_REQUESTS_PER_SECOND_PER_PREFIX } from "../../../model/awsLimits";
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, MB, SECONDS_PER_MONTH } from "../../constants";
import { hasFormatConversion } from "../../estimators/firehose";
import { at, numAt, strAt } from "../../estimators/types";
import { Amount, amount, plus, times, unbounded, ZERO } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { LambdaFlow, UsageContext } from "../context";
import { quarantineLineBytes } from "../processor";
import { allGates, gatedBytes, gatedFiles, gatesOf, isUploadGate, UploadGateBound } from "../gates";
import { jobWritesTo } from "../glueWrites";
import { EnvWriter, envWriters, firehoseBucketArn } from "../refs";
import { T } from "../tokens";

/** Bytes and objects landing under one S3 prefix. */
export interface S3Write {
  readonly prefix: string;
  readonly bytes: Amount;
  readonly objects: Amount;
  readonly what: string;
}

const OUTSIDE = "files uploaded from outside the stack have no bound";
const UNGATED = "a landing zone without an upload gate receives files from outside the stack, which have no bound";

export function bucketWrites(ctx: UsageContext, b: StackResource): S3Write[] {
  return [...dataWrites(ctx, b), ...accessLogs(ctx, b)];
}

/** Everything but access logs: what the stack's services and the workload write. */
function dataWrites(ctx: UsageContext, b: StackResource): S3Write[] {
  return [...firehoseDeliveries(ctx, b), ...functionWrites(ctx, b), ...landingFiles(ctx, b), ...glueOutputs(ctx, b), ...athenaResults(ctx, b)];
}

/**
 * Server access logs of the buckets logging to this one: one record per request to the source
 * (its PUTs as the writers above count them; reads are modelled for no bucket). S3 delivers them
 * free of request charges, so they add storage only, no requests.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
 */
function accessLogs(ctx: UsageContext, b: StackResource): S3Write[] {
  const writes: S3Write[] = [];
  for (const logging of ctx.graph.linking(T.bucketLogging, "targetBucket", (x) => [x.inputs.targetBucket], b)) {
    const source = ctx.graph.resolveFrom(logging, logging.inputs.bucket, ...T.buckets);
    if (!source || source.urn === b.urn) continue;
    const requests = dataWrites(ctx, source).reduce((sum, w) => plus(sum, w.objects), ZERO);
    const prefix = typeof logging.inputs.targetPrefix === "string" ? logging.inputs.targetPrefix : "";
    writes.push({ prefix, bytes: times(requests, ASSUMPTIONS.accessLogRecordBytes), objects: ZERO, what: `access logs of ${source.name}` });
  }
  return writes;
}

/** The fixed part of an S3 prefix template (before the first `!{` expression). */
function staticPrefix(p: string): string {
  const i = p.indexOf("!{");
  return i >= 0 ? p.slice(0, i) : p;
}

/** The key prefix of an s3:// URL. */
function keyPrefix(url: string): string {
  return url.replace(/^s3:\/\/[^/]+\/?/, "");
}

function firehoseDeliveries(ctx: UsageContext, b: StackResource): S3Write[] {
  const writes: S3Write[] = [];
  for (const h of ctx.graph.linking(T.firehose, "bucketArn", (x) => [firehoseBucketArn(x)], b)) {
    const src = ctx.firehoseSource(h);
    const compressed = hasFormatConversion(h.inputs) || !["UNCOMPRESSED", undefined].includes(strAt(h.inputs, "extendedS3Configuration.compressionFormat"));
    const ratio = compressed ? ASSUMPTIONS.compressedRatio : 1;
    writes.push({
      prefix: staticPrefix(strAt(h.inputs, "extendedS3Configuration.prefix") ?? strAt(h.inputs, "redshiftConfiguration.s3Configuration.prefix") ?? strAt(h.inputs, "s3Configuration.prefix") ?? ""),
      bytes: times(src.recordsPerSec, SECONDS_PER_MONTH * src.recordBytes * ratio),
      objects: ctx.firehoseObjects(h),
      what: `delivery from ${h.name}`,
    });
  }
  return writes;
}

/** Functions naming the bucket in <STEM>_BUCKET: quarantine for batch consumers, one object per invocation otherwise. */
function functionWrites(ctx: UsageContext, b: StackResource): S3Write[] {
  // An upload gate's objects are the landing files (landingFiles), not its own writes.
  return envWriters(ctx.graph, b).filter((w) => !isUploadGate(w.fn)).map((writer) => {
    const stem = writer.variable.replace(/_(BUCKET|BUCKET_NAME)$/, "");
    const prefix = typeof writer.vars[`${stem}_PREFIX`] === "string" ? (writer.vars[`${stem}_PREFIX`] as string) : "";
    const f = ctx.lambda(writer.fn);
    return f.batch
      ? quarantine(writer, f, prefix)
      : { prefix, bytes: times(f.invocations, ASSUMPTIONS.resultObjectBytes), objects: f.invocations, what: `objects written by ${writer.fn.name}` };
  });
}

/**
 * A validating consumer sets rejected records aside as ONE NDJSON object per invocation that has
 * any (functions/stream-processor/quarantine.ts), split into parts above 5 MB. Expected: invocations
 * x P(at least one of its R records rejected). Ceiling: every record rejected, one object per
 * invocation plus one more part per 5 MB of body, never more than one per record.
 */
function quarantine(writer: EnvWriter, f: LambdaFlow, prefix: string): S3Write {
  const recs = f.records;
  const lineBytes = quarantineLineBytes(f.recordBytes);
  const perInvocation = f.invocations.e > 0 ? recs.e / f.invocations.e : 0;
  const withRejects = 1 - Math.pow(1 - ASSUMPTIONS.rejectedShare, perInvocation);
  const ceilingBytes = recs.c === null ? null : recs.c * lineBytes;
  const ceilingObjects =
    recs.c === null || f.invocations.c === null || ceilingBytes === null ? null : Math.min(recs.c, f.invocations.c + ceilingBytes / ASSUMPTIONS.quarantinePartBytes);
  return {
    prefix,
    bytes: amount(recs.e * ASSUMPTIONS.rejectedShare * lineBytes, ceilingBytes, recs.why),
    objects: amount(f.invocations.e * withRejects, ceilingObjects, recs.why ?? f.invocations.why),
    what: `records set aside by ${writer.fn.name}`,
  };
}

/** Bytes a month of the workload's batch files (0 without a workload). */
function landingBytes(ctx: UsageContext): number {
  const w = ctx.workload;
  return w ? w.batchFilesPerDay * w.batchFileMb * MB * DAYS_PER_MONTH : 0;
}

/** The workload's batch files a month (0 without a workload). */
function landingFileCount(ctx: UsageContext): number {
  return ctx.workload ? ctx.workload.batchFilesPerDay * DAYS_PER_MONTH : 0;
}

/**
 * A landing zone: fed by the workload's batch files. Behind an upload gate its bound is the gate's:
 * at most maxFilesPerDay objects a day (the gate's DynamoDB counter), each at most the signed
 * Content-Length, plus the billed 4XX responses of a granted URL retried until it expires (S3 bills
 * 4XX client errors to the bucket owner: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ErrorCodeBilling.html).
 * Crawled by Glue or watched by notifications without a gate, it stays unbounded.
 */
function landingFiles(ctx: UsageContext, b: StackResource): S3Write[] {
  const g = ctx.graph;
  const files = landingFileCount(ctx);
  const gates = gatesOf(g, b);
  if (gates.length > 0) return gates.flatMap((gate) => gatedLanding(gate, files / gates.length, landingBytes(ctx) / gates.length));
  const targets = (c: StackResource) => (at(c.inputs, "s3Targets") as Record<string, unknown>[] | undefined) ?? [];
  const crawlers = g.linking(T.crawler, "s3Targets.path", (c) => targets(c).map((t) => t.path), b);
  const notified = g.linking(T.notification, "bucket", (n) => [n.inputs.bucket], b).length > 0;
  if (crawlers.length === 0 && !notified) return [];
  const target = crawlers.flatMap(targets).find((t) => g.refersTo(t.path, b));
  const prefix = typeof target?.path === "string" ? keyPrefix(target.path) : "";
  return [{ prefix, bytes: unbounded(landingBytes(ctx), UNGATED), objects: unbounded(files, UNGATED), what: "batch files landing" }];
}

/** One gate's month: its files, and the refused retries its URLs may cost (requests, no bytes). */
function gatedLanding(gate: UploadGateBound, files: number, bytes: number): S3Write[] {
  const urls = gate.maxFilesPerDay * DAYS_PER_MONTH;
  return [
    { prefix: gate.prefix, bytes: gatedBytes([gate], bytes), objects: gatedFiles([gate], files), what: `batch files through ${gate.fn.name}` },
    { prefix: gate.prefix, bytes: ZERO, objects: amount(0, urls * gate.urlExpirySeconds * S3_PUT_REQUESTS_PER_SECOND_PER_PREFIX), what: `refused retries of ${gate.fn.name}'s URLs until they expire` },
  ];
}

/**
 * What the stack's landing zones receive a month, the input of every job downstream: bounded when
 * every landing zone is gated, else unbounded.
 */
function landingInput(ctx: UsageContext): { bytes: Amount; files: Amount } {
  return ctx.graph.memo("landingInput", () => landingInputOf(ctx));
}

function landingInputOf(ctx: UsageContext): { bytes: Amount; files: Amount } {
  const g = ctx.graph;
  const gates = allGates(g);
  const ungated = g.ofType(...T.buckets).some((b) => gatesOf(g, b).length === 0 && landingFiles(ctx, b).length > 0);
  if (gates.length === 0 || ungated) return { bytes: unbounded(landingBytes(ctx), OUTSIDE), files: unbounded(landingFileCount(ctx), OUTSIDE) };
  return { bytes: gatedBytes(gates, landingBytes(ctx)), files: gatedFiles(gates, landingFileCount(ctx)) };
}

/** Glue jobs writing to s3:// paths named in their arguments, their temporary directory included (Spark stages there). */
function glueOutputs(ctx: UsageContext, b: StackResource): S3Write[] {
  const writes: S3Write[] = [];
  const argValues = (job: StackResource) => Object.values((at(job.inputs, "defaultArguments") as Record<string, unknown> | undefined) ?? {});
  for (const job of ctx.graph.linking(T.glueJob, "defaultArguments.*", argValues, b)) {
    const args = at(job.inputs, "defaultArguments");
    if (!args || typeof args !== "object") continue;
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
      if (typeof v !== "string" || !v.startsWith("s3://") || !ctx.graph.refersTo(v, b)) continue;
      // An input path (the job's role may not write there) is not an output.
      if (jobWritesTo(ctx.graph, job, v) === false) continue;
      writes.push({ prefix: keyPrefix(v), ...glueOutput(ctx, job, k), what: `output of ${job.name} (${k})` });
    }
  }
  return writes;
}

/**
 * One output of a Glue job, from what lands upstream. Expected: the workload's bytes, compressed
 * (or the rejected share). Ceiling: every landed byte written out (a job writes no more than it
 * reads: uncompressed, or all of it rejected), in at most one object per input file per worker
 * and run (Spark writes a file per task, and a task per input split).
 */
function glueOutput(ctx: UsageContext, job: StackResource, argument: string): { bytes: Amount; objects: Amount } {
  const runs = ctx.glueRuns(job) ?? (ctx.limits ? ctx.limits.glue.runsPerDay * DAYS_PER_MONTH : 0);
  const share = /REJECT|ERROR|QUARANTINE/i.test(argument) ? ASSUMPTIONS.rejectedShare : ASSUMPTIONS.compressedRatio;
  const input = landingInput(ctx);
  const workers = numAt(job.inputs, "numberOfWorkers") ?? 1;
  const bytes = amount(input.bytes.e * share, input.bytes.c, input.bytes.why);
  const objects = amount(runs * workers, input.files.c === null ? null : runs * workers + input.files.c * workers, input.files.why);
  return { bytes, objects };
}

/** Athena workgroups whose results land in the bucket: one result object per query. */
function athenaResults(ctx: UsageContext, b: StackResource): S3Write[] {
  const writes: S3Write[] = [];
  const outputLocation = (wg: StackResource) => strAt(wg.inputs, "configuration.resultConfiguration.outputLocation");
  for (const wg of ctx.graph.linking(T.workgroup, "configuration.resultConfiguration.outputLocation", (x) => [outputLocation(x)], b)) {
    const loc = outputLocation(wg);
    const queries = ctx.athenaQueries(wg);
    writes.push({ prefix: keyPrefix(loc!), bytes: times(queries, ASSUMPTIONS.resultObjectBytes), objects: queries, what: `query results of ${wg.name}` });
  }
  return writes;
}
