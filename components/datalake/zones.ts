/**
 * Acquire and store: the raw zone (written only through the upload gate), the
 * curated zone and the lake's artifacts bucket, each with its retention.
 */
import * as pulumi from "@pulumi/pulumi";
import { pipelineBucket, retentionLifecycle } from "../shared/SecureBucket";
import { DataLakeContext, LakeZones } from "./context";
import { CURATED_PREFIX, RAW_PREFIX, REJECTED_PREFIX } from "./curated";

export function buildZones({ name, args, settings: s, opts }: DataLakeContext, gateRoleArn: pulumi.Input<string>): LakeZones {
  return {
    raw: pipelineBucket(`${name}-raw`, args, [retentionLifecycle("raw-retention", s.rawRetentionDays, RAW_PREFIX), retentionLifecycle("rejected-retention", s.rejectedRetentionDays, REJECTED_PREFIX)], opts, {
      gatedUploads: { prefix: RAW_PREFIX, writerRoleArn: gateRoleArn },
    }),
    curated: pipelineBucket(`${name}-curated`, args, [retentionLifecycle("curated-retention", s.curatedRetentionDays, CURATED_PREFIX)], opts),
    // Scripts, temp files and query results only: `pulumi destroy` may always empty it.
    artifacts: pipelineBucket(`${name}-artifacts`, args, [retentionLifecycle("glue-temp", s.tempRetentionDays, "tmp/"), retentionLifecycle("athena-results", s.athenaResultsRetentionDays, "athena/")], opts, { forceDestroy: true }),
  };
}
