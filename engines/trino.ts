/**
 * A Trino server of our own for tests and `platform query`: one coordinator on
 * a free loopback port, the Hive connector over the local file system with a
 * file metastore in a temporary folder, session time zone UTC (as Athena).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Trino } from "trino-client";
import { enginePaths, EnginePaths, TRINO_VERSION } from "./config";
import { EngineSetupError } from "./setup";
import { createExternalTableSql, ExternalTable, quoteIdent, syncPartitionsSql } from "./hive";

export type Row = Record<string, unknown>;

export interface QueryResultRows {
  readonly columns: { name: string; type: string }[];
  readonly rows: Row[];
}

/** A statement Trino refused; `message` is Trino's own. */
export class TrinoQueryError extends Error {
  public override readonly name = "TrinoQueryError";
  public constructor(
    message: string,
    public readonly errorName: string,
  ) {
    super(message);
  }
}

export interface TrinoServer {
  readonly url: string;
  readonly workDir: string;
  query(sql: string, schema?: string): Promise<QueryResultRows>;
  /** CREATE SCHEMA (if missing), CREATE TABLE over the files, register partitions. */
  createTable(table: ExternalTable): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly paths?: EnginePaths;
  readonly heapMb?: number;
  /** Longest wait for the server to accept queries. */
  readonly startTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function writeConfig(workDir: string, trinoHome: string, port: number, heapMb: number): void {
  const etc = path.join(workDir, "etc");
  fs.mkdirSync(path.join(etc, "catalog"), { recursive: true });
  const memory = `${Math.floor(heapMb * 0.4)}MB`;
  fs.writeFileSync(path.join(etc, "node.properties"), [`node.environment=test`, `node.id=local-${process.pid}`, `node.data-dir=${path.join(workDir, "data")}`, "node.internal-address=127.0.0.1", ""].join("\n"));
  fs.writeFileSync(
    path.join(etc, "config.properties"),
    [
      "coordinator=true",
      `plugin.dir=${path.join(trinoHome, "plugin")}`,
      `catalog.config-dir=${path.join(etc, "catalog")}`,
      "node-scheduler.include-coordinator=true",
      `http-server.http.port=${port}`,
      `discovery.uri=http://127.0.0.1:${port}`,
      `query.max-memory=${memory}`,
      `query.max-memory-per-node=${memory}`,
      // Two cores: fewer threads start faster and contend less with the other test suites.
      "task.concurrency=2",
      "task.max-worker-threads=4",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(etc, "log.properties"), "io.trino=WARN\nio.airlift=WARN\n");
  fs.writeFileSync(
    path.join(etc, "catalog", "hive.properties"),
    [
      "connector.name=hive",
      "hive.metastore=file",
      `hive.metastore.catalog.dir=local://${path.join(workDir, "metastore")}`,
      "fs.native-local.enabled=true",
      "local.location=/",
      "hive.storage-format=PARQUET",
      "",
    ].join("\n"),
  );
  fs.mkdirSync(path.join(workDir, "metastore"), { recursive: true });
}

function jvmArgs(workDir: string, heapMb: number): string[] {
  return [
    "-server",
    `-Xmx${heapMb}m`,
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:TieredStopAtLevel=1",
    "-Djdk.attach.allowAttachSelf=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Duser.timezone=UTC",
    "-Dfile.encoding=UTF-8",
    `-Dconfig=${path.join(workDir, "etc", "config.properties")}`,
    `-Dnode.environment=test`,
    `-Dlog.levels-file=${path.join(workDir, "etc", "log.properties")}`,
    `-Dlog.output-file=${path.join(workDir, "server.log")}`,
  ];
}

function lastLogLine(workDir: string): string {
  for (const f of ["launcher.log", "server.log"]) {
    const file = path.join(workDir, f);
    if (!fs.existsSync(file)) continue;
    // Trino lists configuration errors as "1) ..." under the ERROR line; prefer those.
    const all = fs.readFileSync(file, "utf8").split("\n");
    const numbered = all.filter((l) => /^\d+\) /.test(l));
    const lines = numbered.length ? numbered : all.filter((l) => /ERROR|Exception|Error:/.test(l));
    if (lines.length) return `${lines[lines.length - 1].trim().slice(0, 300)} (log: ${file})`;
  }
  return "no log";
}

async function waitReady(url: string, child: ChildProcess, workDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new EngineSetupError(`Trino ${TRINO_VERSION} exited with code ${child.exitCode} while starting: ${lastLogLine(workDir)}`);
    try {
      const info = (await (await fetch(`${url}/v1/info`)).json()) as { starting?: boolean };
      if (info.starting === false) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new EngineSetupError(`Trino ${TRINO_VERSION} did not start within ${timeoutMs / 1000} s: ${lastLogLine(workDir)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts Trino from the cache (engines/setup.ts installs it). */
export async function startTrino(options: StartOptions = {}): Promise<TrinoServer> {
  const paths = options.paths ?? enginePaths();
  if (!fs.existsSync(path.join(paths.trinoHome, "lib"))) throw new EngineSetupError(`Trino ${TRINO_VERSION} is not installed in ${paths.trinoHome}: run npx tsx engines/setup.ts`);
  const heapMb = options.heapMb ?? 2048;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "retail-trino-"));
  const port = await freePort();
  writeConfig(workDir, paths.trinoHome, port, heapMb);
  const log = fs.openSync(path.join(workDir, "launcher.log"), "a");
  const child = spawn(path.join(paths.javaHome, "bin", "java"), [...jvmArgs(workDir, heapMb), "-cp", path.join(paths.trinoHome, "lib", "*"), "io.trino.server.TrinoServer"], {
    cwd: workDir,
    stdio: ["ignore", log, log],
    env: { ...process.env, JAVA_HOME: paths.javaHome },
  });
  fs.closeSync(log);
  const kill = () => child.exitCode === null && child.kill("SIGKILL");
  process.once("exit", kill);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, workDir, options.startTimeoutMs ?? 180_000);
  } catch (err) {
    kill();
    throw err;
  }
  const server = serverAt(url, workDir, async () => {
    process.removeListener("exit", kill);
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // The metastore and table metadata are throwaway; the data files belong to the caller.
    fs.rmSync(workDir, { recursive: true, force: true });
  });
  try {
    await waitForWorker(server, options.startTimeoutMs ?? 180_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/**
 * /v1/info says "not starting" before the coordinator's own worker has announced
 * itself; a query sent in between fails with NO_NODES_AVAILABLE. Wait for one to run.
 */
async function waitForWorker(server: TrinoServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await server.query("SELECT 1");
      return;
    } catch (err) {
      if (!isNoNodes(err) || Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How long a query refused for want of an active node is sent again (start-up only, in practice). */
const NO_NODES_RETRY_MS = 60_000;

const isNoNodes = (err: unknown): boolean => err instanceof TrinoQueryError && (err.errorName === "NO_NODES_AVAILABLE" || /No nodes available/.test(err.message));

/** A Trino server someone else started (e.g. PLATFORM_TRINO_URL); stop() leaves it running. */
export function connectTrino(url: string): TrinoServer {
  return serverAt(url.replace(/\/$/, ""), "", () => Promise.resolve());
}

function serverAt(url: string, workDir: string, stop: () => Promise<void>): TrinoServer {
  const client = Trino.create({ server: url, catalog: "hive", source: "retail-data-platform" });

  const query = async (sql: string, schema?: string): Promise<QueryResultRows> => {
    // A scan can still find no active node holding the hive catalog for a moment after
    // start (SELECT 1 runs without one); such a query never ran, so it is safe to send again.
    const deadline = Date.now() + NO_NODES_RETRY_MS;
    for (;;) {
      try {
        return await runQuery(sql, schema);
      } catch (err) {
        if (!isNoNodes(err) || Date.now() > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const runQuery = async (sql: string, schema?: string): Promise<QueryResultRows> => {
    const iter = await client.query({ query: sql, catalog: "hive", schema, user: "platform" });
    let columns: { name: string; type: string }[] = [];
    const data: unknown[][] = [];
    for await (const page of iter) {
      if (page.error) throw new TrinoQueryError(page.error.message, page.error.errorName);
      if (page.columns) columns = page.columns.map((c) => ({ name: c.name, type: c.type }));
      if (page.data) data.push(...page.data);
    }
    return { columns, rows: data.map((values) => Object.fromEntries(columns.map((c, i) => [c.name, values[i]]))) };
  };

  return {
    url,
    workDir,
    query,
    async createTable(t: ExternalTable): Promise<void> {
      await query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.schema)}`);
      await query(`DROP TABLE IF EXISTS ${quoteIdent(t.schema)}.${quoteIdent(t.table)}`);
      await query(createExternalTableSql(t));
      if (t.partitionKeys?.length) await query(syncPartitionsSql(t.schema, t.table), t.schema);
    },
    stop,
  };
}
