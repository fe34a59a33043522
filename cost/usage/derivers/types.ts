/** What a deriver is: one per priced resource type (cost/usage/derivers/index.ts wires them by type token). */
import type { StackResource } from "../../../model/resources";
import type { UsageContext } from "../context";
import type { Derived } from "../derived";

/** Derives one resource type's monthly usage. Pure. */
export interface Deriver {
  /** The resource's expected and ceiling usage; undefined when this resource has none to derive (its estimator prices it from props). */
  derive(r: StackResource, ctx: UsageContext): Derived | undefined;
}
