import * as fs from "node:fs";
import { textOr } from "../model/files";
import { CliError } from "./errors";

/** Where a command writes. Tests pass buffers; the binary passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The project folder (where Pulumi.yaml lives). */
  readonly cwd: string;
  /** Reads all of standard input (`check --preview -`) as UTF-8 text; throws the fs error, or a CliError for bytes that are not UTF-8 text. */
  readonly stdin?: () => string;
}

let pipeGuard = false;

/** `platform ... | head`: a closed stdout ends the process quietly instead of an EPIPE stack trace. */
function guardPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

export const processIo = (cwd = process.cwd()): CliIo => (guardPipe(), {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  cwd,
  stdin: () => textOr(fs.readFileSync(0), "stdin", (message) => new CliError(message)),
});

/** Collects output in memory, for tests. */
export function memoryIo(cwd = process.cwd()): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
