/**
 * Parsers for the Pulumi JSON documents the offline tools read (shapes in
 * docs/brief.md), each to the shared {@link StackResource} list:
 * - `pulumi preview --json`: the resources the stack will hold after the
 *   update (each step's `newState`); delete steps are dropped; preview
 *   unknowns (`UNKNOWN`) are kept as they are, for the policies to report;
 * - `pulumi stack export`: the resources in state (pending deletions dropped).
 * Secrets: a decrypted one (`--show-secrets`) becomes its value, an encrypted one `UNKNOWN`.
 * Pure: callers read the file and pass the parsed JSON in (or use {@link readResourceDocument}).
 */
import { UserInputError } from "./errors";
import * as path from "node:path";
import { z } from "zod";
import { parseJsonOr, readTextFileOr } from "./files";
import { nameOfUrn, StackResource, UNKNOWN } from "./resources";

/** A document that is not what it claims to be. `message` is one line naming the file, the field and the rule. */
export class SourceError extends UserInputError {
  public override readonly name: string = "SourceError";

  public constructor(
    message: string,
    public readonly file: string,
  ) {
    super(message);
  }
}

const URN = z.string({ error: "must be a URN" }).regex(/^urn:pulumi:[^:]+::[^:]+::.+::.*$/, { error: "must be a URN urn:pulumi:<stack>::<project>::<type>::<name>" });
const props = z.record(z.string(), z.unknown(), { error: "must be an object" });

const ResourceStateSchema = z.looseObject({
  urn: URN,
  type: z.string({ error: "must be a type token" }).min(1, { error: "must be a type token" }),
  custom: z.boolean({ error: "must be true or false" }).optional(),
  delete: z.boolean().optional(),
  parent: z.string().optional(),
  provider: z.string().optional(),
  dependencies: z.array(z.string(), { error: "must be a list of URNs" }).optional(),
  propertyDependencies: z.record(z.string(), z.array(z.string(), { error: "must be a list of URNs" }), { error: "must map input names to lists of URNs" }).optional(),
  inputs: props.optional(),
  outputs: props.optional(),
}, { error: "must be an object (a resource state)" });
type ResourceState = z.infer<typeof ResourceStateSchema>;

/** Step ops whose resource is gone (or going) after the update. */
export const DROPPED_OPS: readonly string[] = ["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace", "read-discard"];

const StepSchema = z.looseObject({
  op: z.string({ error: "must be a step operation such as create" }),
  urn: URN,
  newState: ResourceStateSchema.optional(),
  oldState: ResourceStateSchema.optional(),
}, { error: "must be an object (a step)" });

const PreviewSchema = z.looseObject({
  steps: z.array(StepSchema, { error: "must be a list of steps" }),
});

const ExportSchema = z.looseObject({
  version: z.number({ error: "must be a number" }).optional(),
  deployment: z.looseObject({
    resources: z.array(ResourceStateSchema, { error: "must be a list of resources" }).optional().default([]),
  }, { error: "must be an object" }),
});

function describe(file: string, issue: z.core.$ZodIssue): string {
  const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
  return `${file}: ${where || "document"} ${issue.message}`;
}

/** Pulumi's signature key and value marking a secret in state (`{ [SIG]: SECRET, plaintext | ciphertext }`). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * How deep a resource's inputs or outputs may nest. Real Pulumi documents stay
 * within a few dozen levels; deeper is a malformed (or hostile) document, refused
 * before any recursive reader (secrets, the policies, the cost engine) overflows.
 */
export const MAX_NESTING = 200;

class TooDeep extends Error {}

/**
 * Secrets as the policies can read them: a decrypted one (`--show-secrets`) is its
 * value; an encrypted one cannot be read offline, so it becomes the unknown marker
 * (rules that need it report "cannot verify"). Throws TooDeep past MAX_NESTING.
 */
export function revealSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_NESTING) throw new TooDeep();
  if (Array.isArray(value)) return value.map((v) => revealSecrets(v, depth + 1));
  const obj = value as Record<string, unknown>;
  if (obj[SECRET_SIG_KEY] === SECRET_SIG) {
    if (typeof obj["plaintext"] !== "string") return UNKNOWN;
    try {
      return revealSecrets(JSON.parse(obj["plaintext"]), depth + 1);
    } catch (err) {
      if (err instanceof TooDeep) throw err;
      return obj["plaintext"];
    }
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, revealSecrets(v, depth + 1)]));
}

/** revealSecrets, or a one-line SourceError naming the field that nests too deep. */
function revealed(value: unknown, file: string, where: string): Record<string, unknown> {
  try {
    return revealSecrets(value) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TooDeep) throw new SourceError(`${file}: ${where} nests deeper than ${MAX_NESTING} levels`, file);
    throw err;
  }
}

function toResource(s: ResourceState, file: string, where: string): StackResource {
  return {
    urn: s.urn,
    type: s.type,
    name: nameOfUrn(s.urn),
    custom: s.custom ?? !isComponentLike(s),
    ...(s.parent ? { parent: s.parent } : {}),
    ...(s.provider ? { provider: s.provider } : {}),
    dependencies: s.dependencies ?? [],
    ...(s.propertyDependencies ? { propertyDependencies: s.propertyDependencies } : {}),
    inputs: revealed(s.inputs ?? {}, file, `${where}.inputs`),
    ...(s.outputs ? { outputs: revealed(s.outputs, file, `${where}.outputs`) } : {}),
  };
}

/** A state without the `custom` flag: providers and provider resources are custom, the rest (e.g. `pulumi:pulumi:Stack`) components. */
function isComponentLike(s: ResourceState): boolean {
  return s.type === "pulumi:pulumi:Stack" || (!s.type.startsWith("pulumi:providers:") && !s.provider);
}

/** JSON's name for what a value is: object, array, string, number, boolean, null. */
function jsonKind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** The document must be a JSON object; anything else is named as what it is. */
function requireObject(doc: unknown, file: string, what: string): void {
  if (jsonKind(doc) !== "object") throw new SourceError(`${file}: is ${jsonKind(doc) === "null" ? "JSON null" : `a JSON ${jsonKind(doc)}`}, not ${what}`, file);
}

/** Resources of a `pulumi preview --json` document, in step order, one per URN. */
export function parsePreviewDocument(doc: unknown, file = "preview.json"): StackResource[] {
  requireObject(doc, file, 'a `pulumi preview --json` document (an object with "steps")');
  const parsed = PreviewSchema.safeParse(doc);
  if (!parsed.success) throw new SourceError(describe(file, parsed.error.issues[0]), file);
  const seen = new Map<string, StackResource>();
  parsed.data.steps.forEach((step, i) => {
    if (DROPPED_OPS.includes(step.op)) return;
    const state = step.newState ?? (step.op === "same" || step.op === "refresh" ? step.oldState : undefined);
    if (!state) throw new SourceError(`${file}: steps[${i}].newState is required for a ${step.op} step (got nothing)`, file);
    if (state.urn !== step.urn) throw new SourceError(`${file}: steps[${i}].newState.urn must equal the step's urn (got ${state.urn})`, file);
    if (!seen.has(step.urn)) seen.set(step.urn, toResource(state, file, `steps[${i}].${step.newState ? "newState" : "oldState"}`));
  });
  return [...seen.values()];
}

/** Resources of a `pulumi stack export` document (pending deletions dropped). */
export function parseStackExport(doc: unknown, file = "stack.json"): StackResource[] {
  requireObject(doc, file, 'a `pulumi stack export` document (an object with "deployment")');
  const parsed = ExportSchema.safeParse(doc);
  if (!parsed.success) throw new SourceError(describe(file, parsed.error.issues[0]), file);
  return parsed.data.deployment.resources.flatMap((r, i) => (r.delete === true ? [] : [toResource(r, file, `deployment.resources[${i}]`)]));
}

export type ResourceDocumentKind = "preview" | "export";

/** Which document this is: a preview has `steps`, an export has `deployment`. */
export function documentKind(doc: unknown): ResourceDocumentKind | undefined {
  if (doc === null || typeof doc !== "object") return undefined;
  if ("steps" in doc) return "preview";
  if ("deployment" in doc) return "export";
  return undefined;
}

/** Parses either document, telling them apart by shape. */
export function parseResourceDocument(doc: unknown, file = "document.json"): StackResource[] {
  switch (documentKind(doc)) {
    case "preview":
      return parsePreviewDocument(doc, file);
    case "export":
      return parseStackExport(doc, file);
    default:
      throw new SourceError(`${file}: must be a \`pulumi preview --json\` document (with steps) or a \`pulumi stack export\` document (with deployment)`, file);
  }
}

/** Reads a preview or export JSON file. Throws {@link SourceError}. */
export function readResourceDocument(file: string): StackResource[] {
  const base = path.basename(file);
  const fail = (message: string) => new SourceError(message, base);
  return parseResourceDocument(parseJsonOr(readTextFileOr(file, base, fail), base, fail), base);
}
