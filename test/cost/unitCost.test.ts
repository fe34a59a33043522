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
    const bounds = boundsAtPeak(atPeak, resources, env.limits);
    const kinesis = bounds.find((b) => b.bound === "limits.kinesis.maxWriteMBps")!;
    const low = (env.workload.peakTps * env.workload.averageRecordBytes) / MiB;
    const high = (env.workload.peakTps * Math.ceil(env.workload.averageRecordBytes / 1024) * 1024) / MiB;
    assert.ok(kinesis.peak >= low * 0.999 && kinesis.peak <= high * 1.001, `stream peak ${kinesis.peak} MB/s outside [${low}, ${high}]`);
    assert.equal(kinesis.limit, 4);
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
