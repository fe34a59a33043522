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

/** The reason in "cannot be read (<reason>)", the same words for every file a user hands us. */
export function readFailureReason(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EBADF":
      return "closed";
    default:
      return code ?? "error";
  }
}

/** `fail("<shown>: cannot be read (<reason>)")` for a failed read. */
export function readFailure(err: unknown, shown: string, fail: Fail): Error {
  return fail(`${shown}: cannot be read (${readFailureReason((err as NodeJS.ErrnoException).code)})`);
}

/** The file's bytes, or `fail("<shown>: cannot be read (<reason>)")`. */
export function readFileOr(file: string, shown: string, fail: Fail): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw readFailure(err, shown, fail);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The file as UTF-8 text, or the same one-line failure; bytes that are not UTF-8 text (or hold a NUL) are `<shown>: is not UTF-8 text (binary data?)`. */
export function readTextFileOr(file: string, shown: string, fail: Fail): string {
  return textOr(readFileOr(file, shown, fail), shown, fail);
}

/** Bytes as UTF-8 text, or `fail("<shown>: is not UTF-8 text (binary data?)")`. */
export function textOr(bytes: Uint8Array, shown: string, fail: Fail): string {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw fail(`${shown}: is not UTF-8 text (binary data?)`);
  }
  if (text.includes("\u0000")) throw fail(`${shown}: is not UTF-8 text (binary data?)`);
  return text;
}

/** Throws the one-line failure unless `file` is a readable regular file (for readers that stream it). */
export function assertReadableFile(file: string, shown: string, fail: Fail): void {
  try {
    fs.closeSync(fs.openSync(file, "r"));
    if (fs.statSync(file).isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
  } catch (err) {
    throw readFailure(err, shown, fail);
  }
}

/** JSON, or `fail("<shown>: is not valid JSON (<parser's first line>)")`. */
export function parseJsonOr(text: string, shown: string, fail: Fail): unknown {
  if (text.trim() === "") throw fail(`${shown}: is empty (expected a JSON document)`);
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
