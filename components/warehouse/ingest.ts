/**
 * Acquire: the Kinesis stream application servers put events into, encrypted,
 * with the capacity limits.kinesis sets. Firehose reads it (a Kinesis source),
 * so what producers can send is bounded by the shards, not by Direct PUT's
 * regional quota.
 */
import * as aws from "@pulumi/aws";
import { StreamingWarehouseContext } from "./context";

export function buildIngest({ name, args, settings: s, opts }: StreamingWarehouseContext): aws.kinesis.Stream {
  return new aws.kinesis.Stream(`${name}-event-stream`, {
    ...(s.shardCount !== undefined ? { shardCount: s.shardCount } : {}),
    streamModeDetails: { streamMode: s.streamMode },
    retentionPeriod: s.streamRetentionHours,
    encryptionType: "KMS",
    kmsKeyId: args.kmsKeyArn,
  }, opts);
}
