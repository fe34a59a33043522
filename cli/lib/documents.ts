/**
 * Reading Pulumi JSON documents (`pulumi preview --json`, `pulumi stack
 * export`) from a file or stdin into StackResource[]. Every way a document can
 * be bad (unreadable, not JSON, truncated, wrong shape) becomes one CliError
 * line naming the file. The shapes are parsed by model/sources.ts (delete
 * steps dropped, pending deletions dropped, preview unknowns kept).
 */
import * as path from "node:path";
import { readFailure, readTextFileOr } from "../../model/files";
import { StackResource } from "../../model/resources";
import { SourceError, documentKind, parsePreviewDocument, parseStackExport } from "../../model/sources";
import { CliError, isUserError } from "../errors";
import { CliIo } from "../io";

export type DocumentKind = "preview" | "state";

/** Reads and JSON-parses a document; `-` reads stdin. */
export function readJsonDocument(file: string, io: CliIo): { name: string; doc: unknown } {
  const name = file === "-" ? "stdin" : file;
  let text: string;
  if (file === "-") {
    if (!io.stdin) throw new CliError("stdin: cannot be read here");
    try {
      text = io.stdin();
    } catch (err) {
      if (isUserError(err)) throw err;
      throw readFailure(err, "stdin", (message) => new CliError(message));
    }
  } else {
    text = readTextFileOr(path.resolve(io.cwd, file), name, (message) => new CliError(message));
  }
  if (text.trim() === "") throw new CliError(`${name}: is empty (expected a JSON document)`);
  try {
    return { name, doc: JSON.parse(text) as unknown };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const at = /at position (\d+)/.exec(msg);
    const truncated = /Unexpected end of JSON input|end of data/i.test(msg) || (at !== null && Number(at[1]) >= text.trimEnd().length - 1);
    throw new CliError(`${name}: is not valid JSON${truncated ? " (the document is truncated)" : `: ${msg.split("\n")[0]}`}`);
  }
}

/** Parses a document of the given kind (model/sources.ts); a wrong shape is a one-line error naming the file. */
export function parseDocument(kind: DocumentKind, name: string, doc: unknown): StackResource[] {
  try {
    return kind === "preview" ? parsePreviewDocument(doc, name) : parseStackExport(doc, name);
  } catch (err) {
    if (err instanceof SourceError) {
      const other = documentKind(doc);
      // Say so when the user passed the other kind of document.
      if (kind === "preview" && other === "export") throw new CliError(`${name}: is a \`pulumi stack export\` document: pass it with --state`);
      if (kind === "state" && other === "preview") throw new CliError(`${name}: is a \`pulumi preview --json\` document: pass it with --preview`);
      throw new CliError(err.message);
    }
    throw err;
  }
}
