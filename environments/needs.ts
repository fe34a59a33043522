/**
 * What the data is used for: the part of a workload profile the workload
 * numbers cannot say. `platform compare` reads it from a workload file and
 * each pipeline's recommendation rules (components/registry.ts) score it.
 */
import { z } from "zod";

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
