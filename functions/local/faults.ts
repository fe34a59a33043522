/**
 * Fault injection for `platform local --faults`: DynamoDB throttling, crashes
 * after committed writes and redelivered batches.
 */
import { DynamoDBClient, ProvisionedThroughputExceededException, UpdateItemCommand } from "@aws-sdk/client-dynamodb";

export interface FaultOptions {
  /** Probability that an aggregate UpdateItem is throttled. */
  readonly throttleRate: number;
  /** Probability that an invocation "crashes" after its writes were committed. */
  readonly crashRate: number;
  /** Probability that a successful batch is delivered again. */
  readonly redeliveryRate: number;
}

export const DEFAULT_FAULTS: FaultOptions = { throttleRate: 0.05, crashRate: 0.05, redeliveryRate: 0.05 };

/** Wraps a DynamoDB client so aggregate updates are throttled at `rate`. */
export function throttlingDynamo(inner: Pick<DynamoDBClient, "send">, rate: number, random: () => number): Pick<DynamoDBClient, "send"> {
  return {
    send: ((command: unknown) => {
      if (command instanceof UpdateItemCommand && random() < rate) {
        return Promise.reject(new ProvisionedThroughputExceededException({ message: "injected throttling", $metadata: {} }));
      }
      return (inner.send as (c: unknown) => Promise<unknown>)(command);
    }) as DynamoDBClient["send"],
  };
}
