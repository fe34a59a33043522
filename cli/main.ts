/**
 * `platform`: the offline CLI. Each command lives in `commands/<name>.ts` and
 * exports `register(program, io, setExit)`. Errors a user caused print one line
 * on stderr and exit 2; anything else is a bug and prints its stack.
 */
import { Command, CommanderError } from "commander";
import { isUserError } from "./errors";
import { CliIo, processIo } from "./io";
import * as fs from "node:fs";
import * as path from "node:path";

type CommandModule = { register(program: Command, io: CliIo, setExit: (code: number) => void): void };

/**
 * The command modules to load: only the one named on the command line when
 * cli/commands/index.ts lists it (a command's dependencies, e.g. the local
 * emulators, are never loaded by another command), else all of them (top-level
 * help, unknown commands). index.ts stays the one list of commands.
 */
export function commandModules(argv: readonly string[]): Record<string, CommandModule> {
  const name = argv.find((a) => !a.startsWith("-"));
  if (name !== undefined) {
    const index = fs.readFileSync(path.join(__dirname, "commands", "index.ts"), "utf8");
    for (const m of index.matchAll(/^export \* as (\w+) from "\.\/([\w.-]+)";/gm)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      if (m[1] === name) return { [name]: require(`./commands/${m[2]}`) as CommandModule };
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./commands") as Record<string, CommandModule>;
}

/**
 * A message as one printable line: a line break becomes a space, and a control
 * character or a replacement character (quoted from a binary file by a parser)
 * becomes its \u escape, so a terminal never receives raw bytes.
 */
export function oneLine(message: string): string {
  return message
    .replace(/\s*[\r\n]+\s*/g, " ")
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The leading command words that name no command (`deploy`, `cost nosuch`), or undefined. */
export function unknownCommand(program: Command, argv: readonly string[]): string | undefined {
  let command = program;
  const words: string[] = [];
  for (const word of argv) {
    if (word.startsWith("-") || command.commands.length === 0) return undefined;
    words.push(word);
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) return words.join(" ");
    command = sub;
  }
  return undefined;
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command("platform")
    .description("Retail data platform: offline plan, cost and guardrail checks for every stack")
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      // One line, always: commander's suggestions ("Did you mean --preview?") join the message.
      outputError: (s, write) => write(`platform: ${s.replace(/^error: /, "").trim().replace(/\s*\n+\s*/g, " ")}\n`),
    });
  program.command("help", { hidden: true }).action(() => program.help());
  for (const command of Object.values(commandModules(argv))) command.register(program, io, (code: number) => (exitCode = Math.max(exitCode, code)));
  const unknown = unknownCommand(program, argv);
  if (unknown !== undefined) {
    // Before commander sees it: `platform deploy --help` would print the general help and exit 0.
    io.err(`platform: unknown command '${unknown}'`);
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(err)) {
      io.err(`platform: ${oneLine(err.message)}`);
      return err.exitCode;
    }
    io.err(`platform: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 70;
  }
}
