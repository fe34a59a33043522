/**
 * What the replays read and report. The on-failure message is Lambda's own
 * record for a Kinesis event source mapping that gave up on a batch
 * (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html).
 */
import { z } from "zod";
import { UserInputError } from "../../model/errors";
import { RejectionRule } from "../shared";

/** Bad replay input (a queue message of the wrong shape, a quarantine object that is not NDJSON): exit 2, nothing written. */
export class ReplayInputError extends UserInputError {
  public override readonly name: string = "ReplayInputError";
}

const decimal = z.string().regex(/^\d+$/, { error: "must be a decimal sequence number" });

export const FailedBatchMessageSchema = z.object({
  requestContext: z.object({ condition: z.string().optional(), approximateInvokeCount: z.number().optional() }).optional(),
  timestamp: z.string().optional(),
  KinesisBatchInfo: z.object({
    shardId: z.string().min(1),
    startSequenceNumber: decimal,
    endSequenceNumber: decimal,
    approximateArrivalOfFirstRecord: z.string().optional(),
    approximateArrivalOfLastRecord: z.string().optional(),
    batchSize: z.number().int().positive(),
    streamArn: z.string().min(1),
  }),
});

export type FailedBatchMessage = z.infer<typeof FailedBatchMessageSchema>;

/** Parses one queue message body; a wrong shape is one line naming the message, the field and the rule. */
export function parseFailedBatchMessage(id: string, body: string): FailedBatchMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ReplayInputError(`failed-batches message ${id}: is not JSON`);
  }
  const parsed = FailedBatchMessageSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ReplayInputError(`failed-batches message ${id}: ${issue.path.map(String).join(".") || "(message)"} ${issue.message} (not a Lambda Kinesis on-failure record)`);
}

/** What one failed batch's replay did. */
export interface FailedBatchReplay {
  readonly messageId: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** Records found (in the stream, or set aside in the quarantine). */
  readonly recovered: number;
  /** Valid records whose contributions were applied by this run (some items may have had them already). */
  readonly applied: number;
  /** Item updates this run made, and those a previous run had made already (ledger). */
  readonly itemUpdates: number;
  readonly alreadyReplayed: number;
  /** Records the current contract rejects, now in the quarantine. */
  readonly rejected: Partial<Record<RejectionRule, number>>;
  readonly duplicates: number;
  /** Why records could not be read back, if any did not come back. */
  readonly unrecoverable?: { readonly reason: string; readonly fromSequenceNumber: string; readonly toSequenceNumber: string };
}

export interface QuarantineReplay {
  /** Quarantined records read (de-duplicated on shard and sequence number). */
  readonly records: number;
  /** Now valid under the current contract: counted by this run, or found counted by a previous one. */
  readonly nowValid: number;
  readonly applied: number;
  readonly alreadyReplayed: number;
  /** Still invalid, by their current rule. */
  readonly stillInvalid: Partial<Record<RejectionRule, number>>;
  /** History objects written for the now-valid records. */
  readonly historyObjects: number;
}
