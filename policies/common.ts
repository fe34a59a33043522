/**
 * Helpers every policy module shares: reading resources the way CrossGuard
 * hands them over (inputs behind an unknown-checking proxy), "cannot verify"
 * reports for preview unknowns, finding the resources that refer to another,
 * and IAM policy documents. Pure: no cloud calls, no files.
 */
import { PolicyResource, ReportViolation, UnknownValueError } from "@pulumi/policy";
import { StackResource, UNKNOWN } from "../model/resources";

/** Messages that start with this are "cannot verify" entries, not violations. */
export const CANNOT_VERIFY_PREFIX = "cannot verify: ";

export const MB = 1024 * 1024;

/** The object form of a CrossGuard report (supported by @pulumi/policy at runtime, absent from its typings). */
export interface ReportInfo {
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel?: "advisory" | "mandatory";
}

/**
 * Reports a rule that depends on a value not known yet (a preview unknown).
 * Under CrossGuard it shows as an advisory message, so it never blocks a deployment;
 * the offline evaluator lists it under `cannotVerify`.
 */
export function reportCannotVerify(report: ReportViolation, urn: string | undefined, detail: string): void {
  const info: ReportInfo = { message: `${CANNOT_VERIFY_PREFIX}${detail}`, ...(urn ? { urn } : {}), enforcementLevel: "advisory" };
  (report as unknown as (info: ReportInfo) => void)(info);
}

/**
 * Runs one check per resource; a check that touches a preview unknown reports
 * "cannot verify" for that resource and the others still run.
 */
export function checkEach<T extends { urn: string }>(items: readonly T[], report: ReportViolation, check: (item: T) => void): void {
  for (const item of items) {
    try {
      check(item);
    } catch (err) {
      if (err instanceof UnknownValueError) reportCannotVerify(report, item.urn, (err as Error).message);
      else throw err;
    }
  }
}

/** True for the preview-unknown marker (also when it reached us without the proxy). */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** The raw object behind CrossGuard's unknown-checking proxy (or the value itself). */
export function unwrapProxy<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    const target = (value as Record<string, unknown>)["__getSpecialProxyTarget"];
    if (target !== undefined) return target as T;
  }
  return value;
}

/** A nested input that may arrive as JSON text (provider inputs do) or as an object. */
export function jsonOrObject(value: unknown): unknown {
  if (typeof value === "string") {
    if (isUnknown(value)) return value;
    try {
      return JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return value;
}

/**
 * Lookups over one stack view, built once per view (a policy asks them once per
 * resource: scanning the stack each time made checks quadratic in its size).
 */
interface StackIndex {
  /** Each resource's position in the view, to return lookups in stack order. */
  readonly position: Map<PolicyResource, number>;
  readonly byType: Map<string, PolicyResource[]>;
  /** URN -> the resources that depend on it. */
  readonly dependents: Map<string, PolicyResource[]>;
  /** "<type>\n<key>" -> resources of that type by the string value of input `key`, and by their property dependencies on it. */
  readonly byInput: Map<string, InputIndex>;
}

interface InputIndex {
  readonly values: Map<string, PolicyResource[]>;
  readonly propertyDependents: Map<string, PolicyResource[]>;
}

const indexes = new WeakMap<readonly PolicyResource[], StackIndex>();

function indexOf(resources: readonly PolicyResource[]): StackIndex {
  let index = indexes.get(resources);
  if (index) return index;
  index = { position: new Map(), byType: new Map(), dependents: new Map(), byInput: new Map() };
  for (const [i, r] of resources.entries()) {
    index.position.set(r, i);
    pushTo(index.byType, r.type, r);
    for (const d of new Set(r.dependencies.map((x) => x.urn))) pushTo(index.dependents, d, r);
  }
  indexes.set(resources, index);
  return index;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Resources of `type` by the string value of their input at `path` and by the URNs of its property dependencies. */
function byInput(index: StackIndex, type: string, ...path: string[]): InputIndex {
  const id = `${type}\n${path.join(".")}`;
  let found = index.byInput.get(id);
  if (found) return found;
  found = { values: new Map(), propertyDependents: new Map() };
  for (const r of index.byType.get(type) ?? []) {
    const v = peek(r.props, ...path);
    if (typeof v === "string") pushTo(found.values, v, r);
    if (path.length === 1) for (const d of r.propertyDependencies[path[0]] ?? []) pushTo(found.propertyDependents, d.urn, r);
  }
  index.byInput.set(id, found);
  return found;
}

export function resourcesOfType(resources: readonly PolicyResource[], ...types: string[]): PolicyResource[] {
  const { byType } = indexOf(resources);
  if (types.length === 1) return [...(byType.get(types[0]) ?? [])];
  return resources.filter((r) => types.includes(r.type));
}

/** Reads a property without tripping the unknown proxy; unknown reads as `undefined`. */
export function peek(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    try {
      cur = (cur as Record<string, unknown>)[key];
    } catch (err) {
      if (err instanceof UnknownValueError) return undefined;
      throw err;
    }
  }
  return cur;
}

/** Identifiers by which another resource may name this one (explicit physical names and known outputs). */
export function identifiersOf(target: PolicyResource): string[] {
  const ids: string[] = [];
  for (const key of ["bucket", "name", "id", "arn", "streamName", "functionName"]) {
    const v = peek(target.props, key);
    if (typeof v === "string" && v !== "" && !isUnknown(v)) ids.push(v);
  }
  return ids;
}

/**
 * True when `child` refers to `target`: it depends on it (the engine records a
 * dependency whenever an input comes from the target's outputs), or the input
 * `key` holds one of the target's known names.
 */
export function refersTo(child: PolicyResource, target: PolicyResource, key?: string): boolean {
  if (child.dependencies.some((d) => d.urn === target.urn)) return true;
  if (key !== undefined) {
    if ((child.propertyDependencies[key] ?? []).some((d) => d.urn === target.urn)) return true;
    const v = peek(child.props, key);
    if (typeof v === "string" && identifiersOf(target).includes(v)) return true;
  }
  return false;
}

/**
 * Resources of `types` that refer to `target` (as {@link refersTo}), in stack
 * order. The candidates come from the view's index: those depending on
 * `target` and those whose input `key` holds one of its names; each is then
 * confirmed with refersTo.
 */
export function referrers(resources: readonly PolicyResource[], target: PolicyResource, types: readonly string[], key?: string): PolicyResource[] {
  const index = indexOf(resources);
  const candidates = new Set<PolicyResource>(index.dependents.get(target.urn) ?? []);
  if (key !== undefined) {
    for (const type of types) {
      const { values, propertyDependents } = byInput(index, type, key);
      for (const id of identifiersOf(target)) for (const r of values.get(id) ?? []) candidates.add(r);
      for (const r of propertyDependents.get(target.urn) ?? []) candidates.add(r);
    }
  }
  return inStackOrder(index, [...candidates].filter((r) => types.includes(r.type) && refersTo(r, target, key)));
}

function inStackOrder(index: StackIndex, list: PolicyResource[]): PolicyResource[] {
  return list.sort((a, b) => (index.position.get(a) ?? 0) - (index.position.get(b) ?? 0));
}

/**
 * Resources of `type` that depend on `target` or whose input at `path` is the
 * string `value` (when given), in stack order, from the view's index.
 */
export function dependentsOrNamed(resources: readonly PolicyResource[], target: PolicyResource, type: string, path: readonly string[], value: unknown): PolicyResource[] {
  const index = indexOf(resources);
  const found = new Set((index.dependents.get(target.urn) ?? []).filter((r) => r.type === type));
  if (typeof value === "string") for (const r of byInput(index, type, ...path).values.get(value) ?? []) found.add(r);
  return inStackOrder(index, [...found]);
}

/** Converts a CrossGuard resource back into the shared StackResource shape (the cost engine reads it). */
export function toStackResource(r: PolicyResource): StackResource {
  const original = (r as unknown as Record<symbol, unknown>)[STACK_RESOURCE];
  if (original) return original as StackResource;
  const pkg = r.type.split(":")[0];
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.type.startsWith("pulumi:providers:") || (pkg !== "pulumi" && COMPONENT_PACKAGES.every((p) => p !== pkg)),
    ...(r.parent ? { parent: r.parent.urn } : {}),
    ...(r.provider ? { provider: `${r.provider.urn}::${UNKNOWN}` } : {}),
    dependencies: r.dependencies.map((d) => d.urn),
    inputs: unwrapProxy(r.props),
  };
}

/** Packages whose types are components (no cloud resource of their own). */
const COMPONENT_PACKAGES = ["platform", "awsx", "eks"];

/** The offline evaluator attaches the StackResource it built a policy resource from under this key. */
export const STACK_RESOURCE = Symbol.for("retail-guardrails.stackResource");

// ---- IAM policy documents -------------------------------------------------------------------

export interface IamStatement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  /** True when the statement uses NotAction (grants everything but a list). */
  readonly notAction: boolean;
  readonly resources: readonly string[];
}

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map((x) => text(x)) : [text(v)]);
/** A policy document field as text (JSON for anything that is not a string). */
const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** The statements of a policy document given as JSON text or an object; `undefined` when unreadable. */
export function iamStatements(document: unknown): IamStatement[] | undefined {
  const doc = jsonOrObject(document);
  if (doc === null || typeof doc !== "object") return undefined;
  const raw = (doc as Record<string, unknown>)["Statement"];
  const list = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
  return list.map((s: Record<string, unknown>) => ({
    ...(typeof s["Sid"] === "string" ? { sid: s["Sid"] } : {}),
    effect: text(s["Effect"] ?? "Allow"),
    actions: asList(s["Action"] ?? s["NotAction"]),
    notAction: s["NotAction"] !== undefined,
    resources: asList(s["Resource"] ?? s["NotResource"]),
  }));
}

/** `Sid` or position, for messages. */
export function statementLabel(s: IamStatement, i: number): string {
  return s.sid ? `statement ${s.sid}` : `statement #${i + 1}`;
}

/** Resource types carrying IAM identity policy documents, and the input holding each document. */
export const IAM_POLICY_DOCUMENTS: Readonly<Record<string, (props: Record<string, unknown>) => unknown[]>> = {
  "aws:iam/rolePolicy:RolePolicy": (p) => [p["policy"]],
  "aws:iam/policy:Policy": (p) => [p["policy"]],
  "aws:iam/userPolicy:UserPolicy": (p) => [p["policy"]],
  "aws:iam/groupPolicy:GroupPolicy": (p) => [p["policy"]],
  "aws:iam/role:Role": (p) => (Array.isArray(p["inlinePolicies"]) ? (p["inlinePolicies"] as Record<string, unknown>[]).map((ip) => ip["policy"]) : []),
};

/** "$13,877.40": grouped as the plan prints amounts, so a verdict and the plan line it explains read alike. */
export function fmtUsd(n: number): string {
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
