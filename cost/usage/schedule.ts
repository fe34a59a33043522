/**
 * Runs a month of an EventBridge / Glue schedule expression:
 * `rate(5 minutes)`, `cron(min hour day-of-month month day-of-week [year])`
 * (AWS's six-field cron; Glue's is the same), `at(...)` (one-time: 0 a month).
 * Returns undefined for an expression it cannot read.
 */
import { DAYS_PER_MONTH, SECONDS_PER_MONTH } from "../constants";

const UNIT_SECONDS: Readonly<Record<string, number>> = { minute: 60, minutes: 60, hour: 3600, hours: 3600, day: 86400, days: 86400 };

export function monthlyRuns(expression: string | undefined): number | undefined {
  if (!expression) return undefined;
  const e = expression.trim();
  const rate = /^rate\(\s*(\d+)\s+([a-z]+)\s*\)$/i.exec(e);
  if (rate) {
    const seconds = UNIT_SECONDS[rate[2].toLowerCase()];
    const n = Number(rate[1]);
    return seconds && n > 0 ? SECONDS_PER_MONTH / (n * seconds) : undefined;
  }
  if (/^at\(/i.test(e)) return 0;
  const cron = /^cron\((.*)\)$/i.exec(e);
  if (!cron) return undefined;
  const f = cron[1].trim().split(/\s+/);
  if (f.length < 5) return undefined;
  const [min, hour, dom, month, dow] = f as [string, string, string, string, string];
  const minutes = count(min, 0, 59);
  const hours = count(hour, 0, 23);
  const months = count(month, 1, 12);
  if (minutes === undefined || hours === undefined || months === undefined) return undefined;
  let days: number | undefined;
  if (isAll(dom) && isAll(dow)) days = DAYS_PER_MONTH;
  else if (!isAll(dom)) days = count(dom.replace(/[LW]/g, ""), 1, 31);
  else days = mapDefined(count(dow.replace(/#\d+|L/g, ""), 1, 7), (n) => (n * DAYS_PER_MONTH) / 7);
  if (days === undefined) return undefined;
  return minutes * hours * days * (months / 12);
}

function isAll(field: string): boolean {
  return field === "*" || field === "?";
}

/** Values a cron field selects within [lo, hi]. */
function count(field: string, lo: number, hi: number): number | undefined {
  if (isAll(field)) return hi - lo + 1;
  let total = 0;
  for (const part of field.split(",")) {
    const m = /^(\*|\d+|[A-Z]{3})(?:-(\d+|[A-Z]{3}))?(?:\/(\d+))?$/i.exec(part);
    if (!m) return undefined;
    const step = m[3] ? Number(m[3]) : 1;
    if (m[1] === "*") {
      total += Math.floor((hi - lo) / step) + 1;
      continue;
    }
    const start = value(m[1]);
    const end = m[2] ? value(m[2]) : m[3] ? hi : start;
    if (start === undefined || end === undefined || end < start) return undefined;
    total += Math.floor((end - start) / step) + 1;
  }
  return total;
}

const NAMES: Readonly<Record<string, number>> = {
  SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7,
  JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12,
};

function value(token: string): number | undefined {
  return /^\d+$/.test(token) ? Number(token) : NAMES[token.toUpperCase()];
}

function mapDefined<T, U>(v: T | undefined, f: (t: T) => U): U | undefined {
  return v === undefined ? undefined : f(v);
}
