/**
 * `platform`: the offline CLI. Each command lives in `commands/<name>.ts` and
 * exports `register(program, io, setExit)`. Errors a user caused print one line
 * on stderr and exit 2; anything else is a bug and prints its stack.
 */
import { Command, CommanderError } from "commander";
import { isUserError } from "./errors";
import { CliIo, processIo } from "./io";
import * as commands from "./commands";

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
  for (const command of Object.values(commands)) command.register(program, io, (code: number) => (exitCode = Math.max(exitCode, code)));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isUserError(err)) {
      io.err(`platform: ${err.message}`);
      return err.exitCode;
    }
    io.err(`platform: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 70;
  }
}
