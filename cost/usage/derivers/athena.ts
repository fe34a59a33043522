/**
 * Amazon Athena: queries a month a workgroup runs (the analysts' queries of
 * the workload, plus each report function's named queries per invocation)
 * and the data each scans, bounded by bytesScannedCutoffPerQuery.
 */
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, GB } from "../../constants";
import { numAt } from "../../estimators/types";
import { Amount, amount, fixed } from "../amount";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import { envWriters } from "../refs";
import { T } from "../tokens";
import type { Deriver } from "./types";

export function athenaQueries(ctx: UsageContext, wg: StackResource): Amount {
  const w = ctx.workload;
  const analysts = w ? w.queriesPerDay * DAYS_PER_MONTH : 0;
  const named = ctx.graph.linking(T.namedQuery, "workgroup", (q) => [q.inputs.workgroup], wg).length;
  const reports = envWriters(ctx.graph, wg).reduce((acc, { fn }) => acc + ctx.lambda(fn).invocations.e * Math.max(1, named), 0);
  return fixed(analysts + reports);
}

export const athenaWorkgroup: Deriver = {
  derive(wg, ctx) {
    const queries = ctx.athenaQueries(wg);
    const perQuery = ctx.workload?.scannedGbPerQuery ?? 0;
    const cutoff = numAt(wg.inputs, "configuration.bytesScannedCutoffPerQuery");
    return toDerived({
      monthly_queries: queries,
      data_scanned_gb_per_query: amount(perQuery, cutoff === undefined ? null : Math.max(perQuery, cutoff / GB), "no bytesScannedCutoffPerQuery"),
    });
  },
};
