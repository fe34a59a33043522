/**
 * Adding and removing the brake's own statement in a resource policy (S3
 * bucket policies, Kinesis stream policies), leaving every other statement as
 * it was. Pure.
 */

export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

/** The document with `statement` (by its Sid) present; `changed` is false when it already was. */
export function withStatement(policy: string | undefined, statement: Record<string, unknown> & { Sid: string }): { document: PolicyDocument; changed: boolean } {
  const doc = parse(policy);
  if (doc.Statement.some((s) => s.Sid === statement.Sid)) return { document: doc, changed: false };
  return { document: { ...doc, Statement: [...doc.Statement, statement] }, changed: true };
}

/** The document without the statement `sid`; null when nothing else remains. */
export function withoutStatement(policy: string | undefined, sid: string): { document: PolicyDocument | null; changed: boolean } {
  const doc = parse(policy);
  const rest = doc.Statement.filter((s) => s.Sid !== sid);
  return { document: rest.length > 0 ? { ...doc, Statement: rest } : null, changed: rest.length !== doc.Statement.length };
}

export function hasStatement(policy: string | undefined, sid: string): boolean {
  return parse(policy).Statement.some((s) => s.Sid === sid);
}

function parse(policy: string | undefined): PolicyDocument {
  if (!policy) return { Version: "2012-10-17", Statement: [] };
  const doc = JSON.parse(policy) as { Version?: string; Statement?: unknown };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return { Version: doc.Version ?? "2012-10-17", Statement: statements as Record<string, unknown>[] };
}
