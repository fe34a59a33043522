/**
 * Where the real engines live and which versions the project pins. Trino is the
 * engine family of Athena engine version 3; PySpark 3.5 on Python 3.11 is what
 * Glue 5.0 runs. Everything is installed into a cache folder outside the
 * repository by `engines/setup.ts`.
 */
import * as os from "node:os";
import * as path from "node:path";

/** Trino server release on Maven Central (io.trino:trino-server). */
export const TRINO_VERSION = "476";
/** Trino 476 needs Java 24 or newer; the machines carry a Temurin 25 JDK here. Override with TRINO_JAVA_HOME. */
export const DEFAULT_TRINO_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";
/** The only plugin our tables need: Hive (file metastore, local file system, Parquet). */
export const TRINO_PLUGINS: readonly string[] = ["hive"];
export const MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2";

export function trinoTarballUrl(version = TRINO_VERSION): string {
  return `${MAVEN_CENTRAL}/io/trino/trino-server/${version}/trino-server-${version}.tar.gz`;
}

/** `${XDG_CACHE_HOME:-$HOME/.cache}/retail-data-platform`, or RETAIL_ENGINES_CACHE. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env["RETAIL_ENGINES_CACHE"]) return path.resolve(env["RETAIL_ENGINES_CACHE"]);
  const base = env["XDG_CACHE_HOME"] || path.join(env["HOME"] || os.homedir(), ".cache");
  return path.join(base, "retail-data-platform");
}

export interface EnginePaths {
  readonly root: string;
  readonly trinoHome: string;
  readonly javaHome: string;
  readonly venv: string;
  readonly python: string;
  /** Requirements the venv was built from (pinned). */
  readonly requirements: string;
}

export function enginePaths(env: NodeJS.ProcessEnv = process.env): EnginePaths {
  const root = cacheRoot(env);
  const venv = path.join(root, "python-venv");
  return {
    root,
    trinoHome: path.join(root, `trino-server-${TRINO_VERSION}`),
    javaHome: env["TRINO_JAVA_HOME"] || DEFAULT_TRINO_JAVA_HOME,
    venv,
    python: path.join(venv, "bin", "python"),
    requirements: path.join(__dirname, "python", "requirements.txt"),
  };
}
