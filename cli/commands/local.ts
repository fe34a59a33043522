/**
 * `platform local [--stack <name>] [--input FILE.ndjson] [--export FILE.json]
 * [--history DIR] [--rate N --duration S] [--faults]`: runs the real stream processor against
 * embedded emulators (kinesalite, dynalite, s3rver) started on loopback, with a
 * Lambda-like poller. With --input it processes a file of transactions (one
 * JSON per line); without, it generates traffic with a sale spike. --history
 * also passes each input record through the real Firehose transformation and
 * writes the Parquet history under DIR/dt=YYYY-MM-DD/ as Firehose would.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { loadStackFile, readProjectName } from "../../environments/load";
import { assertReadableFile } from "../../model/files";
import { fileLines, InputLine } from "../../functions/local/inputLines";
import { DEFAULT_FAULTS, KINESIS_WRITE_LIMITS, LocalInput, Progress, runLocalPipeline } from "../../functions/local/pipeline";
import { LocalReplayReport } from "../../functions/local/replayRun";
import { CliError } from "../errors";
import { CliIo } from "../io";
import { writeLocalHistory } from "../lib/history";

interface LocalOptions {
  stack: string;
  input?: string;
  export?: string;
  history?: string;
  rate: string;
  duration: string;
  faults?: boolean;
  permanentFailures?: string;
  replay?: boolean;
  interruptReplayAfter?: string;
  seed: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("local")
    .description("Run the stream processor locally on embedded AWS emulators (kinesalite, dynalite, s3rver)")
    .option("--stack <name>", "the stack whose config to use (Pulumi.<name>.yaml)", "dev")
    .option("--input <file>", "process this file of transactions, one JSON object per line")
    .option("--export <file>", "when done, write the final state (counts and aggregates) to this JSON file")
    .option("--history <dir>", "with --input: also write the Firehose history (Parquet, dt=YYYY-MM-DD/) under this folder, for platform query")
    .option("--rate <n>", "generated transactions per second (without --input)", "200")
    .option("--duration <seconds>", "how long to generate traffic (without --input)", "30")
    .option("--faults", "inject DynamoDB throttling, crashes after committed writes and redelivered batches")
    .option("--permanent-failures <n>", "make n batches fail for good (writes refused until the end of the run): they reach the on-failure queue")
    .option("--replay", "after the run, replay the failed batches and the quarantine twice, with the code `platform failed-batches|quarantine replay` runs")
    .option("--interrupt-replay-after <writes>", "cut a first replay off after this many writes (as a killed process), then replay twice")
    .option("--seed <n>", "seed of the generator and the fault injection", "42")
    .addHelpText("after", "\nExit codes: 0 done, 2 bad input (unknown stack, unreadable file, bad flag).")
    .action(async (opts: LocalOptions) => {
      // The SDK's notice about future Node versions is noise for a local run against emulators.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
      const file = path.join(io.cwd, `Pulumi.${opts.stack}.yaml`);
      if (!fs.existsSync(file)) throw new CliError(`unknown stack ${JSON.stringify(opts.stack)}: ${path.basename(file)} not found in ${io.cwd}`);
      const environment = loadStackFile(file, readProjectName(io.cwd));
      const seed = positiveNumber("--seed", opts.seed, true, true);
      if (opts.history && !opts.input) throw new CliError("--history needs --input (the records Firehose would deliver)");
      let input: LocalInput;
      if (opts.input) {
        const file = path.resolve(io.cwd, opts.input);
        assertReadableFile(file, `--input ${opts.input}`, (message) => new CliError(message));
        // Streamed, never read whole: one pass counts, the producer (and --history) each make another.
        const lines = fileLines(file, KINESIS_WRITE_LIMITS.maxRecordBytes);
        input = { kind: "lines", lines };
        const records = countLines(lines);
        if (records === 0) throw new CliError(`--input ${opts.input}: has no records (expected one JSON transaction per line)`);
        io.out(`platform local: stack ${environment.stack}, ${records} records from ${opts.input}${opts.faults ? ", with faults" : ""}`);
      } else {
        const rate = positiveNumber("--rate", opts.rate);
        const durationSeconds = positiveNumber("--duration", opts.duration);
        input = { kind: "generate", rate, durationSeconds };
        io.out(`platform local: stack ${environment.stack}, generating ${rate} transactions/s for ${durationSeconds}s with a sale spike${opts.faults ? ", with faults" : ""}`);
      }
      const result = await runLocalPipeline({
        environment,
        input,
        seed,
        faults: opts.faults ? DEFAULT_FAULTS : undefined,
        ...(opts.permanentFailures !== undefined ? { permanentFailures: positiveNumber("--permanent-failures", opts.permanentFailures, true) } : {}),
        ...(opts.replay ? { replay: true } : {}),
        ...(opts.interruptReplayAfter !== undefined ? { interruptReplayAfterWrites: positiveNumber("--interrupt-replay-after", opts.interruptReplayAfter, true, true) } : {}),
        onProgress: (p) => io.out(progressLine(p)),
      });
      const rejected = Object.values(result.rejected).reduce((s, n) => s + (n ?? 0), 0);
      io.out(
        `done: ${result.processed} processed, ${result.valid} valid (${result.duplicates} producer duplicates), ${rejected} rejected` +
          `${result.refusedByProducer > 0 ? ` (${result.refusedByProducer} over Kinesis's 1 MiB record limit, refused by the producer)` : ""}, ${result.aggregates.length} minute x product x region aggregates`,
      );
      if (result.replay) io.out(replaySummary(result.replay));
      if (opts.export) {
        fs.writeFileSync(path.resolve(io.cwd, opts.export), `${JSON.stringify(result, null, 2)}\n`);
        io.out(`exported to ${opts.export}`);
      }
      if (opts.history && input.kind === "lines") {
        const delivery = await writeLocalHistory(path.resolve(io.cwd, opts.history), input.lines, environment);
        const failed = Object.values(delivery.failed).reduce((s, n) => s + (n ?? 0), 0);
        io.out(`history: ${delivery.delivered} rows in ${delivery.objects.length} Parquet objects under ${opts.history}, ${failed} records failed the transform`);
      }
      setExit(0);
    });
}

export { splitLines } from "../../functions/local/inputLines";

function countLines(lines: Iterable<InputLine>): number {
  let n = 0;
  for (const _ of lines) n++;
  return n;
}

function positiveNumber(flag: string, text: string, integer = false, allowZero = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || (allowZero ? n < 0 : n <= 0) || (integer && !Number.isInteger(n))) {
    throw new CliError(`${flag} must be a ${integer ? "whole " : ""}number${allowZero ? "" : " above 0"} (got ${JSON.stringify(text)})`);
  }
  return n;
}

/** What the replay runs did, one line per run. */
export function replaySummary(r: LocalReplayReport): string {
  const lines = [`replay: ${r.failedBatches} failed batches in the on-failure queue${r.interruptedAfterWrites !== undefined ? `, a first run interrupted after ${r.interruptedAfterWrites} writes` : ""}`];
  r.runs.forEach((run, i) => {
    const fb = run.failedBatches;
    const unrecoverable = fb.filter((b) => b.unrecoverable).length;
    lines.push(
      `  run ${i + 1}: ${fb.length} batches, ${fb.reduce((s, b) => s + b.recovered, 0)} records read back, ${fb.reduce((s, b) => s + b.applied, 0)} applied, ` +
        `${fb.reduce((s, b) => s + b.alreadyReplayed, 0)} already replayed, ${unrecoverable} with unrecoverable records; quarantine: ${run.quarantine.records} records, ${run.quarantine.nowValid} now valid, ${run.quarantine.applied} applied`,
    );
  });
  return lines.join("\n");
}

/** One line of the live view. */
export function progressLine(p: Progress): string {
  const top = p.topProducts.map((t) => `${t.productId}=${t.units}`).join(" ");
  const lines = [
    `[${(p.elapsedMs / 1000).toFixed(1)}s] produced ${p.produced}, processed ${p.processed}, ${p.transactionsPerSecond} tx/s, lag ${p.lagMs} ms, invocations ${p.invocations} (${p.errors} errors)${top ? `, top: ${top}` : ""}`,
  ];
  for (const s of p.newSpikes) {
    lines.push(`  SPIKE ${s.productId} in ${s.region} at ${s.minute}Z: ${s.units} units vs baseline ${s.baseline}/min`);
  }
  return lines.join("\n");
}
