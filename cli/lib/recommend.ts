/**
 * Which reference pipeline fits a workload profile, and why. Rule-based and
 * pure: each rule adds points to the pipelines it favours with a sentence the
 * user reads; a pipeline slower than the latency the profile needs is ruled
 * out; the lowest expected cost breaks ties.
 */
import { z } from "zod";
import type { Workload } from "../../environments";
import type { LatencyClass } from "../../components/stages";

/** What the data is used for: the part of a profile the workload numbers cannot say. */
export const NeedsSchema = z.strictObject({
  /** How fresh answers must be: seconds (real-time), minutes (near-real-time) or hours (batch). */
  latency: z.enum(["seconds", "minutes", "hours"], { error: "must be seconds, minutes or hours" }),
  /** Where the data comes from: application events, batch files, or relational databases. */
  sources: z.enum(["events", "files", "relational"], { error: "must be events, files or relational" }),
  /** How it is used: live dashboards and alerts, ad hoc SQL exploration, SQL warehouse monitoring, or scheduled reports. */
  analysis: z.enum(["live", "adhoc", "warehouse", "reports"], { error: "must be live, adhoc, warehouse or reports" }),
});
export type Needs = z.infer<typeof NeedsSchema>;

/** The retailer's needs (docs/brief.md): every transaction analysed as it happens, live dashboards. */
export const BRIEF_NEEDS: Needs = { latency: "seconds", sources: "events", analysis: "live" };

export interface Candidate {
  kind: string;
  latencyClass: LatencyClass;
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
/** Peaks at or above this many transactions per second need elastic streaming ingestion. */
export const HIGH_TPS = 500;

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
  switch (c.kind) {
    case "realtime":
      if (w.peakTps >= HIGH_TPS) add(2, `peaks of ${w.peakTps} transactions/s need elastic stream ingestion (Kinesis) and per-record processing`);
      if (needs.sources === "events") add(1, "continuous events are its input");
      if (needs.analysis === "live") add(2, "live dashboards, trends and spike alerts are what it is built for");
      break;
    case "streaming-warehouse":
      if (needs.sources === "events") add(1, "continuous events are its input (Firehose buffers them into the warehouse)");
      if (needs.analysis === "warehouse") add(2, "monitoring with SQL in a warehouse (Redshift) is what it is built for");
      if (needs.analysis === "reports") add(1, "scheduled reports run well on a warehouse");
      break;
    case "batch-etl":
      if (needs.sources === "relational") add(3, "exports of relational databases are its input, with auditable steps (Step Functions)");
      if (needs.sources === "files") add(1, "batch files are a valid input");
      if (needs.analysis === "reports" || needs.analysis === "warehouse") add(1, "enriched data lands in a warehouse for reports");
      break;
    case "datalake":
      if (needs.sources === "files") add(2, `batch files (${w.batchFilesPerDay}/day of ${w.batchFileMb} MB) land as they are and are catalogued automatically`);
      if (needs.analysis === "adhoc") add(2, "ad hoc SQL exploration on files (Athena) with no warehouse to run");
      if (needs.analysis === "reports") add(1, "scheduled reports with Athena");
      break;
    default:
      break;
  }
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
