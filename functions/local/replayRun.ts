/**
 * `platform local --replay`: after the run, the same replay code the
 * `platform failed-batches replay` and `platform quarantine replay` commands
 * run against AWS, run twice in a row on the emulators (the second run must
 * find nothing left to do). With `interruptAfterWrites`, a first run is cut
 * off after that many writes, as a killed process would be.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { replayFailedBatches } from "../replay/failedBatches";
import { ReplayDeps } from "../replay/context";
import { MemoryQueue } from "../replay/queue";
import { replayQuarantine } from "../replay/quarantineReplay";
import { FailedBatchReplay, QuarantineReplay } from "../replay/types";

export interface ReplayRun {
  readonly failedBatches: FailedBatchReplay[];
  readonly quarantine: QuarantineReplay;
}

export interface LocalReplayReport {
  /** Batches the poller gave up on (sent to the on-failure queue). */
  readonly failedBatches: number;
  /** Set when a first run was interrupted after this many writes. */
  readonly interruptedAfterWrites?: number;
  readonly runs: ReplayRun[];
}

export class InterruptedReplay extends Error {
  public constructor() {
    super("replay interrupted (simulated kill)");
    this.name = "InterruptedReplay";
  }
}

/** A client that fails every call after `writes` UpdateItem calls: what a killed process leaves behind. */
function cutOffDynamo(inner: Pick<DynamoDBClient, "send">, writes: number): Pick<DynamoDBClient, "send"> {
  let left = writes;
  return {
    send: ((command: { constructor: { name: string } }) => {
      if (command.constructor.name === "UpdateItemCommand" && left-- <= 0) return Promise.reject(new InterruptedReplay());
      return (inner.send as (c: unknown) => Promise<unknown>)(command);
    }) as DynamoDBClient["send"],
  };
}

async function replayOnce(deps: ReplayDeps, queue: MemoryQueue): Promise<ReplayRun> {
  const failedBatches = await replayFailedBatches(deps, queue);
  const quarantine = await replayQuarantine(deps);
  return { failedBatches, quarantine };
}

export async function runLocalReplay(deps: ReplayDeps, queue: MemoryQueue, interruptAfterWrites?: number): Promise<LocalReplayReport> {
  const failedBatches = queue.size;
  if (interruptAfterWrites !== undefined) {
    try {
      await replayOnce({ ...deps, dynamo: cutOffDynamo(deps.dynamo, interruptAfterWrites) }, queue);
    } catch (err) {
      if (!(err instanceof InterruptedReplay)) throw err;
    }
  }
  const runs = [await replayOnce(deps, queue), await replayOnce(deps, queue)];
  return { failedBatches, ...(interruptAfterWrites !== undefined ? { interruptedAfterWrites: interruptAfterWrites } : {}), runs };
}
