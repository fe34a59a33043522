/**
 * The local producer: puts an input file's lines, or generated traffic, on
 * the stream with PutRecords, 500 records at a time, retrying the records
 * Kinesis refused (throttling) until each is stored.
 */
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { STANDARD_CATALOGUE, TrafficGenerator } from "./generator";

/** Generated traffic: event-time minutes per wall-clock minute. */
export const SPEEDUP = 12;

export type LocalInput =
  | { readonly kind: "lines"; readonly lines: readonly Buffer[] }
  /** `speedup`: event-time seconds per wall-clock second (default {@link SPEEDUP}; 1 for real-time traffic). */
  | { readonly kind: "generate"; readonly rate: number; readonly durationSeconds: number; readonly speedup?: number };

export interface ProducerTarget {
  readonly kinesis: Pick<KinesisClient, "send">;
  readonly stream: string;
  /** The contract's values the generator draws from. */
  readonly regions: readonly string[];
  readonly currencies: readonly string[];
  readonly seed: number;
}

/** The producer's progress, read by the consumers' loop. */
export interface ProducerState {
  produced: number;
  producing: boolean;
}

/** Puts every record of `input` on the stream; `state` is updated as records are stored. */
export async function produce(target: ProducerTarget, input: LocalInput, state: ProducerState): Promise<void> {
  try {
    if (input.kind === "lines") await putRecords(target, input.lines.map((data, i) => ({ data, key: partitionKeyOf(data, i) })), state);
    else await produceTraffic(target, input.rate, input.durationSeconds, state, input.speedup ?? SPEEDUP);
  } finally {
    state.producing = false;
  }
}

async function putRecords(target: ProducerTarget, records: readonly { data: Buffer; key: string }[], state: ProducerState): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    let batch = records.slice(i, i + 500);
    while (batch.length > 0) {
      const out = await target.kinesis.send(new PutRecordsCommand({ StreamName: target.stream, Records: batch.map((r) => ({ Data: r.data, PartitionKey: r.key })) }));
      const failed = batch.filter((_, j) => out.Records?.[j]?.ErrorCode);
      state.produced += batch.length - failed.length;
      batch = failed;
    }
  }
}

/** `rate` transactions per second for `durationSeconds`, with a sale spike from 50% to 80% of the run. */
async function produceTraffic(target: ProducerTarget, rate: number, durationSeconds: number, state: ProducerState, speedup: number): Promise<void> {
  const gen = new TrafficGenerator({ seed: target.seed, ...STANDARD_CATALOGUE, regions: target.regions, currencies: target.currencies });
  const start = Date.now();
  // Event time runs `speedup` times faster than the wall clock and ends now, so a short run builds spike baselines.
  const eventStart = start - durationSeconds * 1000 * (speedup - 1);
  let sent = 0;
  const spikeFrom = durationSeconds * 0.5;
  const spikeTo = durationSeconds * 0.8;
  while (Date.now() - start < durationSeconds * 1000) {
    const elapsed = (Date.now() - start) / 1000;
    const due = Math.min(Math.floor(elapsed * rate), Math.floor(durationSeconds * rate)) - sent;
    if (due <= 0) {
      await sleep(20);
      continue;
    }
    const inSpike = elapsed >= spikeFrom && elapsed < spikeTo;
    const batch = Array.from({ length: due }, () => {
      const tx = gen.transaction(eventStart + (Date.now() - start) * speedup, inSpike ? { rank: 137, share: 0.3 } : undefined);
      return { data: Buffer.from(JSON.stringify(tx)), key: tx.transactionId };
    });
    sent += due;
    await putRecords(target, batch, state);
  }
}

/** The partition key: the transactionId when the line has one (keeps a transaction's duplicates on one shard). */
export function partitionKeyOf(data: Buffer, i: number): string {
  const m = /"transactionId"\s*:\s*"([^"]{1,200})"/.exec(data.subarray(0, 400).toString("latin1"));
  return m ? m[1] : `line-${i}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
