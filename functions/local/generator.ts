/**
 * Realistic synthetic traffic: Zipf-distributed product popularity, several
 * regions and currencies, optional sale spike, and invalid records of every
 * kind. Seeded, so tests and benchmarks are reproducible. Pure (no I/O).
 */
import { REJECTION_RULES, RejectionRule } from "../shared";

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples ranks 0..n-1 with P(k) proportional to 1/(k+1)^s. */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface TransactionJson {
  transactionId: string;
  occurredAt: string;
  customer: { id: string; email?: string; country: string };
  region: string;
  currency: string;
  items: { productId: string; category: string; unitPrice: number; quantity: number }[];
  totalAmount: number;
}

export interface GeneratorOptions {
  readonly seed: number;
  readonly products: number;
  readonly zipfExponent: number;
  readonly regions: readonly string[];
  readonly currencies: readonly string[];
}

/**
 * The standard catalogue every generated workload uses (local runs, benchmarks,
 * cost measurements): 2,000 products with Zipf(1.1) popularity.
 */
export const STANDARD_CATALOGUE = { products: 2000, zipfExponent: 1.1 } as const;

const CATEGORIES = ["shoes", "apparel", "electronics", "home", "toys", "beauty", "sports", "books"];
const COUNTRIES: Record<string, readonly string[]> = { EMEA: ["FR", "DE", "GB", "ES", "CH"], NA: ["US", "CA"], LATAM: ["BR", "MX", "AR"], APAC: ["JP", "AU", "SG"] };

export const productId = (rank: number): string => `P${String(rank + 1).padStart(5, "0")}`;

/** Produces valid transactions; `spike` boosts one product for a while. */
export class TrafficGenerator {
  private readonly random: () => number;
  private readonly pick: () => number;
  private readonly prices: number[];
  private counter = 0;

  public constructor(private readonly options: GeneratorOptions) {
    this.random = seededRandom(options.seed);
    this.pick = zipfSampler(options.products, options.zipfExponent, this.random);
    this.prices = Array.from({ length: options.products }, () => Math.round((2 + this.random() * 198) * 100) / 100);
  }

  public get rng(): () => number {
    return this.random;
  }

  /** One valid transaction at `occurredAtMs`; with `spike`, that product is added with probability `spike.share`. */
  public transaction(occurredAtMs: number, spike?: { readonly rank: number; readonly share: number }): TransactionJson {
    const r = this.random;
    const region = this.options.regions[Math.floor(r() * this.options.regions.length)];
    const currency = this.options.currencies[Math.floor(r() * this.options.currencies.length)];
    const lines = 1 + Math.floor(r() * r() * 4);
    const items: TransactionJson["items"] = [];
    for (let i = 0; i < lines; i++) {
      const rank = spike && i === 0 && r() < spike.share ? spike.rank : this.pick();
      items.push({ productId: productId(rank), category: CATEGORIES[rank % CATEGORIES.length], unitPrice: this.prices[rank], quantity: 1 + Math.floor(r() * r() * 5) });
    }
    const total = Math.round(items.reduce((s, it) => s + it.unitPrice * it.quantity, 0) * 100) / 100;
    const n = this.counter++;
    const countries = COUNTRIES[region] ?? ["FR"];
    const customer: TransactionJson["customer"] = { id: `C${Math.floor(r() * 50_000)}`, country: countries[Math.floor(r() * countries.length)] };
    if (r() < 0.7) customer.email = `${customer.id.toLowerCase()}@example.com`;
    return {
      transactionId: `T${this.options.seed}-${n}`,
      occurredAt: new Date(occurredAtMs).toISOString(),
      customer,
      region,
      currency,
      items,
      totalAmount: total,
    };
  }
}

/** The invalid kinds the generator can make (every rule). */
export const INVALID_KINDS: readonly RejectionRule[] = REJECTION_RULES;

/** A record breaking exactly `rule`, built from a valid transaction. `nowMs` anchors the future timestamp. */
export function invalidRecord(rule: RejectionRule, base: TransactionJson, nowMs: number, maxRecordBytes: number): Buffer {
  const tx = structuredClone(base) as unknown as Record<string, unknown> & TransactionJson;
  switch (rule) {
    case "oversized":
      tx.customer.id = "X".repeat(maxRecordBytes);
      break;
    case "not-utf8":
      return Buffer.concat([Buffer.from(JSON.stringify(tx).slice(0, 40)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from("}")]);
    case "not-json":
      return Buffer.from(JSON.stringify(tx).slice(0, -7));
    case "missing-field":
      delete (tx as Partial<TransactionJson>).transactionId;
      break;
    case "wrong-type":
      (tx.items[0] as unknown as Record<string, unknown>).unitPrice = String(tx.items[0].unitPrice);
      break;
    case "invalid-value":
      tx.items[0].quantity = 0;
      break;
    case "invalid-email":
      tx.customer.email = `${tx.customer.id}.example.com`;
      break;
    case "unknown-region":
      tx.region = "MARS";
      break;
    case "unknown-currency":
      tx.currency = "XTS";
      break;
    case "future-timestamp":
      tx.occurredAt = new Date(nowMs + 3_600_000).toISOString();
      break;
    case "price-inconsistent":
      tx.totalAmount = Math.round((tx.totalAmount + 1.5) * 100) / 100;
      break;
  }
  return Buffer.from(JSON.stringify(tx));
}
