/**
 * The embedded AWS emulators (kinesalite, dynalite, s3rver), started
 * in-process on loopback with random ports, and real SDK v3 clients pointed
 * at them. Used by `platform local`, the integration tests and the benchmarks.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import dynalite from "dynalite";
import kinesalite from "kinesalite";
import S3rver from "s3rver";

const HOST = "127.0.0.1";
const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export interface Emulators {
  readonly kinesis?: KinesisClient;
  readonly dynamo?: DynamoDBClient;
  readonly s3?: S3Client;
  readonly endpoints: { kinesis?: string; dynamo?: string; s3?: string };
  close(): Promise<void>;
}

function handler(): NodeHttpHandler {
  return new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }), requestTimeout: 30_000 });
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve(`http://${HOST}:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Starts one emulator in a child process; resolves with its endpoint and a closer. */
async function startIsolated(kind: "kinesis" | "dynamo" | "s3"): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const child = fork(path.join(__dirname, "emulatorProcess.ts"), [kind], { execArgv: ["--require", require.resolve("tsx/cjs")], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { port: number }).port));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the ${kind} emulator exited (code ${code})`)));
  });
  return {
    endpoint: `http://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => (clearTimeout(timer), resolve()));
        child.send("close");
      }),
  };
}

export interface EmulatorChoice {
  kinesis?: boolean;
  dynamo?: boolean;
  s3?: boolean;
  /** Run each emulator in its own child process (uses more cores; what the benchmarks and the fault test do). */
  isolated?: boolean;
}

/** Starts the requested emulators. Always call `close()` (tests: in an `after` hook). */
export async function startEmulators(which: EmulatorChoice = { kinesis: true, dynamo: true, s3: true }): Promise<Emulators> {
  if (which.isolated) return startIsolatedEmulators(which);
  const closers: (() => Promise<void>)[] = [];
  const endpoints: { kinesis?: string; dynamo?: string; s3?: string } = {};
  let kinesis: KinesisClient | undefined;
  let dynamo: DynamoDBClient | undefined;
  let s3: S3Client | undefined;
  try {
    if (which.kinesis) {
      const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
      endpoints.kinesis = await listen(server);
      kinesis = new KinesisClient({ endpoint: endpoints.kinesis, region: REGION, credentials: CREDENTIALS, requestHandler: handler() });
      const client = kinesis;
      closers.push(async () => {
        client.destroy();
        await closeServer(server);
      });
    }
    if (which.dynamo) {
      const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      endpoints.dynamo = await listen(server);
      dynamo = new DynamoDBClient({ endpoint: endpoints.dynamo, region: REGION, credentials: CREDENTIALS, requestHandler: handler(), maxAttempts: 1 });
      const client = dynamo;
      closers.push(async () => {
        client.destroy();
        await closeServer(server);
      });
    }
    if (which.s3) {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "platform-s3rver-"));
      const server = new S3rver({ address: HOST, port: 0, silent: true, directory });
      const address = await server.run();
      endpoints.s3 = `http://${HOST}:${address.port}`;
      s3 = s3Client(endpoints.s3);
      const client = s3;
      closers.push(async () => {
        client.destroy();
        server.httpServer?.closeAllConnections();
        await server.close();
        fs.rmSync(directory, { recursive: true, force: true });
      });
    }
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
  return {
    kinesis,
    dynamo,
    s3,
    endpoints,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}

async function startIsolatedEmulators(which: EmulatorChoice): Promise<Emulators> {
  const started = await Promise.all(
    (["kinesis", "dynamo", "s3"] as const).filter((k) => which[k]).map(async (k) => [k, await startIsolated(k)] as const),
  );
  const get = (k: "kinesis" | "dynamo" | "s3") => started.find(([kind]) => kind === k)?.[1];
  const endpoints = { kinesis: get("kinesis")?.endpoint, dynamo: get("dynamo")?.endpoint, s3: get("s3")?.endpoint };
  const kinesis = endpoints.kinesis ? new KinesisClient({ endpoint: endpoints.kinesis, region: REGION, credentials: CREDENTIALS, requestHandler: handler() }) : undefined;
  const dynamo = endpoints.dynamo
    ? new DynamoDBClient({ endpoint: endpoints.dynamo, region: REGION, credentials: CREDENTIALS, requestHandler: handler(), maxAttempts: 1 })
    : undefined;
  const s3 = endpoints.s3 ? s3Client(endpoints.s3) : undefined;
  return {
    kinesis,
    dynamo,
    s3,
    endpoints,
    async close() {
      kinesis?.destroy();
      dynamo?.destroy();
      s3?.destroy();
      await Promise.all(started.map(([, e]) => e.close()));
    },
  };
}

function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: REGION,
    // s3rver accepts only its own fixed key pair.
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    forcePathStyle: true,
    requestHandler: handler(),
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** The aggregates table as the infrastructure component creates it (pk/sk strings, TTL on expiresAt). */
export async function createAggregatesTable(dynamo: DynamoDBClient, table: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await dynamo.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true } })).catch(() => undefined);
}

export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function createStream(kinesis: KinesisClient, stream: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (out.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stream ${stream} did not become ACTIVE`);
}
