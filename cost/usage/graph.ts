/**
 * The resource graph the usage formulas walk. Inputs reference other resources
 * by ARN, name or URL strings; a reference resolves when it equals a
 * resource's logical name, `name`/`bucket` input or output, `arn` or `id`
 * output, or when one segment of an ARN's resource part (or an `s3://` host,
 * or the name after `table/`) equals one of those names, with or without an
 * autonaming suffix.
 */
import { StackResource, UNKNOWN, containsUnknown } from "../../model/resources";

const IDENTITY_KEYS = ["name", "bucket", "arn", "id", "functionName", "streamName", "tableName", "dashboardName", "workgroupName", "namespaceName"] as const;

export class ResourceGraph {
  public readonly resources: readonly StackResource[];
  private readonly byId = new Map<string, StackResource[]>();
  private readonly byType = new Map<string, StackResource[]>();
  private readonly byUrn = new Map<string, StackResource>();
  /** resolve()'s answers per reference and type filter: the usage formulas ask the same question once per candidate pair. */
  private readonly resolved = new Map<string, Map<string, StackResource | undefined>>();
  private readonly memos = new Map<string, unknown>();
  private readonly position = new Map<StackResource, number>();

  public constructor(resources: readonly StackResource[]) {
    this.resources = resources.filter((r) => r.custom);
    for (const [i, r] of this.resources.entries()) {
      push(this.byType, r.type, r);
      this.byUrn.set(r.urn, r);
      this.position.set(r, i);
      const ids = new Set<string>([r.name, r.urn]);
      for (const source of [r.inputs, r.outputs ?? {}]) {
        for (const key of IDENTITY_KEYS) {
          const v = source[key];
          if (typeof v === "string" && v !== "" && v !== UNKNOWN) ids.add(v);
        }
      }
      for (const id of ids) push(this.byId, id, r);
    }
  }

  /** Resources of the given type(s), in stack order. */
  public ofType(...types: string[]): StackResource[] {
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /** The resource a reference string points at, restricted to `types` when given. */
  public resolve(ref: unknown, ...types: string[]): StackResource | undefined {
    if (typeof ref !== "string" || ref === "" || ref === UNKNOWN) return undefined;
    const filter = types.length === 1 ? types[0] : types.join("\n");
    let answers = this.resolved.get(ref);
    if (!answers) this.resolved.set(ref, (answers = new Map<string, StackResource | undefined>()));
    if (answers.has(filter)) return answers.get(filter);
    const hit = this.lookup(ref, types);
    answers.set(filter, hit);
    return hit;
  }

  private lookup(ref: string, types: readonly string[]): StackResource | undefined {
    for (const candidate of candidates(ref)) {
      const hit = (this.byId.get(candidate) ?? []).find((r) => types.length === 0 || types.includes(r.type));
      if (hit) return hit;
    }
    return undefined;
  }

  /** True when the reference points at `target`. */
  public refersTo(ref: unknown, target: StackResource): boolean {
    return this.resolve(ref, target.type) === target;
  }

  /**
   * Like {@link refersTo} for a reference held by `from`; when the reference is
   * not known yet (a preview), `from` depending on `target` counts as the link.
   */
  public links(from: StackResource, ref: unknown, target: StackResource): boolean {
    if (this.refersTo(ref, target)) return true;
    return ref !== undefined && containsUnknown(ref) && from.dependencies.includes(target.urn);
  }

  /**
   * The resources of `type` (or types) with a reference that {@link links} to `target`,
   * in stack order: `ofType(type).filter((r) => refs(r).some((ref) => links(r, ref, target)))`.
   * Answered from an index built once per (type, `key`, target type), so asking
   * it for every target of a type stays linear in the stack; `key` names what
   * `refs` reads and must differ between different `refs`.
   */
  public linking(type: string | readonly string[], key: string, refs: (r: StackResource) => readonly unknown[], target: StackResource): readonly StackResource[] {
    const types = typeof type === "string" ? [type] : type;
    const index = this.memo(`linking\n${types.join(",")}\n${key}\n${target.type}`, () => {
      const byTarget = new Map<string, StackResource[]>();
      for (const r of this.ofType(...types)) {
        const hits = new Set<string>();
        for (const ref of refs(r)) {
          const hit = this.resolve(ref, target.type);
          if (hit) hits.add(hit.urn);
          if (ref !== undefined && containsUnknown(ref)) for (const d of r.dependencies) hits.add(d);
        }
        for (const urn of hits) push(byTarget, urn, r);
      }
      return byTarget;
    });
    return index.get(target.urn) ?? [];
  }

  /** A value built once per graph under `key`: the indexes the derivers keep over the stack. */
  public memo<V>(key: string, build: () => V): V {
    if (this.memos.has(key)) return this.memos.get(key) as V;
    const value = build();
    this.memos.set(key, value);
    return value;
  }

  /** `list` (resources of this graph) sorted in stack order. */
  public inStackOrder(list: StackResource[]): StackResource[] {
    return list.sort((a, b) => (this.position.get(a) ?? 0) - (this.position.get(b) ?? 0));
  }

  /** Like {@link resolve} for a reference held by `from`; an unknown reference resolves to `from`'s only dependency of those types. */
  public resolveFrom(from: StackResource, ref: unknown, ...types: string[]): StackResource | undefined {
    const hit = this.resolve(ref, ...types);
    if (hit || ref === undefined || !containsUnknown(ref)) return hit;
    // Dependencies in stack order, each once (as the resources are), looked up by URN.
    const deps = new Set<StackResource>();
    for (const urn of from.dependencies) {
      const r = this.byUrn.get(urn);
      if (r && (types.length === 0 || types.includes(r.type))) deps.add(r);
    }
    if (deps.size !== 1) return undefined;
    return [...deps][0];
  }
}

/** The strings a reference may match, most specific first. */
function candidates(ref: string): string[] {
  const out = [ref];
  if (ref.startsWith("arn:")) {
    const resource = ref.split(":").slice(5).join(":");
    const segments = resource.split(/[/:]/).filter((s) => s !== "" && s !== "$LATEST" && s !== "*" && !/^\d+$/.test(s));
    out.push(resource, ...segments.reverse());
  } else if (ref.startsWith("s3://")) {
    out.push(ref.slice(5).split("/")[0] ?? "");
  } else if (ref.startsWith("table/")) {
    out.push(ref.slice(6).split("/")[0] ?? "");
  }
  // Autonamed resources carry a random suffix after their logical name (Pulumi: "-" and 7 hex
  // digits; our mocks: 8; Secrets Manager ARNs: 6 characters): try the name without it too.
  for (const s of [...out]) {
    const bare = s.replace(/-[0-9a-f]{7,8}$/, "");
    if (bare !== s) out.push(bare);
    if (ref.startsWith("arn:aws:secretsmanager:")) out.push(s.replace(/-[A-Za-z0-9]{6}$/, ""));
  }
  return out.filter((s) => s !== "");
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
