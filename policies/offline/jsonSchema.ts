/**
 * The subset of JSON Schema our policies' `configSchema`s use, validated the
 * way the Pulumi CLI validates `--policy-pack-config`: type, enum, const,
 * numeric bounds, string length and pattern, arrays (items, min/max items,
 * uniqueness) and objects (properties, required, additionalProperties).
 * Returns the first problem as "must ..." text plus the path, or applies defaults.
 */
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface SchemaProblem {
  /** Path below the validated value, e.g. ["allowedActions", 2]. */
  readonly path: readonly (string | number)[];
  /** The rule, phrased to follow the field: "must be an integer". */
  readonly rule: string;
  readonly value: unknown;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === "number" && actual === "integer");
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** The first problem with `value` against `schema`, or undefined. */
export function validateSchema(schema: PolicyConfigJSONSchema, value: unknown, path: (string | number)[] = []): SchemaProblem | undefined {
  const fail = (rule: string): SchemaProblem => ({ path, rule, value });
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => matchesType(value, t))) return fail(`must be ${types.map(article).join(" or ")}`);
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return fail(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  }
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) return fail(`must be ${JSON.stringify(schema.const)}`);
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) return fail(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) return fail(`must be at most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return fail(`must be more than ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return fail(`must be less than ${schema.exclusiveMaximum}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) return fail(`must be at least ${schema.minLength} characters long`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) return fail(`must be at most ${schema.maxLength} characters long`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return fail(`must match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return fail(`must list at least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return fail(`must list at most ${schema.maxItems} items`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return fail("must not repeat an item");
    if (schema.items !== undefined && !Array.isArray(schema.items) && typeof schema.items === "object") {
      for (let i = 0; i < value.length; i++) {
        const p = validateSchema(schema.items, value[i], [...path, i]);
        if (p) return p;
      }
    }
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (obj[key] === undefined) return { path: [...path, key], rule: "is required", value: undefined };
    for (const [key, v] of Object.entries(obj)) {
      const sub = schema.properties?.[key];
      if (sub !== undefined && typeof sub === "object") {
        const p = validateSchema(sub, v, [...path, key]);
        if (p) return p;
      } else if (sub === undefined && schema.additionalProperties === false) {
        return { path: [...path, key], rule: "is not a known option", value: v };
      } else if (sub === undefined && typeof schema.additionalProperties === "object") {
        const p = validateSchema(schema.additionalProperties, v, [...path, key]);
        if (p) return p;
      }
    }
  }
  return undefined;
}

/** Top-level defaults of an object schema, filled in where the value leaves them out. */
export function withDefaults(properties: Readonly<Record<string, PolicyConfigJSONSchema>>, value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    if (schema.default !== undefined) out[key] = structuredClone(schema.default);
  }
  return { ...out, ...value };
}
