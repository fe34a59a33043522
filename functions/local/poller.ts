/**
 * A Lambda-like Kinesis poller for one shard, with the event source mapping's
 * semantics: batch size, batching window, retries, bisect on function error,
 * partial batch responses (ReportBatchItemFailures) and checkpoints.
 *
 * {@link nextPollerState} is the pure decision; {@link ShardPoller} wires it
 * to a record source and an invoke function that are passed in.
 */

export interface PollerSettings {
  /** Maximum records per invocation. */
  readonly batchSize: number;
  /** How long to wait for a full batch before invoking with fewer records. */
  readonly batchingWindowMs: number;
  /** Retries of a failing record before its batch is discarded; -1 retries until the record expires (forever here). */
  readonly maxRetries: number;
  /** Split a batch in two when the function errors. */
  readonly bisectOnError: boolean;
  /**
   * Least time between two reads of the shard (default 0: read whenever the buffer has room). Lambda's
   * pollers read a shard about once per second (docs/functions.md, "Freshness"); the freshness benchmark sets 1000.
   */
  readonly pollIntervalMs?: number;
}

/** What an invocation returned. */
export type InvokeResult = { readonly kind: "response"; readonly failedSequenceNumbers: readonly string[] } | { readonly kind: "error"; readonly error: unknown };

export interface PollerState {
  /** The current batch limit (the batch size, or less after bisecting). */
  readonly limit: number;
  /** Failed attempts at the record at the head of the buffer. */
  readonly attempts: number;
}

export interface Decision {
  readonly state: PollerState;
  /** How many records at the head of the batch are done (checkpointed). */
  readonly advance: number;
  /** Records given up on after the retries were exhausted. */
  readonly discarded: number;
}

export const initialPollerState = (settings: PollerSettings): PollerState => ({ limit: settings.batchSize, attempts: 0 });

/** Pure: the next state after invoking `batch` (sequence numbers in order) with `result`. */
export function nextPollerState(settings: PollerSettings, state: PollerState, batch: readonly string[], result: InvokeResult): Decision {
  const full = { limit: settings.batchSize, attempts: 0 };
  const exhausted = (attempts: number) => settings.maxRetries >= 0 && attempts > settings.maxRetries;
  if (result.kind === "response") {
    if (result.failedSequenceNumbers.length === 0) return { state: full, advance: batch.length, discarded: 0 };
    // Lambda checkpoints before the lowest failed record; an identifier not in the batch fails the whole batch.
    const positions = result.failedSequenceNumbers.map((s) => batch.indexOf(s));
    const lowest = positions.some((p) => p < 0) ? 0 : Math.min(...positions);
    const attempts = lowest > 0 ? 1 : state.attempts + 1;
    if (exhausted(attempts)) return { state: full, advance: batch.length, discarded: batch.length - lowest };
    return { state: { limit: settings.batchSize, attempts }, advance: lowest, discarded: 0 };
  }
  // Function error: bisect (splits do not count against the retry quota), else retry the whole batch.
  if (settings.bisectOnError && batch.length > 1) {
    return { state: { limit: Math.ceil(batch.length / 2), attempts: state.attempts }, advance: 0, discarded: 0 };
  }
  const attempts = state.attempts + 1;
  if (exhausted(attempts)) return { state: full, advance: batch.length, discarded: batch.length };
  return { state: { limit: state.limit, attempts }, advance: 0, discarded: 0 };
}

export interface RecordSource<T> {
  /** Returns the next records after those already returned (empty when none are available now). */
  read(): Promise<T[]>;
  /** True when no record will ever arrive again (a finished input file). */
  readonly finished: boolean;
}

export interface PollerStats {
  invocations: number;
  errors: number;
  partialFailures: number;
  checkpointed: number;
  discarded: number;
  /** Arrival time (ms) of the last checkpointed record, for the iterator age. */
  lastArrivalMs: number | undefined;
  /** Reads of the source (GetRecords) and the time they took, ms: the stream's (emulator's) share of the latency. */
  reads: number;
  readMs: number;
}

/** Polls one shard and invokes the function with its batches. */
export class ShardPoller<T extends { readonly sequenceNumber: string; readonly arrivalMs: number }> {
  private buffer: T[] = [];
  private state: PollerState;
  private waitingSince: number | undefined;
  private lastReadMs = -Infinity;
  /** The sequence number of the last checkpointed record. */
  public checkpoint: string | undefined;
  public readonly stats: PollerStats = { invocations: 0, errors: 0, partialFailures: 0, checkpointed: 0, discarded: 0, lastArrivalMs: undefined, reads: 0, readMs: 0 };
  /** The on-failure destination: called with the records given up on (retries exhausted). */
  public onDiscard: ((records: readonly T[]) => void) | undefined;

  public constructor(
    private readonly settings: PollerSettings,
    private readonly source: RecordSource<T>,
    private readonly invoke: (batch: readonly T[]) => Promise<InvokeResult>,
    private readonly clock: () => number = Date.now,
  ) {
    this.state = initialPollerState(settings);
  }

  /** Records read but not checkpointed yet. */
  public get pending(): number {
    return this.buffer.length;
  }

  /**
   * One polling step: reads, and invokes when a batch is due (full, window
   * elapsed, or the source finished). Returns false when it had nothing to do.
   */
  public async step(): Promise<boolean> {
    if (this.buffer.length < this.state.limit && !this.source.finished && this.clock() - this.lastReadMs >= (this.settings.pollIntervalMs ?? 0)) {
      this.lastReadMs = this.clock();
      this.buffer.push(...(await this.source.read()));
      this.stats.reads++;
      this.stats.readMs += this.clock() - this.lastReadMs;
    }
    if (this.buffer.length === 0) return false;
    const now = this.clock();
    this.waitingSince ??= now;
    const due = this.buffer.length >= this.state.limit || this.source.finished || now - this.waitingSince >= this.settings.batchingWindowMs;
    if (!due) return false;
    const batch = this.buffer.slice(0, this.state.limit);
    let result: InvokeResult;
    try {
      result = await this.invoke(batch);
    } catch (error) {
      result = { kind: "error", error };
    }
    this.stats.invocations++;
    if (result.kind === "error") this.stats.errors++;
    else if (result.failedSequenceNumbers.length > 0) this.stats.partialFailures++;
    const decision = nextPollerState(
      this.settings,
      this.state,
      batch.map((r) => r.sequenceNumber),
      result,
    );
    this.state = decision.state;
    if (decision.advance > 0) {
      const done = this.buffer.splice(0, decision.advance);
      this.checkpoint = done[done.length - 1].sequenceNumber;
      this.stats.checkpointed += decision.advance - decision.discarded;
      this.stats.discarded += decision.discarded;
      if (decision.discarded > 0) this.onDiscard?.(done.slice(done.length - decision.discarded));
      this.stats.lastArrivalMs = done[done.length - 1].arrivalMs;
      this.waitingSince = this.buffer.length > 0 ? now : undefined;
    }
    return true;
  }
}
