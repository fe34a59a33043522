/**
 * One Trino server for every engine suite of a mocha run, started on first use
 * and stopped by the root hook below (.mocharc.json requires this file).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTrino, TrinoServer } from "../../engines/trino";

let server: Promise<TrinoServer> | undefined;
let users = 0;
let idleStop: NodeJS.Timeout | undefined;

/**
 * The shared server; a missing engine fails the calling suite with one line
 * naming it. Each suite that takes it gives it back with releaseTrino() in its
 * `after`: the engine suites run one after another, so the server stops when
 * the last lets go instead of idling through the rest of the run.
 */
export function sharedTrino(): Promise<TrinoServer> {
  users++;
  if (idleStop) clearTimeout(idleStop);
  idleStop = undefined;
  server ??= startTrino();
  return server;
}

export function releaseTrino(): void {
  users = Math.max(0, users - 1);
  if (users > 0 || !server) return;
  idleStop = setTimeout(() => void stopShared(), 3000);
  idleStop.unref();
}

async function stopShared(): Promise<void> {
  if (!server) return;
  const s = server;
  server = undefined;
  await (await s.catch(() => undefined))?.stop();
}

/** Trino's start takes tens of seconds on 2 busy cores. */
export const TRINO_START_TIMEOUT_MS = 240_000;
/** A Spark suite runs its jobs in one JVM; tens of seconds idle, minutes on a loaded machine. */
export const SPARK_TIMEOUT_MS = 900_000;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `retail-${prefix}-`));
}

export const mochaHooks = {
  async afterAll(): Promise<void> {
    if (idleStop) clearTimeout(idleStop);
    await stopShared();
  },
};

/**
 * Rows equal, whatever their order: every field exactly, except numbers within
 * `tolerance` (a rounded double sum may land one cent apart, summed in another order).
 */
export function assertSameRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[], keys: readonly string[], tolerance = 0.011): void {
  const key = (r: Record<string, unknown>) => keys.map((k) => String(r[k])).join("|");
  const a = [...actual].sort((x, y) => key(x).localeCompare(key(y)));
  const e = [...expected].sort((x, y) => key(x).localeCompare(key(y)));
  if (a.length !== e.length) throw new Error(`expected ${e.length} rows, got ${a.length}: ${JSON.stringify(a.slice(0, 3))}...`);
  a.forEach((row, i) => {
    const want = e[i];
    if (Object.keys(row).sort().join() !== Object.keys(want).sort().join()) throw new Error(`columns ${Object.keys(row).join()} != ${Object.keys(want).join()}`);
    for (const [k, v] of Object.entries(want)) {
      const got = row[k];
      const same = typeof v === "number" && got !== null && !Number.isNaN(Number(got)) ? Math.abs(Number(got) - v) <= tolerance : got === v;
      if (!same) throw new Error(`row ${key(want)}: ${k} is ${JSON.stringify(got)}, truth ${JSON.stringify(v)}`);
    }
  });
}
