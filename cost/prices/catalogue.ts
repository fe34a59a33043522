/**
 * Typed access to the price catalogue (`catalogue.json`, imported once).
 * A region that is not in the catalogue is an {@link UnknownRegionError}:
 * prices never fall back to another region.
 */
import data from "./catalogue.json";
import { CostError, UnknownRegionError } from "../errors";

export interface PriceTier {
  /** Upper bound of the tier in the entry's unit (cumulative); null = no upper bound. */
  upTo: number | null;
  usd: number;
}

export interface PriceEntry {
  /** USD per unit (the first tier when tiered). */
  usd: number;
  unit: string;
  /** The AWS pricing page the price belongs to. */
  source: string;
  /** When the price was read (ISO date). */
  asOf: string;
  /** published | uniform | derived (see the catalogue's $comment). */
  basis: "published" | "uniform" | "derived";
  /** read | recalled | derived. */
  confidence: "read" | "recalled" | "derived";
  note?: string;
  tiers?: PriceTier[];
}

type Catalogue = { regions: Record<string, Record<string, PriceEntry>> };
const CATALOGUE = data as unknown as Catalogue;

/** Regions with prices, sorted. */
export const PRICED_REGIONS: readonly string[] = Object.keys(CATALOGUE.regions).sort();

/** The prices of one region. */
export interface PriceBook {
  readonly region: string;
  /** The entry for a price key; throws a {@link CostError} for an unknown key (a bug in an estimator). */
  entry(key: string): PriceEntry;
}

const books = new Map<string, PriceBook>();

/** The price book of a region. Throws {@link UnknownRegionError}. */
export function priceBook(region: string): PriceBook {
  const cached = books.get(region);
  if (cached) return cached;
  const entries = CATALOGUE.regions[region];
  if (!entries) throw new UnknownRegionError(region, PRICED_REGIONS);
  const book: PriceBook = {
    region,
    entry(key: string): PriceEntry {
      const e = entries[key];
      if (!e) throw new CostError(`price ${key} is missing from the ${region} catalogue`);
      return e;
    },
  };
  books.set(region, book);
  return book;
}

/** Every price key of a region (for tests and docs). */
export function priceKeys(region: string): string[] {
  const entries = CATALOGUE.regions[region];
  if (!entries) throw new UnknownRegionError(region, PRICED_REGIONS);
  return Object.keys(entries).sort();
}
