/**
 * `platform synth --stack <name> [--out FILE]`: synthesizes one stack under
 * Pulumi's mock runtime and writes it as a `pulumi preview --json` document
 * (platform/preview.ts), so any tool that reads previews reads ours, and
 * `platform check --preview` of it gives what `platform plan` gives.
 * Exit 2 on an invalid or unknown stack, like plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { listStackFiles } from "../../environments";
import { previewDocument } from "../../platform/preview";
import { parseYamlOr, readTextFileOr } from "../../model/files";
import { CliError } from "../errors";
import { CliIo } from "../io";
import { loadStacks, selectStacks, synthesize } from "../lib/stacks";

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("synth")
    .description("Synthesize one stack offline and write it as a `pulumi preview --json` document")
    .requiredOption("--stack <name>", "a stack name (Pulumi.<name>.yaml)")
    .option("--out <file>", "write the document to this file instead of stdout")
    .addHelpText("after", "\nExit codes: 0 written, 2 bad input (invalid stack file, unknown stack, bad flag).")
    .action(async (opts: { stack: string; out?: string }) => {
      const [loaded] = loadStacks(io.cwd, oneStack(io.cwd, opts.stack));
      if (!loaded?.env) {
        io.err(`platform: ${loaded?.error ?? `${opts.stack}: invalid stack file`}`);
        setExit(2);
        return;
      }
      const resources = await synthesize(loaded.env);
      const base = `Pulumi.${loaded.stack}.yaml`;
      const fail = (m: string) => new CliError(m);
      const raw = parseYamlOr(readTextFileOr(path.join(io.cwd, base), base, fail), base, fail) as { config: Record<string, unknown> };
      const doc = previewDocument(resources, { project: loaded.env.project, stack: loaded.env.stack, config: raw.config });
      const text = `${JSON.stringify(doc, null, 4)}\n`;
      if (opts.out === undefined) return io.out(text);
      try {
        fs.writeFileSync(path.resolve(io.cwd, opts.out), text);
      } catch (err) {
        throw new CliError(`${opts.out}: cannot be written (${(err as NodeJS.ErrnoException).code ?? "error"})`);
      }
    });
}

/** synth writes one document: `all` is only a stack name here when a stack is called that. */
function oneStack(cwd: string, selector: string): string {
  if (listStackFiles(cwd).some((s) => s.stack === selector)) return selector;
  const stacks = selectStacks(cwd, selector);
  if (stacks.length !== 1) throw new CliError(`synth writes one stack: name one of ${stacks.map((s) => s.stack).join(", ")}`);
  return stacks[0].stack;
}
