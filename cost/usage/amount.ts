/**
 * A monthly quantity with its expected value and its ceiling (null when
 * nothing bounds it, with the reason). The usage formulas combine these.
 */
export interface Amount {
  /** Expected value, from the workload. */
  readonly e: number;
  /** Ceiling value (configured maxima all month), or null when unbounded. */
  readonly c: number | null;
  /** Why the ceiling is unbounded. */
  readonly why?: string;
}

export const ZERO: Amount = { e: 0, c: 0 };

export function amount(e: number, c: number | null, why?: string): Amount {
  return c === null ? { e, c, why: why ?? "no upper bound" } : { e, c };
}

export function fixed(v: number): Amount {
  return { e: v, c: v };
}

export function unbounded(e: number, why: string): Amount {
  return { e, c: null, why };
}

export function plus(a: Amount, b: Amount): Amount {
  if (a.c === null) return { e: a.e + b.e, c: null, why: a.why };
  if (b.c === null) return { e: a.e + b.e, c: null, why: b.why };
  return { e: a.e + b.e, c: a.c + b.c };
}

export function sumAll(xs: readonly Amount[]): Amount {
  return xs.reduce(plus, ZERO);
}

/** Multiply by a constant or by another amount (expected x expected, ceiling x ceiling). */
export function times(a: Amount, k: number | Amount): Amount {
  const kk = typeof k === "number" ? fixed(k) : k;
  if (a.c === null) return { e: a.e * kk.e, c: null, why: a.why };
  if (kk.c === null) return { e: a.e * kk.e, c: null, why: kk.why };
  return { e: a.e * kk.e, c: a.c * kk.c };
}

/** Apply f to both figures. */
export function map(a: Amount, f: (v: number) => number): Amount {
  return a.c === null ? { e: f(a.e), c: null, why: a.why } : { e: f(a.e), c: f(a.c) };
}

/** Replace the ceiling. */
export function withCeiling(a: Amount, c: number | null, why?: string): Amount {
  return amount(a.e, c, why);
}
