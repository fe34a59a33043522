/**
 * Price one resource from its type, props, usage and region. Pure.
 */
import { InvalidPropError, InvalidUsageError, UnknownTypeError, UnknownUsageKeyError } from "./errors";
import { at } from "./estimators/types";
import { PROP_RULES, propViolation } from "./propRules";
import { ESTIMATORS, Estimator } from "./estimators";
import { KNOWN_FREE } from "./free";
import { priceBook } from "./prices/catalogue";
import { PriceResourceArgs, ResourcePrice, Usage } from "./types";

/** `pulumi:providers:aws` or `package:module/resource:Type`. */
const TYPE_TOKEN = /^(pulumi:providers:[a-z0-9-]+|[a-z][a-z0-9-]*:[A-Za-z0-9_./-]+:[A-Za-z0-9_]+)$/;

export type Pricing = { kind: "estimator"; estimator: Estimator } | { kind: "free"; reason: string } | { kind: "unpriced" };

/** How the engine treats a type token. Throws {@link UnknownTypeError} for a malformed token. */
export function pricingOf(type: string): Pricing {
  if (!TYPE_TOKEN.test(type)) throw new UnknownTypeError(type, "is not a Pulumi type token (expected e.g. aws:lambda/function:Function)");
  const estimator = ESTIMATORS[type];
  if (estimator) return { kind: "estimator", estimator };
  const reason = KNOWN_FREE[type];
  if (reason !== undefined) return { kind: "free", reason };
  return { kind: "unpriced" };
}

/** Usage keys a type accepts (empty for known-free types). */
export function usageKeysOf(type: string): readonly string[] {
  const p = pricingOf(type);
  return p.kind === "estimator" ? Object.keys(p.estimator.usageKeys) : [];
}

/** Throws when a usage key is unknown for the type or a value is not a finite number >= 0. */
export function checkUsage(type: string, usage: Record<string, unknown>, where = ""): Usage {
  const accepted = usageKeysOf(type);
  for (const [key, value] of Object.entries(usage)) {
    if (!accepted.includes(key)) throw new UnknownUsageKeyError(type, key, accepted, where);
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new InvalidUsageError(`${where}usage key "${key}" must be a number of zero or more (got ${typeof value === "number" ? String(value) : JSON.stringify(value)})`);
    }
  }
  return usage as Usage;
}

/**
 * Throws {@link InvalidPropError} for the first priced prop whose value AWS would
 * not accept (cost/propRules.ts); props that are absent take the estimator's default.
 */
export function checkProps(type: string, props: Record<string, unknown>, where = ""): void {
  for (const [key, rule] of Object.entries(PROP_RULES[type] ?? {})) {
    const value = at(props, key);
    if (value === undefined) continue;
    const violation = propViolation(rule, value);
    if (violation !== undefined) throw new InvalidPropError(`${where}prop "${key}" of ${type} must be ${violation} (got ${typeof value === "number" ? String(value) : JSON.stringify(value)}; ${rule.source})`);
  }
}

/**
 * The monthly cost of one resource. Throws {@link UnknownTypeError} for a
 * malformed token or a type with no estimator that is not known to be free,
 * {@link UnknownUsageKeyError} for a usage key the type does not take,
 * {@link InvalidPropError} for a priced prop AWS would not accept, and
 * {@link UnknownRegionError} for a region with no prices.
 */
export function priceResource(args: PriceResourceArgs): ResourcePrice {
  const pricing = pricingOf(args.type);
  if (pricing.kind === "unpriced") throw new UnknownTypeError(args.type, "has no estimator and is not known to be free");
  const usage = checkUsage(args.type, args.usage);
  checkProps(args.type, args.props);
  const prices = priceBook(args.region);
  if (pricing.kind === "free") return { monthlyUsd: 0, lines: [] };
  const lines = pricing.estimator.price({ props: args.props, usage, prices });
  return { monthlyUsd: sum(lines.map((l) => l.monthlyUsd)), lines };
}

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
