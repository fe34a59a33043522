/**
 * I/O around {@link parseEnvironment}: read a stack file from disk, or the
 * config of the stack the Pulumi engine is running.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseYamlOr, readTextFileOr } from "../model/files";
import { ConfigError } from "./errors";
import { parseEnvironment } from "./parse";
import { Environment } from "./schema";

/** `Pulumi.<stack>.yaml` files in a project folder, by stack name (sorted). */
export function listStackFiles(projectDir: string): { stack: string; file: string }[] {
  return fs
    .readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ stack: m[1], file: path.join(projectDir, m[0]) }))
    .sort((a, b) => a.stack.localeCompare(b.stack));
}

/** The project name declared in `Pulumi.yaml`. */
export function readProjectName(projectDir: string): string {
  const doc = readYaml(path.join(projectDir, "Pulumi.yaml")) as { name?: unknown } | null;
  if (!doc || typeof doc.name !== "string") throw new ConfigError("Pulumi.yaml: name is required (got nothing)", "Pulumi.yaml");
  return doc.name;
}

/** Reads and validates `Pulumi.<stack>.yaml`. Throws {@link ConfigError}. */
export function loadStackFile(file: string, project: string): Environment {
  const base = path.basename(file);
  const match = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
  if (!match) throw new ConfigError(`${base}: a stack file must be named Pulumi.<stack>.yaml`, base);
  const doc = readYaml(file) as { config?: unknown } | null;
  const config = doc?.config;
  if (config === undefined || config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new ConfigError(`${base}: config must be a map of keys (got ${JSON.stringify(config ?? null)})`, base);
  }
  return parseEnvironment({ stack: match[1], project, file: base, config: config as Record<string, unknown> });
}

/** The running stack's environment, read from the Pulumi engine's config. */
export function loadFromPulumi(): Environment {
  const stack = pulumi.getStack();
  const all = pulumi.runtime.allConfig();
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) config[key] = decodeConfigValue(value);
  return parseEnvironment({ stack, project: pulumi.getProject(), file: `Pulumi.${stack}.yaml`, config });
}

/** The engine hands structured values over as JSON text; plain strings stay strings. */
function decodeConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function readYaml(file: string): unknown {
  const base = path.basename(file);
  const fail = (message: string) => new ConfigError(message, base);
  return parseYamlOr(readTextFileOr(file, base, fail), base, fail);
}
