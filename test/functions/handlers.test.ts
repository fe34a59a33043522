/**
 * The Lambda entry points as the platform deploys them: environment read
 * at cold start (a missing variable is a clear error), real SDK clients
 * pointed at the emulators through the standard AWS_ENDPOINT_URL_* variables.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { Context } from "aws-lambda";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { createAggregatesTable, createBucket, Emulators, startEmulators } from "../../functions/local/emulators";
import { scanAggregates } from "../../functions/local/state";
import { parseQuarantineObject } from "../../functions/stream-processor/quarantine";
import { fixture, HASH_KEY } from "./helpers";

const FUNCTIONS = path.join(__dirname, "..", "..", "functions");
const context = { functionName: "test", awsRequestId: "req-1", getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** Loads a handler module fresh (its cold start runs again). */
function coldStart<T>(name: string): T {
  const file = require.resolve(path.join(FUNCTIONS, name, "index.ts"));
  delete require.cache[file];
  // A fresh require is the point: the module's cold start must run again.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as T;
}

describe("Lambda entry points", function () {
  this.timeout(30_000);
  let emu: Emulators;
  const saved = { ...process.env };
  let events: AwsStub<any, any, any>;

  before(async () => {
    events = mockClient(EventBridgeClient);
    emu = await startEmulators({ dynamo: true, s3: true });
    await createAggregatesTable(emu.dynamo!, "aggregates");
    await createBucket(emu.s3!, "quarantine");
    await createBucket(emu.s3!, "raw-zone");
    Object.assign(process.env, {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_ENDPOINT_URL_DYNAMODB: emu.endpoints.dynamo,
      AWS_ENDPOINT_URL_S3: emu.endpoints.s3,
      POWERTOOLS_DEV: "false",
      POWERTOOLS_LOG_LEVEL: "SILENT",
      POWERTOOLS_METRICS_DISABLED: "true",
      AGGREGATES_TABLE: "aggregates",
      QUARANTINE_BUCKET: "quarantine",
      QUARANTINE_PREFIX: "quarantine/",
      SPIKE_BUS_NAME: "spikes",
      SALES_REGIONS: "EMEA,NA,LATAM,APAC",
      CURRENCIES: "EUR,USD,GBP,CAD,CHF",
      SPIKE_RATIO: "3",
      SPIKE_MIN_UNITS: "20",
      SPIKE_BASELINE_MINUTES: "15",
      HOT_RETENTION_DAYS: "2",
      EMAIL_HASH_SECRET_ARN: "arn:aws:secretsmanager:eu-west-3:1:secret:email-hash",
      EMAIL_HASH_KEY: HASH_KEY,
      POWERTOOLS_SERVICE_NAME: "stream-processor",
      POWERTOOLS_METRICS_NAMESPACE: "RetailPlatform",
      MAX_FILE_BYTES: "1000",
    });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
  });
  after(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    events.restore();
    await emu.close();
  });

  it("stream-processor: a missing variable fails the cold start with a message naming it", () => {
    // prepare
    const table = process.env.AGGREGATES_TABLE;
    delete process.env.AGGREGATES_TABLE;
    // act, assess
    try {
      assert.throws(() => coldStart("stream-processor"), /invalid environment: AGGREGATES_TABLE is required/);
    } finally {
      process.env.AGGREGATES_TABLE = table;
    }
  });

  it("stream-processor: applies a Kinesis event and quarantines its invalid record", async () => {
    // prepare
    const { handler } = coldStart<{ handler: (e: unknown, c: Context) => Promise<{ batchItemFailures: unknown[] }> }>("stream-processor");
    const event = fixture<{ Records: any[] }>("kinesis-event.json");
    const valid = fixture<Record<string, unknown>>("transaction.valid.json");
    const second = structuredClone(event.Records[0]);
    event.Records[0].kinesis.data = Buffer.from(JSON.stringify(valid)).toString("base64");
    second.kinesis.sequenceNumber = "49590338271490256608559692538361571095921575989136588802";
    second.kinesis.data = Buffer.from(JSON.stringify({ ...valid, transactionId: "T-0002", currency: "XTS" })).toString("base64");
    event.Records.push(second);
    // act
    const response = await handler(event, context);
    // assess
    assert.deepEqual(response, { batchItemFailures: [] });
    const aggregates = await scanAggregates(emu.dynamo!, "aggregates");
    assert.deepEqual(aggregates.map((a) => [a.productId, a.units, a.revenue, a.orders]), [["P00001", 2, 39.98, 1], ["P00002", 1, 5.5, 1]]);
    const doc = await emu.s3!.send(new GetObjectCommand({ Bucket: "quarantine", Key: `quarantine/dt=2026-11-28/shardId-000000000003/${second.kinesis.sequenceNumber}-${second.kinesis.sequenceNumber}.ndjson` }));
    assert.deepEqual(parseQuarantineObject(await doc.Body!.transformToString()).map((d) => d.rule), ["unknown-currency"]);
  });

  it("firehose-transform: returns one result per record", async () => {
    // prepare
    const { handler } = coldStart<{ handler: (e: unknown, c: Context) => Promise<{ records: { result: string }[] }> }>("firehose-transform");
    const event = fixture<{ records: any[] }>("firehose-event.json");
    event.records[0].data = Buffer.from(JSON.stringify(fixture("transaction.valid.json"))).toString("base64");
    event.records.push({ ...event.records[0], recordId: "2", data: Buffer.from("not json").toString("base64") });
    // act
    const out = await handler(event, context);
    // assess
    assert.deepEqual(out.records.map((r) => r.result), ["Ok", "ProcessingFailed"]);
  });

  it("file-check: quarantines a bad file named by an S3 event", async () => {
    // prepare
    const { handler } = coldStart<{ handler: (e: unknown, c: Context) => Promise<unknown[]> }>("file-check");
    await emu.s3!.send(new PutObjectCommand({ Bucket: "raw-zone", Key: "exports/day 1.csv", Body: Buffer.from("1,2\n") }));
    const event = fixture<{ Records: any[] }>("s3-event.json");
    event.Records[0].s3.object.key = "exports/day+1.csv";
    // act
    const out = await handler(event, context);
    // assess
    assert.deepEqual(out, [{ key: "exports/day 1.csv", ok: false, reason: "missing-header", quarantinedAs: "quarantine/missing-header/exports/day 1.csv" }]);
  });

  it("upload-gate: grants one presigned URL for a declared file, as API Gateway's proxy event asks", async () => {
    // prepare
    await emu.dynamo!.send(new CreateTableCommand({ TableName: "gate-slots", AttributeDefinitions: [{ AttributeName: "day", AttributeType: "S" }], KeySchema: [{ AttributeName: "day", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
    const before = { ...process.env };
    Object.assign(process.env, { LANDING_BUCKET: "raw-zone", LANDING_PREFIX: "incoming/", SLOTS_TABLE: "gate-slots", MAX_FILES_PER_DAY: "2", MAX_FILE_BYTES: "1000", URL_EXPIRY_SECONDS: "60" });
    try {
      const { handler } = coldStart<{ handler: (e: unknown, c: Context) => Promise<{ statusCode: number; body: string }> }>("upload-gate");
      const event = { body: JSON.stringify({ fileName: "orders.csv", sizeBytes: 10 }), requestContext: { identity: { apiKeyId: "key-1" } } };
      // act
      const out = await handler(event, context);
      const refused = await handler({ ...event, body: "{}" }, context);
      // assess
      assert.equal(out.statusCode, 200, out.body);
      assert.match((JSON.parse(out.body) as { url: string }).url, /X-Amz-SignedHeaders=content-length%3Bhost%3Bif-none-match/);
      assert.equal(refused.statusCode, 400);
    } finally {
      process.env = before;
    }
  });

  it("scheduled-report: a missing variable fails the cold start with a message naming it", () => {
    assert.throws(() => coldStart("scheduled-report"), /ATHENA_WORKGROUP is required/);
  });
});
