/**
 * `platform quarantine list|show|replay --stack <name>` and `platform
 * failed-batches list|replay --stack <name>`: the set-aside records and the
 * batches Lambda gave up on, against the deployed stack with AWS SDK v3 and
 * the usual credential chain (profile, SSO, environment). Resource names come
 * from `pulumi stack output --json` (`--outputs FILE`, or `-` for stdin).
 * `list` and `show` only read; `replay` writes, after `--yes` or a "yes".
 * The replay code is the one `platform local --replay` runs on the emulators.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Command } from "commander";
import { loadStackFile, readProjectName } from "../../environments/load";
import type { Environment } from "../../environments/schema";
import { processorConfigFor } from "../../functions/local/pipeline";
import { ReplayDeps } from "../../functions/replay/context";
import { listFailedBatches, replayFailedBatches } from "../../functions/replay/failedBatches";
import { sqsQueue } from "../../functions/replay/queue";
import { listQuarantine, replayQuarantine } from "../../functions/replay/quarantineReplay";
import { HashKeyProvider } from "../../functions/shared";
import { readFailure, readTextFileOr } from "../../model/files";
import { CliError, isUserError } from "../errors";
import { CliIo } from "../io";
import { realtimeResources, RealtimeResources } from "../lib/stackOutputs";

interface ReplayOptions {
  stack: string;
  outputs: string;
  yes?: boolean;
  date?: string;
  limit: string;
}

function stackOf(io: CliIo, stack: string): Environment {
  const file = path.join(io.cwd, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new CliError(`unknown stack ${JSON.stringify(stack)}: ${path.basename(file)} not found in ${io.cwd}`);
  return loadStackFile(file, readProjectName(io.cwd));
}

function resourcesOf(io: CliIo, outputs: string): RealtimeResources {
  if (outputs === "-") {
    let text: string;
    try {
      text = io.stdin?.() ?? "";
    } catch (err) {
      if (isUserError(err)) throw err;
      throw readFailure(err, "stdin", (m) => new CliError(m));
    }
    return realtimeResources(text, "stdin");
  }
  return realtimeResources(readTextFileOr(path.resolve(io.cwd, outputs), `--outputs ${outputs}`, (m) => new CliError(m)), `--outputs ${outputs}`);
}

/** The deployed stack's clients and contract. */
export function awsReplayDeps(env: Environment, r: RealtimeResources): ReplayDeps & { sqs: SQSClient } {
  const region = env.awsRegion;
  const base = processorConfigFor(env);
  const keys = new HashKeyProvider({ EMAIL_HASH_SECRET_ARN: r.emailHashSecretArn });
  return {
    config: { ...base, table: r.aggregatesTable, quarantineBucket: r.quarantineBucket },
    dynamo: new DynamoDBClient({ region }),
    s3: new S3Client({ region }),
    kinesis: new KinesisClient({ region }),
    sqs: new SQSClient({ region }),
    streamName: r.streamName,
    historyBucket: r.historyBucket,
    hashKey: () => keys.get(),
  };
}

async function confirmed(io: CliIo, yes: boolean | undefined, what: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new CliError(`${what} writes to the deployed stack: pass --yes (no terminal to ask on)`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`${what} writes to the deployed stack. Type "yes" to go on: `);
  rl.close();
  return answer.trim() === "yes";
}

const common = (c: Command) =>
  c
    .requiredOption("--stack <name>", "the stack (Pulumi.<name>.yaml: region and the current contract)")
    .option("--outputs <file>", "pulumi stack output --json of that stack (- for stdin)", "-")
    .addHelpText("after", "\nExit codes: 0 done, 2 bad input (unknown stack, bad outputs, a malformed message or object; nothing written).");

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const quarantine = program.command("quarantine").description("Inspect and replay the records the stream processor set aside");
  common(quarantine.command("list").description("Quarantined records by rule (read only)"))
    .option("--date <yyyy-mm-dd>", "one day's objects only")
    .action(async (opts: ReplayOptions) => {
      const deps = awsReplayDeps(stackOf(io, opts.stack), resourcesOf(io, opts.outputs));
      const docs = await listQuarantine(deps, opts.date);
      const byRule = new Map<string, number>();
      for (const d of docs) byRule.set(d.rule, (byRule.get(d.rule) ?? 0) + 1);
      io.out(`${docs.length} quarantined records${opts.date ? ` on ${opts.date}` : ""}`);
      for (const [rule, n] of [...byRule].sort()) io.out(`  ${rule}  ${n}`);
      setExit(0);
    });
  common(quarantine.command("show").description("The quarantined records, one JSON line each (read only)"))
    .option("--date <yyyy-mm-dd>", "one day's objects only")
    .option("--limit <n>", "at most this many records", "50")
    .action(async (opts: ReplayOptions) => {
      const deps = awsReplayDeps(stackOf(io, opts.stack), resourcesOf(io, opts.outputs));
      for (const d of (await listQuarantine(deps, opts.date)).slice(0, Number(opts.limit))) {
        io.out(JSON.stringify({ ...d.source, rule: d.rule, message: d.message, payload: Buffer.from(d.payloadBase64, "base64").toString("utf8") }));
      }
      setExit(0);
    });
  common(quarantine.command("replay").description("Re-validate against the stack's current contract; count the now-valid records once"))
    .option("--date <yyyy-mm-dd>", "one day's objects only")
    .option("--yes", "do not ask")
    .action(async (opts: ReplayOptions) => {
      const deps = awsReplayDeps(stackOf(io, opts.stack), resourcesOf(io, opts.outputs));
      await listQuarantine(deps, opts.date); // bad objects fail here, before anything is written
      if (!(await confirmed(io, opts.yes, "quarantine replay"))) return setExit(1);
      io.out(JSON.stringify(await replayQuarantine(deps, opts.date)));
      setExit(0);
    });

  const failed = program.command("failed-batches").description("Inspect and replay the batches the stream processor's event source mapping gave up on");
  common(failed.command("list").description("The on-failure queue's batches (read only; messages become visible again after the visibility timeout)")).action(async (opts: ReplayOptions) => {
    const deps = awsReplayDeps(stackOf(io, opts.stack), resourcesOf(io, opts.outputs));
    const resources = resourcesOf(io, opts.outputs);
    const listed = await listFailedBatches(sqsQueue(deps.sqs, resources.failedBatchesQueueUrl, 30));
    io.out(`${listed.length} failed batches`);
    for (const { batch, message } of listed) {
      const b = batch.KinesisBatchInfo;
      io.out(`  ${message.id}  ${b.shardId}  ${b.startSequenceNumber}..${b.endSequenceNumber}  ${b.batchSize} records  first arrival ${b.approximateArrivalOfFirstRecord ?? "?"}  ${batch.requestContext?.condition ?? ""}`);
    }
    setExit(0);
  });
  common(failed.command("replay").description("Read each failed batch back (stream, then quarantine) and apply it exactly once"))
    .option("--yes", "do not ask")
    .action(async (opts: ReplayOptions) => {
      const resources = resourcesOf(io, opts.outputs);
      const deps = awsReplayDeps(stackOf(io, opts.stack), resources);
      const queue = sqsQueue(deps.sqs, resources.failedBatchesQueueUrl);
      if (!(await confirmed(io, opts.yes, "failed-batches replay"))) return setExit(1);
      for (const r of await replayFailedBatches(deps, queue)) io.out(JSON.stringify(r));
      setExit(0);
    });
}
