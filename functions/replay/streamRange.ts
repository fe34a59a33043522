/**
 * Reads one shard's records between two sequence numbers back from Kinesis
 * (GetShardIterator AT_SEQUENCE_NUMBER, then GetRecords until past the end).
 * Records older than the stream's retention are gone: the range then starts
 * later than asked, or is empty.
 */
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { compareSeq, StreamRecord } from "../stream-processor/processor";

export async function readStreamRange(kinesis: Pick<KinesisClient, "send">, streamName: string, shardId: string, from: string, to: string): Promise<StreamRecord[]> {
  let iterator: string | undefined;
  try {
    iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", StartingSequenceNumber: from }))).ShardIterator;
  } catch (err) {
    // A sequence number past the trim horizon: read what is left from the oldest record on.
    if ((err as { name?: string }).name !== "InvalidArgumentException") throw err;
    iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
  }
  const out: StreamRecord[] = [];
  for (let empty = 0; iterator && empty < 3; ) {
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    iterator = got.NextShardIterator;
    const records = got.Records ?? [];
    if (records.length === 0) {
      if ((got.MillisBehindLatest ?? 0) === 0) empty++;
      continue;
    }
    for (const r of records) {
      if (compareSeq(r.SequenceNumber!, to) > 0) return out;
      if (compareSeq(r.SequenceNumber!, from) < 0) continue;
      out.push({ shardId, sequenceNumber: r.SequenceNumber!, partitionKey: r.PartitionKey!, arrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? 0, data: r.Data! });
    }
  }
  return out;
}
