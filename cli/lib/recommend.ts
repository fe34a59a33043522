/**
 * Which reference pipeline fits a workload profile, and why. Rule-based and
 * pure: each pipeline's rules (its `fit` in components/registry.ts) add points
 * with a sentence the user reads; a pipeline slower than the latency the
 * profile needs is ruled out, one whose latency matches gains 3; the lowest
 * expected cost breaks ties.
 */
import { Needs, Workload } from "../../environments";
import type { FitRule, LatencyClass } from "../../components/stages";

export { BRIEF_NEEDS, Needs, NeedsSchema } from "../../environments";

export interface Candidate {
  kind: string;
  latencyClass: LatencyClass;
  /** The pipeline's rules, from its registry entry. */
  fit: readonly FitRule[];
  expectedMonthlyUsd: number;
  ceilingMonthlyUsd: number | null;
}

export interface Assessment {
  kind: string;
  score: number;
  /** Ruled out (too slow for the latency needed). */
  excluded: boolean;
  reasons: string[];
}

const LATENCY_OF: Record<Needs["latency"], LatencyClass> = { seconds: "real-time", minutes: "near-real-time", hours: "batch" };
const SPEED: Record<LatencyClass, number> = { "real-time": 0, "near-real-time": 1, batch: 2 };

export function assess(c: Candidate, w: Workload, needs: Needs): Assessment {
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, why: string) => {
    score += points;
    reasons.push(why);
  };
  const wanted = LATENCY_OF[needs.latency];
  if (SPEED[c.latencyClass] > SPEED[wanted]) {
    return { kind: c.kind, score: 0, excluded: true, reasons: [`too slow: ${c.latencyClass} answers, the profile needs answers within ${needs.latency}`] };
  }
  if (c.latencyClass === wanted) add(3, `its ${c.latencyClass} latency matches answers within ${needs.latency}`);
  const profile = { workload: w, needs };
  for (const rule of c.fit) if (rule.when(profile)) add(rule.points, rule.why(profile));
  return { kind: c.kind, score, excluded: false, reasons };
}

/** The best candidate: highest score, then lowest expected cost, then lowest ceiling (unbounded last). */
export function recommend(candidates: readonly Candidate[], w: Workload, needs: Needs): { kind: string; reasons: string[]; assessments: Assessment[] } | null {
  const assessments = candidates.map((c) => assess(c, w, needs));
  const ranked = candidates
    .map((c, i) => ({ c, a: assessments[i] }))
    .filter((x) => !x.a.excluded)
    .sort((x, y) => y.a.score - x.a.score || x.c.expectedMonthlyUsd - y.c.expectedMonthlyUsd || (x.c.ceilingMonthlyUsd ?? Infinity) - (y.c.ceilingMonthlyUsd ?? Infinity));
  const best = ranked[0];
  if (!best) return null;
  const reasons = [...best.a.reasons];
  const tied = ranked.filter((x) => x !== best && x.a.score === best.a.score);
  if (tied.length) reasons.push(`cheaper than ${tied.map((x) => x.c.kind).join(", ")}, which fit${tied.length === 1 ? "s" : ""} as well (expected $${best.c.expectedMonthlyUsd.toFixed(2)}/month)`);
  return { kind: best.c.kind, reasons, assessments };
}
