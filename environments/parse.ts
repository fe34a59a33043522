/**
 * Turns a stack's raw config (keys as Pulumi writes them: `platform:budget`,
 * `aws:region`) into one typed {@link Environment}, or a {@link ConfigError}
 * whose one-line message names the file, the key, the value and the rule.
 * Pure: callers read files or the Pulumi runtime and pass the values in.
 */
import { z } from "zod";
import { documentationAccountsIn } from "./documentationAccounts";
import { ConfigError } from "./errors";
import { AwsRegionSchema, Environment, PlatformConfigSchema } from "./schema";

export const PLATFORM_NAMESPACE = "platform";

export interface RawStackConfig {
  /** Stack name, e.g. "dev". */
  readonly stack: string;
  /** Pulumi project name. */
  readonly project: string;
  /** The file the values came from, named in error messages. */
  readonly file: string;
  /** Config values keyed `namespace:key`, already decoded from YAML or JSON. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Validates a stack's config. Throws {@link ConfigError} on the first rule broken. */
export function parseEnvironment(raw: RawStackConfig): Environment {
  const platform: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.config)) {
    const [namespace, ...rest] = key.split(":");
    if (namespace === PLATFORM_NAMESPACE && rest.length > 0) platform[rest.join(":")] = value;
  }

  const problems: string[] = [];
  const region = AwsRegionSchema.safeParse(raw.config["aws:region"]);
  if (!region.success) {
    const got = raw.config["aws:region"];
    problems.push(got === undefined ? "aws:region is required (got nothing)" : `aws:region ${region.error.issues[0].message} (got ${show(got)})`);
  }
  problems.push(...documentationAccountProblems(raw.config));
  const parsed = PlatformConfigSchema.safeParse(platform);
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => describeIssue(issue, platform)));

  if (problems.length > 0 || !parsed.success || !region.success) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
    throw new ConfigError(`${raw.file}: ${problems[0]}${more}`, raw.file, problems.map((p) => `${raw.file}: ${p}`));
  }
  return { ...parsed.data, stack: raw.stack, project: raw.project, awsRegion: region.data };
}

/** `platform:budget.monthlyUsd`, `platform:pipelines[1]`. */
export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path;
  let key = `${PLATFORM_NAMESPACE}:${String(head ?? "")}`;
  for (const part of rest) key += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return key;
}

/** Any value, in any namespace, that names an AWS documentation example account (documentationAccounts.ts). */
function documentationAccountProblems(config: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const visit = (key: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(`${key}[${i}]`, v));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(`${key}.${k}`, v);
    else if (typeof value === "string" || typeof value === "number") {
      const ids = documentationAccountsIn(String(value));
      if (ids.length > 0) problems.push(`${key} must name an account of yours, not AWS's documentation example account ${ids[0]} (got ${show(value)})`);
    }
  };
  for (const [key, value] of Object.entries(config)) visit(key, value);
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) =>
      issue.path.length === 0 ? `${configKey([k])} is not a known key` : `${configKey([...issue.path, k])} is not a known key`,
    );
  }
  const value = valueAt(data, issue.path);
  if (value === undefined) return [`${configKey(issue.path)} is required (got nothing)`];
  return [`${configKey(issue.path)} ${issue.message} (got ${show(value)})`];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part as string];
  }
  return cur;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
