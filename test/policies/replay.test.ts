import assert from "node:assert/strict";
import { kinesisRetentionCoversReplay } from "../../policies/replay";
import { messages, res, run, withInputs, without } from "./helpers";

describe("replay policies", () => {
  describe("kinesis-retention-covers-replay", () => {
    const stream = res("aws:kinesis/stream:Stream", "transactions", { shardCount: 1, retentionPeriod: 24 });
    const mapping = res("aws:lambda/eventSourceMapping:EventSourceMapping", "processor-source", { maximumRecordAgeInSeconds: 21_600 }, { dependsOn: [stream] });
    it("passes 24 h of retention for 6 h of record age and a 12 h window", () => {
      assert.deepEqual(run(kinesisRetentionCoversReplay, [stream, mapping], { replayWindowHours: 12 }).violations, []);
    });
    it("fails when the window does not fit in the retention", () => {
      assert.match(messages(run(kinesisRetentionCoversReplay, [stream, mapping], { replayWindowHours: 20 })).join(), /retentionPeriod must be at least 26 h .* got 24 h/);
    });
    it("counts the 24 h default when retentionPeriod is not set", () => {
      assert.match(messages(run(kinesisRetentionCoversReplay, [without(stream, "retentionPeriod"), mapping], { replayWindowHours: 19 })).join(), /at least 25 h/);
      assert.deepEqual(run(kinesisRetentionCoversReplay, [withInputs(stream, { retentionPeriod: 48 }), mapping], { replayWindowHours: 19 }).violations, []);
    });
    it("asks for a maximum record age (Lambda's default keeps retrying until records expire)", () => {
      assert.match(messages(run(kinesisRetentionCoversReplay, [stream, without(mapping, "maximumRecordAgeInSeconds")], { replayWindowHours: 12 })).join(), /must set maximumRecordAgeInSeconds/);
    });
  });
});
