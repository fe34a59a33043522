/**
 * Unit cost and peak headroom (cost/unitCost.ts) on prod's synthesized stack.
 * The references are physical: a stream cannot carry less than the peak's
 * transactions times their bytes, nor bill more than 1 KB a record above it
 * (on-demand ingest is metered in 1 KB units); a function cannot run more
 * copies than its reserved concurrency.
 */
import { strict as assert } from "node:assert";
import { boundsAtPeak, estimateStack, flatAtPeak, scaleTraffic, usdPerMillionTransactions } from "../../cost";
import { loadEnv, synthesized } from "../helpers/stacks";

const MiB = 1024 * 1024;

describe("unit cost and peak bounds", function () {
  this.timeout(60_000);

  it("scales the transaction traffic only", () => {
    const w = loadEnv("prod").workload;
    const scaled = scaleTraffic(w, 10);
    assert.deepEqual(scaled, { ...w, averageTps: w.averageTps * 10, peakTps: w.peakTps * 10 });
    assert.deepEqual(flatAtPeak(w), { ...w, averageTps: w.peakTps });
  });

  it("reads the stream's peak writes and the processor's concurrency within their physical bounds", async () => {
    const env = loadEnv("prod");
    const { resources } = await synthesized("prod");
    const atPeak = estimateStack(resources, { region: env.awsRegion, workload: flatAtPeak(env.workload), limits: env.limits });
    const bounds = boundsAtPeak(atPeak, resources, env.limits, env.workload.averageRecordBytes);
    // Prod's stream is provisioned: a shard takes 1,000 records/s or 1 MiB/s, whichever the peak reaches first.
    const kinesis = bounds.find((b) => b.bound === "shardCount of realtime-transactions")!;
    const shardsNeeded = Math.max(env.workload.peakTps / 1000, (env.workload.peakTps * env.workload.averageRecordBytes) / MiB);
    assert.ok(Math.abs(kinesis.peak - shardsNeeded) < 1e-6 * shardsNeeded, `stream peak ${kinesis.peak} shards, not ${shardsNeeded}`);
    assert.equal(kinesis.limit, env.limits.kinesis.mode === "provisioned" ? env.limits.kinesis.shards : NaN);
    const processor = bounds.find((b) => b.bound === "reservedConcurrentExecutions of realtime-processor")!;
    assert.equal(processor.limit, env.limits.lambda.reservedConcurrency);
    assert.ok(processor.peak > 0 && processor.peak <= processor.limit);
    assert.deepEqual([...bounds].sort((a, b) => b.use - a.use), bounds);
  });

  it("costs less per million transactions at 10x prod's traffic than at 0.1x (fixed costs spread)", async () => {
    const env = loadEnv("prod");
    const { resources } = await synthesized("prod");
    const perMillion = (f: number) => {
      const workload = scaleTraffic(env.workload, f);
      return usdPerMillionTransactions(estimateStack(resources, { region: env.awsRegion, workload, limits: env.limits }), workload);
    };
    assert.ok(perMillion(0.1) > perMillion(10));
  });
});
