/**
 * local.e2e_transactions_per_second: transactions per second end to end through
 * `platform local` (producer -> kinesalite -> Lambda-like pollers -> the stream
 * processor -> dynalite and s3rver), from the first record put to the last
 * checkpoint. Prod's stack config (its provisioned shards and its batching, as
 * Pulumi.prod.yaml sets them), 60,000 generated transactions, 1% of them invalid.
 */
import * as path from "node:path";
import type { Metric } from "./run";
import { loadStackFile } from "../environments/load";
import { invalidRecord, INVALID_KINDS, STANDARD_CATALOGUE, TrafficGenerator } from "../functions/local/generator";
import { DEFAULT_MAX_RECORD_BYTES } from "../functions/shared";
import { Progress, runLocalPipeline } from "../functions/local/pipeline";

const TRANSACTIONS = 60_000;

export async function e2eTransactionsPerSecond(stack = "prod", transactions = TRANSACTIONS): Promise<{ tps: number; processed: number; seconds: number }> {
  const root = path.join(__dirname, "..");
  const environment = loadStackFile(path.join(root, `Pulumi.${stack}.yaml`), "retail-data-platform");
  const gen = new TrafficGenerator({ seed: 4, ...STANDARD_CATALOGUE, regions: environment.salesRegions, currencies: environment.currencies });
  const now = Date.now();
  const lines = Array.from({ length: transactions }, (_, i) => {
    const tx = gen.transaction(now - 600_000 + Math.floor((i / transactions) * 600_000));
    return i % 100 === 50 ? invalidRecord(INVALID_KINDS[(i / 100) % INVALID_KINDS.length | 0], tx, now, DEFAULT_MAX_RECORD_BYTES) : Buffer.from(JSON.stringify(tx));
  });
  let last: Progress | undefined;
  const result = await runLocalPipeline({ environment, input: { kind: "lines", lines }, onProgress: (p) => (last = p), progressIntervalMs: 60_000 });
  if (!last || result.processed !== transactions) throw new Error(`processed ${result.processed} of ${transactions}`);
  return { tps: Math.round((last.processed * 1000) / last.elapsedMs), processed: last.processed, seconds: last.elapsedMs / 1000 };
}

export async function run(): Promise<Metric[]> {
  const { tps } = await e2eTransactionsPerSecond();
  return [{ metric: "local.e2e_transactions_per_second", value: tps, unit: "transactions/s" }];
}
