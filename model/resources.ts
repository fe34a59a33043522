/**
 * The one shape every offline tool (cost engine, policy evaluator, CLI) reads:
 * a resource as Pulumi's engine sees it. It comes from our program under mocks,
 * from `pulumi preview --json` or from `pulumi stack export` (see docs/brief.md).
 */

/** Pulumi's marker for a value not yet known during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface StackResource {
  /** `urn:pulumi:<stack>::<project>::<parent types$...>type::<name>` */
  readonly urn: string;
  /** Type token, e.g. `aws:kinesis/stream:Stream`. */
  readonly type: string;
  /** Logical name (the URN's last part). */
  readonly name: string;
  /** True for provider-managed resources, false for components. */
  readonly custom: boolean;
  /** URN of the parent resource, if any. */
  readonly parent?: string;
  /** Provider reference `<provider urn>::<provider id>`, if any. */
  readonly provider?: string;
  /** URNs this resource depends on. */
  readonly dependencies: readonly string[];
  /** Per input property, the URNs its value came from (Pulumi's `propertyDependencies`), when known. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** Resource inputs (camelCase, as in @pulumi/aws). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Outputs, when known (a state export has them; a preview may not). */
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/** True when the value is, or contains, a preview-unknown. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** The stack name inside a URN (`urn:pulumi:<stack>::...`). */
export function stackOfUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/** The logical name at the end of a URN. */
export function nameOfUrn(urn: string): string {
  const parts = urn.split("::");
  return parts[parts.length - 1] ?? urn;
}

/** The provider URN of a provider reference (`<urn>::<id>`). */
export function providerUrnOf(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}
