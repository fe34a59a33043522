/**
 * What a deriver returns for one resource: its expected monthly usage and its
 * ceiling (the usage at the configured maxima, or why nothing bounds it).
 */
import { Usage } from "../types";
import { Amount } from "./amount";

export type Ceiling = { readonly usage: Usage } | { readonly unbounded: string };

export interface Derived {
  readonly expected: Usage;
  readonly ceiling: Ceiling;
}

/** Expected usage and ceiling usage (or the first reason it is unbounded). */
export function toDerived(amounts: Record<string, Amount>): Derived {
  const expected: Usage = {};
  const ceiling: Usage = {};
  let why: string | undefined;
  for (const [k, a] of Object.entries(amounts)) {
    expected[k] = a.e;
    if (a.c === null) why ??= `${k}: ${a.why ?? "no upper bound"}`;
    else ceiling[k] = Math.max(a.c, a.e);
  }
  return { expected, ceiling: why === undefined ? { usage: ceiling } : { unbounded: why } };
}
