/**
 * Reading the environment with zod at cold start: a missing or malformed
 * variable is a {@link ConfigurationError} naming it.
 */
import { z } from "zod";
import { ConfigurationError } from "./errors";

/** A required non-empty string. */
export const requiredString = () => z.string({ error: "is required" }).trim().min(1, { error: "is required" });

/** A comma-separated list of at least one entry: "EMEA,NA" -> ["EMEA", "NA"]. */
export const commaList = () =>
  requiredString()
    .transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0))
    .refine((xs) => xs.length > 0, { error: "must list at least one value" });

/** A number given as text, e.g. "3" or "2.5". */
export const numberFromText = (opts: { int?: boolean; min?: number; gt?: number } = {}) =>
  requiredString()
    .transform((s) => Number(s))
    .refine((n) => Number.isFinite(n), { error: "must be a number" })
    .refine((n) => !opts.int || Number.isInteger(n), { error: "must be an integer" })
    .refine((n) => opts.min === undefined || n >= opts.min, { error: `must be at least ${opts.min}` })
    .refine((n) => opts.gt === undefined || n > opts.gt, { error: `must be greater than ${opts.gt}` });

/** Parses `env` with `schema`; the error lists every bad variable: "AGGREGATES_TABLE is required". */
export function readEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv | Record<string, string | undefined>): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.map(String).join(".") || "environment"} ${i.message}`);
  throw new ConfigurationError(`invalid environment: ${problems.join("; ")}`);
}
