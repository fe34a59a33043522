import * as fs from "node:fs";

/** Where a command writes. Tests pass buffers; the binary passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The project folder (where Pulumi.yaml lives). */
  readonly cwd: string;
  /** Reads all of standard input (`check --preview -`). */
  readonly stdin?: () => string;
}

export const processIo = (cwd = process.cwd()): CliIo => ({
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  cwd,
  stdin: () => fs.readFileSync(0, "utf8"),
});

/** Collects output in memory, for tests. */
export function memoryIo(cwd = process.cwd()): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
