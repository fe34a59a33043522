/**
 * The metrics the functions really emit: their handlers cold-started with a
 * synthesized function's environment (namespace, service name), run on the
 * emulators (DynamoDB, S3; EventBridge stubbed), with Powertools' EMF output
 * captured from the console and parsed as CloudWatch reads it
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
import * as path from "node:path";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { createAggregatesTable, createBucket, Emulators } from "../../functions/local/emulators";
import { fixture, HASH_KEY } from "../functions/helpers";

export interface EmittedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** Every (namespace, metric, dimension set) an EMF document publishes. */
export function parseEmf(line: string): EmittedMetric[] {
  const doc = JSON.parse(line) as EmfDocument;
  return doc._aws.CloudWatchMetrics.flatMap((d) =>
    d.Dimensions.flatMap((set) => d.Metrics.map((m) => ({ namespace: d.Namespace, name: m.Name, dimensions: Object.fromEntries(set.map((k) => [k, String(doc[k])])) }))),
  );
}

const FUNCTIONS = path.join(__dirname, "..", "..", "functions");
const context = { functionName: "test", awsRequestId: "req-1", getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

function coldStart<T>(name: string): T {
  const file = require.resolve(path.join(FUNCTIONS, name, "index.ts"));
  delete require.cache[file];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

/** Runs `act` with the given environment and the console captured; returns the EMF lines printed. */
async function capturingEmf(env: Record<string, string>, act: () => Promise<void>): Promise<string[]> {
  const saved = { ...process.env };
  const log = console.log;
  const lines: string[] = [];
  Object.assign(process.env, env, { POWERTOOLS_DEV: "true", POWERTOOLS_METRICS_DISABLED: "false", POWERTOOLS_LOG_LEVEL: "SILENT" });
  console.log = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (text.includes('"_aws"')) lines.push(text);
  };
  try {
    await act();
  } finally {
    console.log = log;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return lines;
}

const EMULATOR_ENV = (emu: Emulators) => ({
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "S3RVER",
  AWS_SECRET_ACCESS_KEY: "S3RVER",
  AWS_ENDPOINT_URL_DYNAMODB: emu.endpoints.dynamo!,
  AWS_ENDPOINT_URL_S3: emu.endpoints.s3!,
  EMAIL_HASH_KEY: HASH_KEY,
});

/** A Kinesis batch with a valid record, its duplicate and an invalid one. */
function processorEvent(tag: string): unknown {
  const event = fixture<{ Records: { kinesis: { data: string; sequenceNumber: string } }[] }>("kinesis-event.json");
  const valid = { ...fixture<Record<string, unknown>>("transaction.valid.json"), transactionId: `T-${tag}` };
  const base = event.Records[0];
  const record = (data: unknown, seq: string) => ({ ...structuredClone(base), kinesis: { ...base.kinesis, sequenceNumber: seq, data: Buffer.from(JSON.stringify(data)).toString("base64") } });
  return { Records: [record(valid, "1"), record(valid, "2"), record({ ...valid, transactionId: `T-${tag}-bad`, currency: "XTS" }, "3")] };
}

/**
 * What the processor and the history transform emit when deployed with these
 * environments (each a synthesized function's `environment.variables`, with the
 * emulators' names for the table and bucket).
 */
export async function emittedMetrics(emu: Emulators, processorEnv: Record<string, string>, transformEnv: Record<string, string>, tag: string): Promise<EmittedMetric[]> {
  const events = mockClient(EventBridgeClient);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
  try {
    const table = `aggregates-${tag}`;
    const bucket = `quarantine-${tag}`;
    await createAggregatesTable(emu.dynamo!, table);
    await createBucket(emu.s3!, bucket);
    const processor = await capturingEmf({ ...processorEnv, ...EMULATOR_ENV(emu), AGGREGATES_TABLE: table, QUARANTINE_BUCKET: bucket }, async () => {
      const { handler } = coldStart<{ handler: (e: unknown, c: Context) => Promise<unknown> }>("stream-processor");
      await handler(processorEvent(tag), context);
    });
    const transform = await capturingEmf({ ...transformEnv, ...EMULATOR_ENV(emu) }, async () => {
      const { handler } = coldStart<{ handler: (e: unknown, c: Context) => Promise<unknown> }>("firehose-transform");
      const event = fixture<{ records: { recordId: string; data: string }[] }>("firehose-event.json");
      event.records[0].data = Buffer.from(JSON.stringify(fixture("transaction.valid.json"))).toString("base64");
      event.records.push({ ...event.records[0], recordId: "2", data: Buffer.from("not json").toString("base64") });
      await handler(event, context);
    });
    return [...processor, ...transform].flatMap(parseEmf);
  } finally {
    events.restore();
  }
}
