/**
 * Parquet files typed by Glue column definitions, written by pyarrow in the
 * engines' Python environment (python/write_parquet.py).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { enginePaths, EnginePaths } from "./config";
import { GlueColumn } from "./hive";
import { EngineSetupError } from "./setup";

export interface ParquetFile {
  /** Absolute path of the file to write. */
  readonly path: string;
  readonly rows: readonly object[];
}

export function writeParquetFiles(columns: readonly GlueColumn[], files: readonly ParquetFile[], paths: EnginePaths = enginePaths()): void {
  if (files.length === 0) return;
  if (!fs.existsSync(paths.python)) throw new EngineSetupError(`the engines' Python environment is not installed in ${paths.venv}: run npx tsx engines/setup.ts`);
  const r = spawnSync(paths.python, [path.join(__dirname, "python", "write_parquet.py")], {
    input: JSON.stringify({ columns: columns.map((c) => ({ name: c.name, type: c.type })), files }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`write_parquet.py failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
}
