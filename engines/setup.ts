/**
 * The project's engine setup: installs what is missing into the cache folder
 * (config.ts), so a second run finds everything in place and costs seconds.
 *
 * - Trino server from Maven Central (checksum checked against Maven's .sha1),
 *   unpacked with only the plugins we use.
 * - A Python virtual environment with the pinned requirements (PySpark, pyarrow).
 *
 * `npx tsx engines/setup.ts` runs it (npm test and .ci/run do). A missing piece
 * that cannot be installed ends with one line naming it and exit 1.
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { enginePaths, EnginePaths, TRINO_PLUGINS, TRINO_VERSION, trinoTarballUrl } from "./config";

export class EngineSetupError extends Error {
  public override readonly name = "EngineSetupError";
  public readonly exitCode = 1;
}

export interface SetupStep {
  readonly engine: string;
  readonly action: "present" | "installed";
  readonly seconds: number;
  readonly downloadedBytes?: number;
}

const TRINO_MARKER = ".installed";
const VENV_MARKER = ".requirements";

const execFileAsync = promisify(execFile);

async function run(cmd: string, args: readonly string[], what: string): Promise<void> {
  try {
    await execFileAsync(cmd, [...args], { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    const detail = `${e.stderr ?? ""}`.trim().split("\n").filter(Boolean).pop() ?? e.message;
    throw new EngineSetupError(`${what}: ${detail}`);
  }
}

/** Java of at least `minMajor`, else a one-line error naming it. */
export function checkJava(javaHome: string, minMajor: number, what: string): void {
  const java = path.join(javaHome, "bin", "java");
  if (!fs.existsSync(java)) throw new EngineSetupError(`${what} needs Java ${minMajor}+: ${java} not found (set TRINO_JAVA_HOME)`);
  const out = spawnSync(java, ["-version"], { encoding: "utf8" });
  const m = /version "(\d+)/.exec(`${out.stderr}${out.stdout}`);
  if (!m || Number(m[1]) < minMajor) throw new EngineSetupError(`${what} needs Java ${minMajor}+: ${java} is ${m ? `Java ${m[1]}` : "not runnable"}`);
}

async function download(url: string, file: string): Promise<{ bytes: number; sha1: string }> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new EngineSetupError(`cannot download ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok || !res.body) throw new EngineSetupError(`cannot download ${url}: HTTP ${res.status}`);
  const hash = createHash("sha1");
  let bytes = 0;
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(body, fs.createWriteStream(file));
  return { bytes, sha1: hash.digest("hex") };
}

async function expectedSha1(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}.sha1`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.text()).trim().split(/\s+/)[0].toLowerCase();
  } catch (err) {
    throw new EngineSetupError(`cannot download ${url}.sha1: ${(err as Error).message}`);
  }
}

/** Trino server with only TRINO_PLUGINS, unpacked under the cache. */
export async function ensureTrino(paths: EnginePaths = enginePaths()): Promise<SetupStep> {
  const started = Date.now();
  checkJava(paths.javaHome, 24, `Trino ${TRINO_VERSION}`);
  if (fs.existsSync(path.join(paths.trinoHome, TRINO_MARKER))) return { engine: `trino-server ${TRINO_VERSION}`, action: "present", seconds: (Date.now() - started) / 1000 };
  fs.mkdirSync(paths.root, { recursive: true });
  const url = trinoTarballUrl();
  const tarball = path.join(paths.root, `trino-server-${TRINO_VERSION}.tar.gz.part`);
  const [{ bytes, sha1 }, expected] = await Promise.all([download(url, tarball), expectedSha1(url)]);
  if (sha1 !== expected) {
    fs.rmSync(tarball, { force: true });
    throw new EngineSetupError(`trino-server-${TRINO_VERSION}.tar.gz: SHA-1 ${sha1} does not match Maven Central's ${expected}`);
  }
  const staging = `${paths.trinoHome}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const top = `trino-server-${TRINO_VERSION}`;
  // Plugins share jars through hard links, so unpack everything, then drop the plugins we do not use.
  await run("tar", ["-xzf", tarball, "-C", staging, "--strip-components=1", `${top}/`], "unpacking Trino");
  for (const plugin of fs.readdirSync(path.join(staging, "plugin"))) {
    if (!TRINO_PLUGINS.includes(plugin)) fs.rmSync(path.join(staging, "plugin", plugin), { recursive: true, force: true });
  }
  fs.rmSync(tarball, { force: true });
  fs.writeFileSync(path.join(staging, TRINO_MARKER), `${url}\nsha1 ${sha1}\nplugins ${TRINO_PLUGINS.join(",")}\n`);
  fs.rmSync(paths.trinoHome, { recursive: true, force: true });
  fs.renameSync(staging, paths.trinoHome);
  return { engine: `trino-server ${TRINO_VERSION}`, action: "installed", seconds: (Date.now() - started) / 1000, downloadedBytes: bytes };
}

/** The Python virtual environment with the pinned requirements; rebuilt when they change. */
export async function ensurePython(paths: EnginePaths = enginePaths()): Promise<SetupStep> {
  const started = Date.now();
  const wanted = fs.readFileSync(paths.requirements, "utf8");
  const marker = path.join(paths.venv, VENV_MARKER);
  const engine = "python venv (pyspark, pyarrow)";
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === wanted && fs.existsSync(paths.python)) {
    return { engine, action: "present", seconds: (Date.now() - started) / 1000 };
  }
  checkJava(process.env["JAVA_HOME"] || "/usr", 17, "PySpark 3.5");
  fs.rmSync(paths.venv, { recursive: true, force: true });
  fs.mkdirSync(paths.root, { recursive: true });
  await run("python3", ["-m", "venv", paths.venv], "creating the Python virtual environment (python3 -m venv)");
  await run(paths.python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "-r", paths.requirements], `pip install -r ${path.relative(process.cwd(), paths.requirements)}`);
  fs.writeFileSync(marker, wanted);
  return { engine, action: "installed", seconds: (Date.now() - started) / 1000 };
}

export async function ensureEngines(paths: EnginePaths = enginePaths()): Promise<SetupStep[]> {
  // Independent: download Trino while pip builds the venv.
  return Promise.all([ensureTrino(paths), ensurePython(paths)]);
}

export function describeStep(s: SetupStep): string {
  const mb = s.downloadedBytes === undefined ? "" : `, downloaded ${(s.downloadedBytes / 1e6).toFixed(0)} MB`;
  return `engines: ${s.engine} ${s.action} (${s.seconds.toFixed(1)} s${mb})`;
}

if (require.main === module) {
  const started = Date.now();
  ensureEngines()
    .then((steps) => {
      for (const s of steps) process.stdout.write(`${describeStep(s)}\n`);
      process.stdout.write(`engines: ready in ${enginePaths().root} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`engines: ${err instanceof EngineSetupError ? err.message : String((err as Error).stack ?? err)}\n`);
      process.exit(1);
    });
}
