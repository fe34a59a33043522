/**
 * Documented default AWS service quotas (data: `quotas.json`, with source and
 * date). A quota the stack's region needs and the file does not hold is a
 * {@link QuotaMissingError} (exit 2), never a fallback to another region.
 */
import data from "./quotas.json";
import { CostError } from "../errors";

export interface QuotaEntry {
  readonly value: number;
  readonly unit: string;
  /** The AWS page that documents the quota. */
  readonly source: string;
  /** When it was read (ISO date). */
  readonly asOf: string;
  readonly note?: string;
}

type QuotaFile = { global: Record<string, QuotaEntry>; regions: Record<string, Record<string, QuotaEntry>> };
const QUOTAS = data as unknown as QuotaFile;

export const QUOTA_FILE = "cost/quotas/quotas.json";

/** Regions with regional quotas, sorted. */
export const QUOTA_REGIONS: readonly string[] = Object.keys(QUOTAS.regions).sort();

/** The stack's region has no value for a quota a ceiling depends on. */
export class QuotaMissingError extends CostError {
  public override readonly name = "QuotaMissingError";
  public constructor(
    public readonly key: string,
    public readonly region: string,
  ) {
    super(`${QUOTA_FILE}: quota ${key} is missing for region ${region} (a ceiling that relies on it must use the region's documented default; known regions: ${QUOTA_REGIONS.join(", ")})`);
  }
}

/** The quota entry for a key in a region (regional value first, then the global one). */
export function quotaEntry(region: string, key: string): QuotaEntry {
  const e = QUOTAS.regions[region]?.[key] ?? QUOTAS.global[key];
  if (!e) throw new QuotaMissingError(key, region);
  return e;
}

/** The quota's value in a region. Throws {@link QuotaMissingError}. */
export function quota(region: string, key: string): number {
  return quotaEntry(region, key).value;
}

/** Every quota key a region resolves (global and regional), sorted. */
export function quotaKeys(region: string): string[] {
  return [...new Set([...Object.keys(QUOTAS.global), ...Object.keys(QUOTAS.regions[region] ?? {})])].sort();
}

/**
 * The delay between spend and the budget notification that reports it, in
 * hours: billing data lands at least once a day, and Budgets evaluates it
 * every 8-12 hours after that. The brake's worst case runs this long at full rate.
 */
export function budgetsDelayHours(region: string): number {
  return quota(region, "budgets.billingDataRefreshHours") + quota(region, "budgets.evaluationIntervalHours");
}
