/**
 * The local producer: puts an input file's lines, or generated traffic, on
 * the stream with PutRecords within Kinesis's request limits, retrying the
 * records Kinesis refused (throttling) until each is stored. A record Kinesis
 * would refuse for its size is what a real producer gets back as a
 * ValidationException: it is set aside and counted, and the run goes on.
 */
import { KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { STANDARD_CATALOGUE, TrafficGenerator } from "./generator";
import { InputLine, isOversized } from "./inputLines";

/**
 * Kinesis Data Streams' write limits, as AWS documents them (as of 2026-12-01):
 * PutRecords takes at most 500 records and 5 MiB per request, partition keys
 * included, and a record (data blob plus partition key) is at most the stream's
 * maximum record size, 1 MiB by default for new and existing streams (our streams
 * keep the default).
 * Sources: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html,
 * https://docs.aws.amazon.com/streams/latest/dev/large-records.html
 */
export const KINESIS_WRITE_LIMITS = {
  maxRecordBytes: 1_048_576,
  maxRecordsPerRequest: 500,
  maxRequestBytes: 5_242_880,
} as const;

/** Generated traffic: event-time minutes per wall-clock minute. */
export const SPEEDUP = 12;

export type LocalInput =
  | { readonly kind: "lines"; readonly lines: Iterable<InputLine> }
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
  /** Records refused before they reached the stream: larger than Kinesis's maximum record size. */
  oversized: number;
}

/** Puts every record of `input` on the stream; `state` is updated as records are stored. */
export async function produce(target: ProducerTarget, input: LocalInput, state: ProducerState): Promise<void> {
  try {
    if (input.kind === "lines") await putLines(target, input.lines, state);
    else await produceTraffic(target, input.rate, input.durationSeconds, state, input.speedup ?? SPEEDUP);
  } finally {
    state.producing = false;
  }
}

/** Puts the lines in requests within KINESIS_WRITE_LIMITS; a line too large for one record is counted, never sent. */
async function putLines(target: ProducerTarget, lines: Iterable<InputLine>, state: ProducerState): Promise<void> {
  let batch: { data: Buffer; key: string }[] = [];
  let batchBytes = 0;
  let index = 0;
  for (const line of lines) {
    const record = kinesisRecordOf(line, index++);
    if (!record) {
      state.oversized++;
      continue;
    }
    const bytes = record.data.length + Buffer.byteLength(record.key);
    if (batch.length === KINESIS_WRITE_LIMITS.maxRecordsPerRequest || batchBytes + bytes > KINESIS_WRITE_LIMITS.maxRequestBytes) {
      await putRecords(target, batch, state);
      batch = [];
      batchBytes = 0;
    }
    batch.push(record);
    batchBytes += bytes;
  }
  if (batch.length > 0) await putRecords(target, batch, state);
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

/** The record the `index`-th input line becomes, or undefined when Kinesis would refuse it (data and partition key over the maximum record size). */
export function kinesisRecordOf(line: InputLine, index: number): { data: Buffer; key: string } | undefined {
  if (isOversized(line)) return undefined;
  const key = partitionKeyOf(line, index);
  return line.length + Buffer.byteLength(key) > KINESIS_WRITE_LIMITS.maxRecordBytes ? undefined : { data: line, key };
}

/** The partition key: the transactionId when the line has one (keeps a transaction's duplicates on one shard). */
export function partitionKeyOf(data: Buffer, i: number): string {
  const m = /"transactionId"\s*:\s*"([^"]{1,200})"/.exec(data.subarray(0, 400).toString("latin1"));
  return m ? m[1] : `line-${i}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
