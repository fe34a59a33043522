/** Acquire and store: the raw zone, the curated zone and the lake's artifacts bucket, each with its retention. */
import { pipelineBucket, retentionLifecycle } from "../shared/SecureBucket";
import { DataLakeContext, LakeZones } from "./context";
import { CURATED_PREFIX, RAW_PREFIX, REJECTED_PREFIX } from "./curated";

export function buildZones({ name, args, settings: s, opts }: DataLakeContext): LakeZones {
  return {
    raw: pipelineBucket(`${name}-raw`, args, [retentionLifecycle("raw-retention", s.rawRetentionDays, RAW_PREFIX), retentionLifecycle("rejected-retention", s.rejectedRetentionDays, REJECTED_PREFIX)], opts),
    curated: pipelineBucket(`${name}-curated`, args, [retentionLifecycle("curated-retention", s.curatedRetentionDays, CURATED_PREFIX)], opts),
    // Scripts, temp files and query results only: `pulumi destroy` may always empty it.
    artifacts: pipelineBucket(`${name}-artifacts`, args, [retentionLifecycle("glue-temp", s.tempRetentionDays, "tmp/"), retentionLifecycle("athena-results", s.athenaResultsRetentionDays, "athena/")], opts, { forceDestroy: true }),
  };
}
