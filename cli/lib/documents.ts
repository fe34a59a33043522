/**
 * Reading Pulumi JSON documents (`pulumi preview --json`, `pulumi stack
 * export`) from a file or stdin into StackResource[]. Every way a document can
 * be bad (unreadable, not JSON, truncated, wrong shape) becomes one CliError
 * line naming the file. The shape parsing itself is one adapter: the shared
 * parsers of platform/sources.ts when this checkout has them, else a minimal
 * built-in one with the same rules (delete steps dropped, unknowns kept).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { StackResource, nameOfUrn } from "../../platform/resources";
import { CliError, isUserError } from "../errors";
import { CliIo } from "../io";

export type DocumentKind = "preview" | "state";

/** Reads and JSON-parses a document; `-` reads stdin. */
export function readJsonDocument(file: string, io: CliIo): { name: string; doc: unknown } {
  const name = file === "-" ? "stdin" : file;
  let text: string;
  try {
    if (file === "-") {
      if (!io.stdin) throw new CliError("stdin: cannot be read here");
      text = io.stdin();
    } else {
      text = fs.readFileSync(path.resolve(io.cwd, file), "utf8");
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${name}: cannot be read (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? "error")})`);
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

/** Parses a document of the given kind; a wrong shape is a one-line CliError. */
export function parseDocument(kind: DocumentKind, name: string, doc: unknown): StackResource[] {
  const shared = sharedParsers();
  try {
    const parse = kind === "preview" ? (shared?.preview ?? parsePreviewBuiltin) : (shared?.state ?? parseStateBuiltin);
    return parse(doc);
  } catch (err) {
    if (err instanceof z.ZodError) throw new CliError(`${name}: is not a ${describe(kind)}: ${zodLine(err)}`);
    if (isUserError(err)) throw new CliError(`${name}: ${err.message}`);
    if (err instanceof Error && err.name !== "Error" && !(err instanceof TypeError)) throw new CliError(`${name}: ${err.message.split("\n")[0]}`);
    throw err;
  }
}

const describe = (kind: DocumentKind) => (kind === "preview" ? "`pulumi preview --json` document" : "`pulumi stack export` document");

function zodLine(err: z.ZodError): string {
  const issue = err.issues[0]!;
  const where = issue.path.length ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "the document";
  return `${where} ${issue.message}`;
}

type Parser = (doc: unknown) => StackResource[];

/** platform/sources.ts, when present: the first exported functions whose names mention preview / export-or-state. */
function sharedParsers(): { preview?: Parser; state?: Parser } | undefined {
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(require.resolve(path.join(__dirname, "..", "..", "platform", "sources"))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const fns = Object.entries(mod).filter((e): e is [string, Parser] => typeof e[1] === "function");
  const preview = fns.find(([n]) => /^(parse|read|resourcesFrom)\w*preview/i.test(n))?.[1];
  const state = fns.find(([n]) => /^(parse|read|resourcesFrom)\w*(export|state|deployment)/i.test(n))?.[1];
  return { ...(preview ? { preview } : {}), ...(state ? { state } : {}) };
}

// ---- Built-in parsers (used until platform/sources.ts is in the checkout) ---------------------

const ResourceStateSchema = z.object({
  urn: z.string({ error: "must be a URN string" }).regex(/^urn:pulumi:/, { error: "must be a URN (urn:pulumi:...)" }),
  type: z.string({ error: "must be a type token string" }),
  custom: z.boolean().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  parent: z.string().optional(),
  provider: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  delete: z.boolean().optional(),
});
type ResourceState = z.infer<typeof ResourceStateSchema>;

const PreviewSchema = z.object({
  steps: z.array(
    z.object({
      op: z.string({ error: "must be a step operation string" }),
      urn: z.string({ error: "must be a URN string" }),
      newState: ResourceStateSchema.optional(),
      oldState: ResourceStateSchema.optional(),
    }),
    { error: "must be a list of steps" },
  ),
});

const StateSchema = z.object({
  version: z.number({ error: "must be a number" }).optional(),
  deployment: z.object(
    { resources: z.array(ResourceStateSchema, { error: "must be a list of resources" }).optional().default([]) },
    { error: "must be an object" },
  ),
});

/** Steps after which the resource no longer exists. */
const DELETE_OPS = new Set(["delete", "delete-replaced", "discard", "discard-replaced", "read-discard", "remove-pending-replace"]);

function toResource(s: ResourceState): StackResource {
  return {
    urn: s.urn,
    type: s.type,
    name: nameOfUrn(s.urn),
    // Without the flag: provider resources (`aws:s3/bucket:Bucket`, `pulumi:providers:aws`) are custom, components are not.
    custom: s.custom ?? (s.type.startsWith("pulumi:providers:") || (s.type.split(":")[1] ?? "").includes("/")),
    ...(s.parent ? { parent: s.parent } : {}),
    ...(s.provider ? { provider: s.provider } : {}),
    dependencies: s.dependencies ?? [],
    inputs: s.inputs ?? {},
    ...(s.outputs ? { outputs: s.outputs } : {}),
  };
}

export function parsePreviewBuiltin(doc: unknown): StackResource[] {
  const { steps } = PreviewSchema.parse(doc);
  const byUrn = new Map<string, StackResource>();
  for (const step of steps) {
    if (DELETE_OPS.has(step.op)) {
      if (step.op === "delete") byUrn.delete(step.urn);
      continue;
    }
    const state = step.newState ?? (step.op === "same" ? step.oldState : undefined);
    if (state) byUrn.set(state.urn, toResource(state));
  }
  return [...byUrn.values()];
}

export function parseStateBuiltin(doc: unknown): StackResource[] {
  const { deployment } = StateSchema.parse(doc);
  return deployment.resources.filter((r) => !r.delete).map(toResource);
}
