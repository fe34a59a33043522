/**
 * When the failed-batches alarm on the queue's oldest message must fire. A
 * batch reaches the queue at most maxRecordAgeSeconds after its records
 * arrived, so its records leave the stream when the message is
 * (retention - maxRecordAge) old at the latest. The alarm fires with a
 * quarter of that time left, so the replay still reads from the stream. Pure.
 */
export function failedBatchAgeAlarmSeconds(streamRetentionHours: number, maxRecordAgeSeconds: number): number {
  const window = streamRetentionHours * 3600 - Math.max(0, maxRecordAgeSeconds);
  return Math.max(60, Math.floor(window * 0.75));
}
