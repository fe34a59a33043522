/** Acquire: the Kinesis stream every transaction is put into, encrypted, with bounded capacity. */
import * as aws from "@pulumi/aws";
import { RealtimeContext } from "./context";

export function buildIngest({ name, args, settings: s, opts }: RealtimeContext): aws.kinesis.Stream {
  return new aws.kinesis.Stream(`${name}-transactions`, {
    ...(s.shardCount !== undefined ? { shardCount: s.shardCount } : {}),
    streamModeDetails: { streamMode: s.streamMode },
    retentionPeriod: s.streamRetentionHours,
    encryptionType: "KMS",
    kmsKeyId: args.kmsKeyArn,
    shardLevelMetrics: ["IncomingBytes", "IncomingRecords", "IteratorAgeMilliseconds", "WriteProvisionedThroughputExceeded"],
  }, opts);
}
