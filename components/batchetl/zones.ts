/** The zones each step writes to, each with its retention, and the artifacts bucket. */
import * as pulumi from "@pulumi/pulumi";
import { pipelineBucket, retentionLifecycle } from "../shared/SecureBucket";
import { BatchEtlContext, BatchZones } from "./context";

/** Where exports land in RAW: the upload gate's prefix, the file check's trigger. */
export const INCOMING_PREFIX = "incoming/";

export function buildZones({ name, args, settings: s, opts }: BatchEtlContext, gateRoleArn: pulumi.Input<string>): BatchZones {
  return {
    // Written only through the upload gate (SecureBucket gatedUploads).
    raw: pipelineBucket(`${name}-raw`, args, [
      retentionLifecycle("incoming", s.rawRetentionDays, INCOMING_PREFIX),
      retentionLifecycle("quarantine", s.quarantineRetentionDays, "quarantine/"),
      retentionLifecycle("rejected", s.quarantineRetentionDays, "rejected/"),
    ], opts, { gatedUploads: { prefix: INCOMING_PREFIX, writerRoleArn: gateRoleArn } }),
    transformed: pipelineBucket(`${name}-transformed`, args, [retentionLifecycle("transformed", s.zoneRetentionDays)], opts),
    enriched: pipelineBucket(`${name}-enriched`, args, [retentionLifecycle("enriched", s.zoneRetentionDays)], opts),
    // scripts/ and reference/ (uploaded by the team) do not expire.
    artifacts: pipelineBucket(`${name}-artifacts`, args, [retentionLifecycle("glue-temp", 7, "tmp/")], opts, { forceDestroy: true }),
  };
}
