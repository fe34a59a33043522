/**
 * A synthesized stack as the document `pulumi preview --json` prints for a
 * first update: Pulumi's `PreviewDigest` (sdk/go/common/display/json.go in
 * pulumi/pulumi), one `create` step per resource, each carrying its
 * `apitype.ResourceV3` new state. What a real preview of a new stack holds
 * and the mocks cannot know is written the way the engine writes it:
 * - the root `pulumi:pulumi:Stack` resource, parent of every top-level resource;
 * - provider references `<provider urn>::<id>` whose id is not known before the
 *   provider is created: the unknown marker (`UNKNOWN`);
 * - no `id` and no `outputs`: the step event is sent before the resource exists;
 * - secrets as the string "[secret]" (display's MassageSecrets), `detailedDiff: null`
 *   on every step, and a `changeSummary` of the step counts.
 * Values the mocks answer (names, ARNs) stay known, so check and plan read the same stack.
 * Pure: the CLI reads the stack file and writes the document.
 */
import { StackResource, UNKNOWN, providerUrnOf } from "../model/resources";
import { STACK_ROOT_TYPE } from "../model/types";

/** `apitype.ResourceV3`, the fields a preview step's state carries. */
export interface PreviewResourceState {
  readonly urn: string;
  readonly custom: boolean;
  readonly type: string;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  readonly provider?: string;
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** `display.PreviewStep`. */
export interface PreviewStep {
  readonly op: "create";
  readonly urn: string;
  readonly provider?: string;
  readonly newState: PreviewResourceState;
  readonly detailedDiff: null;
}

/** `display.PreviewDigest`. */
export interface PreviewDigest {
  readonly config?: Readonly<Record<string, string>>;
  readonly steps: readonly PreviewStep[];
  readonly changeSummary: Readonly<Record<string, number>>;
}

export interface PreviewContext {
  readonly project: string;
  readonly stack: string;
  /** The stack file's `config:` map, as written (secure values are blinded). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The URN Pulumi gives a stack's root resource. */
export function stackRootUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::${STACK_ROOT_TYPE}::${project}-${stack}`;
}

/** The preview document of a stack about to be created. */
export function previewDocument(resources: readonly StackResource[], ctx: PreviewContext): PreviewDigest {
  const root = stackRootUrn(ctx.project, ctx.stack);
  const rootStep: PreviewStep = { op: "create", urn: root, newState: { urn: root, custom: false, type: STACK_ROOT_TYPE }, detailedDiff: null };
  const steps = [rootStep, ...inRegistrationOrder(resources).map((r) => stepOf(r, root))];
  return {
    ...(ctx.config ? { config: previewConfig(ctx.config) } : {}),
    steps,
    changeSummary: { create: steps.length },
  };
}

function stepOf(r: StackResource, root: string): PreviewStep {
  const provider = r.provider ? `${providerUrnOf(r.provider)}::${UNKNOWN}` : undefined;
  const newState: PreviewResourceState = {
    urn: r.urn,
    custom: r.custom,
    type: r.type,
    ...(Object.keys(r.inputs).length > 0 ? { inputs: r.inputs } : {}),
    parent: r.parent ?? root,
    ...(r.dependencies.length > 0 ? { dependencies: r.dependencies } : {}),
    ...(provider ? { provider } : {}),
    ...(r.propertyDependencies ? { propertyDependencies: r.propertyDependencies } : {}),
  };
  return { op: "create", urn: r.urn, ...(provider ? { provider } : {}), newState, detailedDiff: null };
}

/**
 * The engine registers a resource after its parent, its provider and its
 * dependencies; steps follow that order (ties by URN, so the document is stable).
 */
function inRegistrationOrder(resources: readonly StackResource[]): StackResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const done = new Set<string>();
  const ordered: StackResource[] = [];
  const visit = (r: StackResource, path: Set<string>) => {
    if (done.has(r.urn) || path.has(r.urn)) return;
    path.add(r.urn);
    const before = [r.parent, providerUrnOf(r.provider), ...r.dependencies].filter((u): u is string => u !== undefined).sort();
    for (const urn of before) {
      const dep = byUrn.get(urn);
      if (dep) visit(dep, path);
    }
    done.add(r.urn);
    ordered.push(r);
  };
  for (const r of [...resources].sort((a, b) => a.urn.localeCompare(b.urn))) visit(r, new Set());
  return ordered;
}

/** Config as the preview shows it: every value a string, structured ones as JSON, secrets blinded. */
function previewConfig(config: Readonly<Record<string, unknown>>): Record<string, string> {
  const isSecure = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
  return Object.fromEntries(
    Object.entries(config)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, isSecure(v) ? "[secret]" : typeof v === "string" ? v : JSON.stringify(v)]),
  );
}
