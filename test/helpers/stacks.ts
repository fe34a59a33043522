import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
/** Loading this repository's stack files and synthesizing them, shared by tests. */
import * as path from "node:path";
import { Environment, loadStackFile, readProjectName } from "../../environments";
import { StackResource } from "../../model/resources";
import { synthesizeStack, SynthResult } from "../../platform/synth";

export { UNKNOWN_STACK } from "./unknownStack";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT = readProjectName(REPO_ROOT);

export function loadEnv(stack: string): Environment {
  return loadStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), PROJECT);
}

const cache = new Map<string, Promise<SynthResult>>();

/** Synthesizes a repository stack once per test run. */
export function synthesized(stack: string): Promise<SynthResult> {
  let result = cache.get(stack);
  if (!result) {
    result = synthesizeStack(loadEnv(stack));
    cache.set(stack, result);
  }
  return result;
}

/** The one resource of a type whose logical name matches; fails loudly otherwise. */
export function one(resources: readonly StackResource[], type: string, name?: string): StackResource {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0];
}

export function all(resources: readonly StackResource[], type: string): StackResource[] {
  return resources.filter((r) => r.type === type);
}

/** A JSON policy document input, parsed. */
export function policyOf(r: StackResource, key = "policy"): { Statement: { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[] } {
  const doc = r.inputs[key];
  if (typeof doc !== "string") throw new Error(`${r.name}.${key} is not a JSON string`);
  return JSON.parse(doc);
}

/** Deep-clones a raw stack config so a test can break one key. */
export function rawConfig(stack: string): Record<string, unknown> {
  return (parseYaml(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
}

/**
 * A throw-away project folder: the repository's Pulumi.yaml plus stack files
 * made from `source` (a stack file of the repository), each edited by its
 * function. Tests that need a stack file of their own use it, never the
 * repository's folder, so no test depends on which stack files a team adds.
 */
export function copyProject(files: Record<string, (doc: Record<string, unknown>) => void>, source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "platform-project-"));
  copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const [name, edit] of Object.entries(files)) {
    const doc = parseYaml(readFileSync(path.join(REPO_ROOT, source), "utf8")) as Record<string, unknown>;
    edit(doc);
    writeFileSync(path.join(dir, name), stringifyYaml(doc));
  }
  return dir;
}
