/**
 * Which s3:// arguments of a Glue job it writes to: those its role may put
 * objects under (s3:PutObject in one of its role policies), so an input path
 * (`--RAW_PATH`, `--REFERENCE_PATH`) is never counted as an output. Pure.
 */
import type { StackResource } from "../../model/resources";
import type { ResourceGraph } from "./graph";
import { safeJson } from "./refs";
import { T } from "./tokens";

/**
 * Object ARNs (arn:aws:s3:::bucket/prefix*) the job's role may s3:PutObject to. Built once per job:
 * every bucket's derivation asks it for each of the job's s3:// arguments.
 */
function putResources(g: ResourceGraph, job: StackResource): string[] {
  return g.memo(`glueWrites:putResources\n${job.urn}`, () => {
    const role = g.resolveFrom(job, job.inputs.roleArn, T.role);
    if (!role) return [];
    const out: string[] = [];
    for (const rp of g.linking(T.rolePolicy, "role", (p) => [p.inputs.role], role)) {
      const doc = typeof rp.inputs.policy === "string" ? safeJson(rp.inputs.policy) : undefined;
      const statements = Array.isArray(doc?.Statement) ? (doc.Statement as Record<string, unknown>[]) : [];
      for (const st of statements) {
        const actions = ([] as unknown[]).concat(st.Action ?? []);
        if (st.Effect !== "Allow" || !actions.includes("s3:PutObject")) continue;
        for (const r of ([] as unknown[]).concat(st.Resource ?? [])) if (typeof r === "string") out.push(r);
      }
    }
    return out;
  });
}

/**
 * True when the job may write under `url` (s3://bucket/prefix): a PutObject resource on the same
 * bucket whose key pattern and the URL's prefix overlap. Undefined when the job's role policies
 * cannot be read (a preview with unknown values): the caller then counts the argument.
 */
export function jobWritesTo(g: ResourceGraph, job: StackResource, url: string): boolean | undefined {
  const resources = putResources(g, job);
  if (resources.length === 0) return undefined;
  const [bucket, ...key] = url.replace(/^s3:\/\//, "").split("/");
  const prefix = key.join("/");
  return resources.some((arn) => {
    const [b, ...k] = arn.replace(/^arn:aws[a-z-]*:s3:::/, "").split("/");
    const pattern = k.join("/").replace(/\*.*$/, "");
    return b === bucket && (prefix.startsWith(pattern) || pattern.startsWith(prefix));
  });
}
