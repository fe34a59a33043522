/**
 * The failed-batches queue: SQS in AWS (the event source mapping's on-failure
 * destination), in memory in `platform local` (SQS has no emulator here).
 * A message is deleted only after its replay completed, so an interrupted
 * replay finds it again.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

export interface QueuedMessage {
  readonly id: string;
  /** What deletes it (the SQS receipt handle). */
  readonly receipt: string;
  readonly body: string;
  /** When it was sent, epoch ms. */
  readonly sentMs?: number;
}

export interface FailedBatchQueue {
  /** Every message currently in the queue (a snapshot; none is hidden for long). */
  receiveAll(): Promise<QueuedMessage[]>;
  delete(message: QueuedMessage): Promise<void>;
}

/** The on-failure queue of `platform local`: the poller sends, the replay reads. */
export class MemoryQueue implements FailedBatchQueue {
  private readonly messages = new Map<string, QueuedMessage>();
  private next = 0;

  public send(body: string): void {
    const id = `local-${++this.next}`;
    this.messages.set(id, { id, receipt: id, body, sentMs: Date.now() });
  }

  public get size(): number {
    return this.messages.size;
  }

  public receiveAll(): Promise<QueuedMessage[]> {
    return Promise.resolve([...this.messages.values()]);
  }

  public delete(message: QueuedMessage): Promise<void> {
    this.messages.delete(message.receipt);
    return Promise.resolve();
  }
}

/** The deployed queue. Messages are received with a visibility timeout long enough for one replay run. */
export function sqsQueue(sqs: Pick<SQSClient, "send">, queueUrl: string, visibilityTimeoutSeconds = 900): FailedBatchQueue {
  return {
    async receiveAll() {
      const out: QueuedMessage[] = [];
      for (;;) {
        const got = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: visibilityTimeoutSeconds, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["SentTimestamp"] }),
        );
        const messages = got.Messages ?? [];
        for (const m of messages) out.push({ id: m.MessageId!, receipt: m.ReceiptHandle!, body: m.Body ?? "", sentMs: Number(m.Attributes?.SentTimestamp ?? NaN) });
        if (messages.length === 0) return out;
      }
    },
    async delete(message) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receipt }));
    },
  };
}
