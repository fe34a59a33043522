import * as pulumi from "@pulumi/pulumi";
import { StageContext } from "../shared/context";
import { SecureBucket } from "../shared/SecureBucket";
import { BatchEtlPipelineArgs, ResolvedBatchEtlSettings } from "./settings";

export interface BatchEtlContext extends StageContext<BatchEtlPipelineArgs, ResolvedBatchEtlSettings> {
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
}

/** RAW (incoming, quarantine, rejected), TRANSFORMED, ENRICHED, and the artifacts bucket (scripts, reference data, temp). */
export interface BatchZones {
  readonly raw: SecureBucket;
  readonly transformed: SecureBucket;
  readonly enriched: SecureBucket;
  readonly artifacts: SecureBucket;
}

/** `<bucket arn>/<prefix>*`: the objects under one prefix. */
export function objectsUnder(bucket: SecureBucket, prefix: string): pulumi.Output<string> {
  return pulumi.interpolate`${bucket.arn}/${prefix}*`;
}
