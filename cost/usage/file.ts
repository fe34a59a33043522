/**
 * Usage files, Infracost style: YAML keyed by resource type token or by
 * resource logical name. Nested maps flatten to dotted keys
 * (`standard: { storage_gb: 10 }` is `standard.storage_gb`).
 *
 * ```yaml
 * version: 0.1
 * resource_type_default_usage:
 *   aws:lambda/function:Function:
 *     request_duration_ms: 120
 * resource_usage:
 *   prod-realtime-processor:        # logical name (the URN's last part)
 *     monthly_requests: 40000000
 * ```
 *
 * `loadUsageFile` is the only file reader of the cost engine.
 */
import * as path from "node:path";
import { z } from "zod";
import { parseYamlOr, readTextFileOr } from "../../model/files";
import { CostError, UsageFileError } from "../errors";
import { ESTIMATORS } from "../estimators";
import { checkUsage } from "../priceResource";
import { Usage, UsageFile } from "../types";

type Tree = { [key: string]: number | Tree };
const TreeSchema: z.ZodType<Tree> = z.lazy(() =>
  z.record(z.string(), z.union([z.number({ error: "must be a number" }).finite().min(0, { error: "must be a number of zero or more" }), TreeSchema]), {
    error: "must be a map of usage keys to numbers",
  }),
);

const UsageFileSchema = z.strictObject({
  version: z.union([z.number(), z.string()]).optional(),
  resource_type_default_usage: z.record(z.string(), TreeSchema, { error: "must be a map of type tokens" }).optional(),
  resource_usage: z.record(z.string(), TreeSchema, { error: "must be a map of resource names" }).optional(),
});

/** Every usage key any estimator accepts. */
const ALL_KEYS = new Set(Object.values(ESTIMATORS).flatMap((e) => Object.keys(e.usageKeys)));

/** Parses and validates usage-file text. Pure; `file` only names the source in messages. */
export function parseUsageFile(text: string, file = "usage file"): UsageFile {
  const doc = parseYamlOr(text, file, (message) => new UsageFileError(message, file));
  const parsed = UsageFileSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.map(String).join(".");
    throw new UsageFileError(`${file}: ${where ? `${where} ` : ""}${issue.code === "unrecognized_keys" ? `has unknown key(s) ${(issue as { keys?: string[] }).keys?.join(", ")}` : issue.message}`, file);
  }
  const byType: Record<string, Usage> = {};
  for (const [type, tree] of Object.entries(parsed.data.resource_type_default_usage ?? {})) {
    const usage = flatten(tree);
    try {
      checkUsage(type, usage, `${file}: resource_type_default_usage.${type}: `);
    } catch (err) {
      if (err instanceof CostError) throw new UsageFileError(err.message, file);
      throw err;
    }
    byType[type] = usage;
  }
  const byName: Record<string, Usage> = {};
  for (const [name, tree] of Object.entries(parsed.data.resource_usage ?? {})) {
    const usage = flatten(tree);
    for (const key of Object.keys(usage)) {
      if (!ALL_KEYS.has(key)) throw new UsageFileError(`${file}: resource_usage.${name}: usage key "${key}" is not known for any resource type`, file);
    }
    byName[name] = usage;
  }
  return { byType, byName };
}

/** Reads and validates a usage file. Throws {@link UsageFileError}. */
export function loadUsageFile(file: string): UsageFile {
  const text = readTextFileOr(file, path.basename(file), (message) => new UsageFileError(message, file));
  return parseUsageFile(text, path.basename(file));
}

function flatten(tree: Tree, prefix = ""): Usage {
  const out: Usage = {};
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number") out[key] = v;
    else Object.assign(out, flatten(v, key));
  }
  return out;
}
