/** What both replays run with: the stack's current contract and the deployed (or emulated) resources. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { ValidationContext } from "../shared";
import { ProcessorConfig } from "../stream-processor/config";

export interface ReplayDeps {
  /** The processor's config for the stack as it is now (contract, table, quarantine bucket, buckets, retention). */
  readonly config: ProcessorConfig;
  readonly dynamo: Pick<DynamoDBClient, "send">;
  readonly s3: Pick<S3Client, "send">;
  readonly kinesis: Pick<KinesisClient, "send">;
  readonly streamName: string;
  /** Where now-valid quarantined records go for the history (the history bucket). */
  readonly historyBucket?: string;
  readonly hashKey: () => Promise<string>;
  readonly now?: () => number;
}

export function validationContextOf(deps: ReplayDeps): ValidationContext {
  const c = deps.config;
  return { regions: c.regions, currencies: c.currencies, maxRecordBytes: c.maxRecordBytes, nowMs: (deps.now ?? Date.now)() };
}
