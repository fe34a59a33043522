/**
 * Amazon QuickSight: readers and authors are billed per account, so the
 * workload's dashboard users go on the stack's first data source only.
 */
import { fixed } from "../amount";
import { toDerived } from "../derived";
import { T } from "../tokens";
import type { Deriver } from "./types";

export const quicksightDataSource: Deriver = {
  derive(r, ctx) {
    const first = ctx.graph.ofType(T.qsDataSource)[0] === r;
    const w = ctx.workload;
    return toDerived({ readers: fixed(first && w ? w.dashboardUsers : 0), authors: fixed(first && w ? w.dashboardAuthors : 0) });
  },
};
