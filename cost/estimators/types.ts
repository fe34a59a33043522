/**
 * What an estimator is, and the small helpers every estimator uses to read
 * props and usage and to build priced lines.
 */
import { PriceBook } from "../prices/catalogue";
import { CostLine, Usage } from "../types";

export type Props = Readonly<Record<string, unknown>>;

export interface EstimatorInput {
  readonly props: Props;
  readonly usage: Usage;
  readonly prices: PriceBook;
}

/** Prices one resource type from its props and usage. Pure. */
export interface Estimator {
  /** Usage keys accepted, each with its one-line meaning (docs/cost.md lists the same). */
  readonly usageKeys: Readonly<Record<string, string>>;
  /**
   * Props that change the price or the derived usage of a resource of this type (dotted paths):
   * while a preview does not know one of them yet, the resource cannot be priced. None when absent.
   */
  readonly priceProps?: readonly string[];
  price(input: EstimatorInput): CostLine[];
}

/** A priced line; `quantity` is expressed in the catalogue entry's unit. Zero quantities give no line. */
export function line(prices: PriceBook, key: string, component: string, quantity: number): CostLine[] {
  if (!(quantity > 0)) return [];
  const e = prices.entry(key);
  return [{ component, quantity, unit: e.unit, unitPriceUsd: e.usd, monthlyUsd: quantity * e.usd }];
}

/** Lines for a tiered price: the quantity is split over the entry's tiers (cumulative `upTo`). */
export function tieredLines(prices: PriceBook, key: string, component: string, quantity: number): CostLine[] {
  if (!(quantity > 0)) return [];
  const e = prices.entry(key);
  if (!e.tiers || e.tiers.length === 0) return line(prices, key, component, quantity);
  const lines: CostLine[] = [];
  let floor = 0;
  e.tiers.forEach((tier, i) => {
    const top = tier.upTo ?? Infinity;
    const inTier = Math.max(0, Math.min(quantity, top) - floor);
    if (inTier > 0) {
      const label = e.tiers!.length > 1 ? `${component} (tier ${i + 1})` : component;
      lines.push({ component: label, quantity: inTier, unit: e.unit, unitPriceUsd: tier.usd, monthlyUsd: inTier * tier.usd });
    }
    floor = top;
  });
  return lines;
}

/** The value at a dotted path (`a.b.0.c`) of the props, or undefined. */
export function at(props: unknown, path: string): unknown {
  let v: unknown = props;
  for (const part of path.split(".")) {
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v)) {
      // Pulumi sometimes models a single nested block as a one-element list.
      v = /^\d+$/.test(part) ? v[Number(part)] : (v[0] as Record<string, unknown> | undefined)?.[part];
    } else if (typeof v === "object") {
      v = (v as Record<string, unknown>)[part];
    } else {
      return undefined;
    }
  }
  return v;
}

/** A finite number at `path`, or undefined (numeric strings are accepted). */
export function numAt(props: unknown, path: string): number | undefined {
  const v = at(props, path);
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A string at `path`, or undefined. */
export function strAt(props: unknown, path: string): string | undefined {
  const v = at(props, path);
  return typeof v === "string" ? v : undefined;
}

/** A boolean at `path` (true / "true"), or undefined. */
export function boolAt(props: unknown, path: string): boolean | undefined {
  const v = at(props, path);
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

/** A usage value (0 when absent). */
export function use(usage: Usage, key: string, fallback = 0): number {
  const v = usage[key];
  return v === undefined ? fallback : v;
}
