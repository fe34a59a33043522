/**
 * Upload gates (components/shared/UploadGate.ts): the Lambda functions that
 * grant presigned PUT URLs into a landing zone, read from their environment.
 * A gate links itself to its bucket (LANDING_BUCKET), so a landing zone is
 * known explicitly, not guessed from a crawler or a notification. Pure.
 */
import type { StackResource } from "../../model/resources";
import { DAYS_PER_MONTH } from "../constants";
import { at } from "../estimators/types";
import { Amount, amount } from "./amount";
import type { ResourceGraph } from "./graph";
import { T } from "./tokens";

/** What a gate's environment says of its bound. */
export interface UploadGateBound {
  readonly fn: StackResource;
  readonly prefix: string;
  readonly maxFilesPerDay: number;
  readonly maxFileBytes: number;
  readonly urlExpirySeconds: number;
}

function vars(fn: StackResource): Record<string, unknown> {
  const v = at(fn.inputs, "environment.variables");
  return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
}

/** The gate's bound, or undefined when the function is not an upload gate (or its limits are not plain numbers). */
export function gateBound(fn: StackResource): UploadGateBound | undefined {
  const v = vars(fn);
  const n = (k: string) => (typeof v[k] === "string" && /^\d+$/.test(v[k]) ? Number(v[k]) : undefined);
  const [files, bytes, expiry] = [n("MAX_FILES_PER_DAY"), n("MAX_FILE_BYTES"), n("URL_EXPIRY_SECONDS")];
  if (v.LANDING_BUCKET === undefined || files === undefined || bytes === undefined || expiry === undefined) return undefined;
  return { fn, prefix: typeof v.LANDING_PREFIX === "string" ? v.LANDING_PREFIX : "", maxFilesPerDay: files, maxFileBytes: bytes, urlExpirySeconds: expiry };
}

export function isUploadGate(fn: StackResource): boolean {
  return gateBound(fn) !== undefined;
}

/** The gates in front of a bucket. */
export function gatesOf(g: ResourceGraph, bucket: StackResource): UploadGateBound[] {
  return g
    .linking(T.lambda, "environment.variables.LANDING_BUCKET", (fn) => [vars(fn).LANDING_BUCKET], bucket)
    .map(gateBound)
    .filter((x): x is UploadGateBound => x !== undefined);
}

/** Every gate of the stack. */
export function allGates(g: ResourceGraph): UploadGateBound[] {
  return g.ofType(T.lambda).map(gateBound).filter((x): x is UploadGateBound => x !== undefined);
}

/** Files a month through the gates: expected the workload's (at most the bound), ceiling maxFilesPerDay x days. */
export function gatedFiles(gates: readonly UploadGateBound[], expectedPerMonth: number): Amount {
  const c = gates.reduce((sum, x) => sum + x.maxFilesPerDay * DAYS_PER_MONTH, 0);
  return amount(Math.min(expectedPerMonth, c), c);
}

/** Bytes a month through the gates: expected the workload's, ceiling each file at its gate's maximum size. */
export function gatedBytes(gates: readonly UploadGateBound[], expectedPerMonth: number): Amount {
  const c = gates.reduce((sum, x) => sum + x.maxFilesPerDay * DAYS_PER_MONTH * x.maxFileBytes, 0);
  return amount(Math.min(expectedPerMonth, c), c);
}
