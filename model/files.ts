/**
 * Reading the files users hand us (stack files, previews, state exports,
 * policy configs, usage and workload files) with the same one-line errors:
 * `<file>: cannot be read (<reason>)`, `<file>: is not valid JSON (...)`.
 * Each caller passes the error class it throws (ConfigError, SourceError, ...),
 * so exit codes stay theirs.
 */
import * as fs from "node:fs";
import { parse as parseYaml } from "yaml";

/** Builds the caller's error from a one-line message. */
export type Fail = (message: string) => Error;

/** The reason in "cannot be read (<reason>)", from the errno code. */
export type ReadReason = (code: string | undefined) => string;

/** The errno code itself: `ENOENT`. */
export const errnoCode: ReadReason = (code) => code ?? "error";

/** Words for the common cases: `no such file`, `is a directory`. */
export const errnoWords: ReadReason = (code) => (code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : errnoCode(code));

/** The file's bytes, or `fail("<shown>: cannot be read (<reason>)")`. */
export function readFileOr(file: string, shown: string, fail: Fail, reason: ReadReason = errnoCode): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw fail(`${shown}: cannot be read (${reason((err as NodeJS.ErrnoException).code)})`);
  }
}

/** The file as UTF-8 text, or the same one-line failure. */
export function readTextFileOr(file: string, shown: string, fail: Fail, reason: ReadReason = errnoCode): string {
  return readFileOr(file, shown, fail, reason).toString("utf8");
}

/** JSON, or `fail("<shown>: is not valid JSON (<parser's first line>)")`. */
export function parseJsonOr(text: string, shown: string, fail: Fail): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw fail(`${shown}: is not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
}

/** YAML, or `fail("<shown>: is not valid <what> (line N)")`. */
export function parseYamlOr(text: string, shown: string, fail: Fail, what = "YAML"): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    const line = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw fail(`${shown}: is not valid ${what}${line ? ` (line ${line})` : ""}`);
  }
}
