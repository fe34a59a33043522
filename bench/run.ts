/**
 * `npm run bench`: runs every `bench/*.bench.ts` and prints one JSON object per
 * line: {"metric": "<name>", "value": <number>, "unit": "<unit>"}.
 * A bench module exports `run(): Promise<Metric[]>`. Pass names to run a subset:
 * `npm run bench -- cost`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Metric {
  metric: string;
  value: number;
  unit: string;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  let failed = false;
  for (const file of files) {
    try {
      const mod = (await import(path.join(__dirname, file))) as { run: () => Promise<Metric[]> };
      for (const m of await mod.run()) process.stdout.write(`${JSON.stringify({ metric: m.metric, value: m.value, unit: m.unit })}\n`);
    } catch (err) {
      failed = true;
      process.stderr.write(`bench ${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
