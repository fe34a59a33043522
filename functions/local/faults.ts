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

/**
 * `--permanent-failures N`: N batches whose aggregate writes are refused until
 * the end of the run, so the poller gives up on them (maxRetries) and sends
 * them to the on-failure queue. Every third new batch is doomed until N are.
 */
export class PermanentFailures {
  private readonly doomed = new Set<string>();
  private readonly seen = new Set<string>();
  private freshBatches = 0;
  private chosen = 0;
  /** Cleared at the end of the run: the replay's writes go through. */
  public active = true;

  public constructor(private readonly count: number) {}

  /** True when this invocation's writes must be refused; decides on a batch the first time it is seen. */
  public refuses(batch: readonly { shardId: string; sequenceNumber: string }[]): boolean {
    if (!this.active || batch.length === 0) return false;
    const first = `${batch[0].shardId}/${batch[0].sequenceNumber}`;
    if (!this.seen.has(first) && !this.doomed.has(first)) {
      this.seen.add(first);
      if (this.chosen < this.count && this.freshBatches++ % 3 === 1) {
        this.chosen++;
        for (const r of batch) this.doomed.add(`${r.shardId}/${r.sequenceNumber}`);
      }
    }
    return batch.some((r) => this.doomed.has(`${r.shardId}/${r.sequenceNumber}`));
  }
}

/** A client whose UpdateItem calls fail while `refuse()` says so. */
export function refusingDynamo(inner: Pick<DynamoDBClient, "send">, refuse: () => boolean): Pick<DynamoDBClient, "send"> {
  return {
    send: ((command: unknown) => {
      if (command instanceof UpdateItemCommand && refuse()) {
        return Promise.reject(new ProvisionedThroughputExceededException({ message: "injected permanent failure", $metadata: {} }));
      }
      return (inner.send as (c: unknown) => Promise<unknown>)(command);
    }) as DynamoDBClient["send"],
  };
}
