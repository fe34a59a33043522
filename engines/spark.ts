/**
 * Glue scripts on local PySpark 3.5 (Glue 5.0's Spark), unchanged: the
 * awsglue stand-in (python/awsglue) replaces only Glue's entry points.
 * Several runs share one Python process and JVM, each with its own SparkContext.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { enginePaths, EnginePaths } from "./config";
import { EngineSetupError } from "./setup";

export interface GlueRun {
  readonly script: string;
  /** The job's arguments, as Glue passes them: `{ JOB_NAME: "x" }` -> `--JOB_NAME x`. */
  readonly args: Readonly<Record<string, string>>;
  /** Local settings of the stand-in (AWSGLUE_LOCAL_STATE, AWSGLUE_LOCAL_CATALOG). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface GlueOutcome {
  readonly ok: boolean;
  readonly error?: string;
  readonly message?: string;
}

/** Spark as Glue runs it for our jobs: UTC, small shuffles for small local data, no UI. */
const SPARK_SUBMIT_ARGS = [
  "--master local[2]",
  "--conf spark.sql.session.timeZone=UTC",
  "--conf spark.sql.shuffle.partitions=4",
  "--conf spark.ui.enabled=false",
  "--conf spark.ui.showConsoleProgress=false",
  "--conf spark.driver.memory=1g",
  "--conf spark.driver.extraJavaOptions=-Duser.timezone=UTC",
  "pyspark-shell",
].join(" ");

function python(paths: EnginePaths): string {
  if (!fs.existsSync(paths.python)) throw new EngineSetupError(`PySpark is not installed in ${paths.venv}: run npx tsx engines/setup.ts`);
  return paths.python;
}

export function runGlueScripts(runs: readonly GlueRun[], paths: EnginePaths = enginePaths()): GlueOutcome[] {
  const specs = runs.map((r) => ({ script: r.script, argv: Object.entries(r.args).flatMap(([k, v]) => [`--${k}`, v]), env: r.env ?? {} }));
  const res = spawnSync(python(paths), [path.join(__dirname, "python", "run_glue.py")], {
    input: JSON.stringify(specs),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYSPARK_SUBMIT_ARGS: SPARK_SUBMIT_ARGS, PYSPARK_PYTHON: paths.python, TZ: "UTC", JAVA_HOME: process.env["SPARK_JAVA_HOME"] ?? "/usr/lib/jvm/java-17-openjdk-amd64" },
  });
  const outcomes = res.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as GlueOutcome);
  if (outcomes.length !== runs.length) throw new Error(`run_glue.py stopped after ${outcomes.length} of ${runs.length} runs: ${(res.stderr || "").trim().split("\n").slice(-3).join(" | ")}`);
  return outcomes;
}

/** A Parquet folder's rows and schema, read with pyarrow (hive partitions become columns). */
export function readParquet(dir: string, paths: EnginePaths = enginePaths()): { schema: [string, string][]; rows: Record<string, unknown>[] } {
  const res = spawnSync(python(paths), [path.join(__dirname, "python", "read_parquet.py"), dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`read_parquet.py ${dir}: ${(res.stderr || "").trim().split("\n").pop()}`);
  return JSON.parse(res.stdout) as { schema: [string, string][]; rows: Record<string, unknown>[] };
}
