/**
 * Generated transactions for the history tests, and their truth computed
 * straight from the input JSON (not through our transform or SQL): producer
 * duplicates, every kind of invalid record, purchases spread over 14 days
 * away from the reports' window edges.
 */
import { invalidRecord, TrafficGenerator, TransactionJson } from "../../functions/local/generator";
import { INVALID_KINDS } from "../../functions/local/generator";
import { ArrivingRecord } from "../../functions/local/history";

export const REGIONS = ["EMEA", "NA", "APAC"];
export const CURRENCIES = ["EUR", "USD"];
export const MAX_RECORD_BYTES = 100 * 1024;
const DAY = 86_400_000;

export interface HistoryInput {
  readonly nowMs: number;
  readonly records: ArrivingRecord[];
  /** Valid transactions as produced (duplicates included), with their arrival. */
  readonly valid: { tx: TransactionJson; arrivalMs: number }[];
  readonly invalid: number;
}

/** `count` purchases over the last `spanDays` (up to 14); ~6% sent twice; two records of every invalid kind. */
export function generateHistory(nowMs: number, count = 1500, seed = 7, spanDays = 13.9): HistoryInput {
  const gen = new TrafficGenerator({ seed, products: 6, zipfExponent: 1.1, regions: REGIONS, currencies: CURRENCIES });
  const r = gen.rng;
  const valid: HistoryInput["valid"] = [];
  const records: ArrivingRecord[] = [];
  const edges = [DAY, 7 * DAY, 14 * DAY];
  for (let i = 0; i < count; i++) {
    let age = 60_000 + r() * (spanDays * DAY);
    // Keep 30 minutes away from every window edge, so query time and test time agree.
    if (edges.some((e) => Math.abs(age - e) < 30 * 60_000)) age += 60 * 60_000;
    const occurred = nowMs - age;
    const tx = gen.transaction(occurred);
    const arrival = Math.min(nowMs - 1000, occurred + Math.floor(r() * 60_000));
    valid.push({ tx, arrivalMs: arrival });
    records.push({ data: Buffer.from(JSON.stringify(tx)), arrivalMs: arrival });
    if (r() < 0.06) {
      const again = Math.min(nowMs - 500, arrival + 30_000);
      valid.push({ tx, arrivalMs: again });
      records.push({ data: Buffer.from(JSON.stringify(tx)), arrivalMs: again });
    }
  }
  let invalid = 0;
  for (const rule of INVALID_KINDS) {
    for (let k = 0; k < 2; k++) {
      const base = gen.transaction(nowMs - 3_600_000);
      records.push({ data: invalidRecord(rule, base, nowMs, MAX_RECORD_BYTES), arrivalMs: nowMs - 3_000_000 + k });
      invalid++;
    }
  }
  records.sort((a, b) => a.arrivalMs - b.arrivalMs);
  return { nowMs, records, valid, invalid };
}

/** One copy per transaction id (the first to arrive), among copies delivered on or after `minDt`. */
export function deduplicated(input: HistoryInput, minDt = "0000-00-00"): { tx: TransactionJson; arrivalMs: number }[] {
  const first = new Map<string, { tx: TransactionJson; arrivalMs: number }>();
  for (const v of input.valid) {
    if (new Date(v.arrivalMs).toISOString().slice(0, 10) < minDt) continue;
    const seen = first.get(v.tx.transactionId);
    if (!seen || v.arrivalMs < seen.arrivalMs) first.set(v.tx.transactionId, v);
  }
  return [...first.values()];
}

const cents = (x: number) => Math.round(x * 100) / 100;
const dateMinusDays = (nowMs: number, days: number) => new Date(Date.UTC(new Date(nowMs).getUTCFullYear(), new Date(nowMs).getUTCMonth(), new Date(nowMs).getUTCDate()) - days * DAY).toISOString().slice(0, 10);

export function topProductsTruth(input: HistoryInput): Record<string, unknown>[] {
  const groups = new Map<string, { product_id: string; category: string; currency: string; units: number; revenue: number; orders: Set<string> }>();
  for (const { tx } of deduplicated(input, dateMinusDays(input.nowMs, 1))) {
    if (Date.parse(tx.occurredAt) < input.nowMs - DAY) continue;
    for (const it of tx.items) {
      const k = `${it.productId}|${it.category}|${tx.currency}`;
      const g = groups.get(k) ?? { product_id: it.productId, category: it.category, currency: tx.currency, units: 0, revenue: 0, orders: new Set<string>() };
      g.units += it.quantity;
      g.revenue += it.quantity * it.unitPrice;
      g.orders.add(tx.transactionId);
      groups.set(k, g);
    }
  }
  return [...groups.values()].map((g) => ({ product_id: g.product_id, category: g.category, currency: g.currency, units: g.units, revenue: cents(g.revenue), orders: g.orders.size }));
}

export function revenueByRegionTruth(input: HistoryInput): Record<string, unknown>[] {
  const groups = new Map<string, { region: string; currency: string; revenue: number; orders: number; customers: Set<string> }>();
  for (const { tx } of deduplicated(input, dateMinusDays(input.nowMs, 1))) {
    if (Date.parse(tx.occurredAt) < input.nowMs - DAY) continue;
    const k = `${tx.region}|${tx.currency}`;
    const g = groups.get(k) ?? { region: tx.region, currency: tx.currency, revenue: 0, orders: 0, customers: new Set<string>() };
    g.revenue += tx.totalAmount;
    g.orders++;
    // The report counts the e-mail's hash when there is one, else the customer id.
    g.customers.add(tx.customer.email !== undefined ? `email:${tx.customer.email.toLowerCase()}` : `id:${tx.customer.id}`);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => ({ region: g.region, currency: g.currency, revenue: cents(g.revenue), orders: g.orders, customers: g.customers.size }));
}

/** Change in percent to one decimal, rounded half away from zero (Trino's decimal rounding), from integers. */
function changePct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  const n = 1000 * (current - previous);
  const tenths = Math.floor((2 * Math.abs(n) + previous) / (2 * previous));
  return (Math.sign(n) * tenths) / 10;
}

export function trendTruth(input: HistoryInput): Record<string, unknown>[] {
  const per = new Map<string, { current: { units: number; revenue: number }; previous: { units: number; revenue: number } }>();
  for (const { tx } of deduplicated(input, dateMinusDays(input.nowMs, 14))) {
    const at = Date.parse(tx.occurredAt);
    if (at < input.nowMs - 14 * DAY) continue;
    const period = at >= input.nowMs - 7 * DAY ? "current" : "previous";
    for (const it of tx.items) {
      const p = per.get(it.productId) ?? { current: { units: 0, revenue: 0 }, previous: { units: 0, revenue: 0 } };
      p[period].units += it.quantity;
      p[period].revenue += it.quantity * it.unitPrice;
      per.set(it.productId, p);
    }
  }
  return [...per.entries()]
    .filter(([, p]) => p.current.units > 0)
    .map(([product, p]) => ({
      product_id: product,
      units_current: p.current.units,
      units_previous: p.previous.units,
      revenue_current: cents(p.current.revenue),
      revenue_previous: cents(p.previous.revenue),
      units_change_pct: changePct(p.current.units, p.previous.units),
    }));
}

/** The done-when query: distinct transactions and revenue per region, over the whole history (duplicates counted once). */
export function regionTotalsTruth(input: HistoryInput): Record<string, unknown>[] {
  const groups = new Map<string, { ids: Set<string>; revenue: number }>();
  for (const v of input.valid) {
    const g = groups.get(v.tx.region) ?? { ids: new Set<string>(), revenue: 0 };
    // sum(total_amount) over the history counts every delivered copy, as the SQL does.
    g.ids.add(v.tx.transactionId);
    g.revenue += v.tx.totalAmount;
    groups.set(v.tx.region, g);
  }
  return [...groups.entries()].map(([region, g]) => ({ region, n: g.ids.size, revenue: cents(g.revenue) }));
}
