/** The zones each step writes to, each with its retention, and the artifacts bucket. */
import { pipelineBucket, retentionLifecycle } from "../shared/SecureBucket";
import { BatchEtlContext, BatchZones } from "./context";

export function buildZones({ name, args, settings: s, opts }: BatchEtlContext): BatchZones {
  return {
    raw: pipelineBucket(`${name}-raw`, args, [
      retentionLifecycle("incoming", s.rawRetentionDays, "incoming/"),
      retentionLifecycle("quarantine", s.quarantineRetentionDays, "quarantine/"),
      retentionLifecycle("rejected", s.quarantineRetentionDays, "rejected/"),
    ], opts),
    transformed: pipelineBucket(`${name}-transformed`, args, [retentionLifecycle("transformed", s.zoneRetentionDays)], opts),
    enriched: pipelineBucket(`${name}-enriched`, args, [retentionLifecycle("enriched", s.zoneRetentionDays)], opts),
    // scripts/ and reference/ (uploaded by the team) do not expire.
    artifacts: pipelineBucket(`${name}-artifacts`, args, [retentionLifecycle("glue-temp", 7, "tmp/")], opts, { forceDestroy: true }),
  };
}
