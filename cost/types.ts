/**
 * The cost engine's public shapes. Pure data: no Pulumi, no files.
 */
import type { CapacityBound } from "./capacity";
import type { BrakeSummary, CeilingEnforcement } from "./enforcement/types";

/** One priced component of a resource, e.g. "Shard hours". `quantity x unitPriceUsd = monthlyUsd`. */
export interface CostLine {
  /** What is billed, e.g. "Requests" or "Duration (arm64)". */
  component: string;
  /** How many `unit`s a month. */
  quantity: number;
  /** The billing unit, as in the price catalogue, e.g. "1M requests" or "GB-month". */
  unit: string;
  /** USD per `unit`. */
  unitPriceUsd: number;
  /** quantity x unitPriceUsd. */
  monthlyUsd: number;
}

/** Usage of one resource for one month, keyed by usage key (see docs/cost.md). */
export type Usage = Record<string, number>;

/** The result of pricing one resource. */
export interface ResourcePrice {
  monthlyUsd: number;
  lines: CostLine[];
}

/** Arguments of {@link priceResource}. */
export interface PriceResourceArgs {
  /** Pulumi type token, e.g. `aws:lambda/function:Function`. */
  type: string;
  /** Resource inputs (camelCase, as in @pulumi/aws). */
  props: Record<string, unknown>;
  /** Usage keys for the month (missing keys count as 0 or the documented default). */
  usage: Record<string, number>;
  /** AWS region whose prices apply. */
  region: string;
}

/** An Infracost-style usage file, already validated. Nested maps are flattened to dotted keys. */
export interface UsageFile {
  /** Usage per resource type token (applies to every resource of that type). */
  readonly byType: Readonly<Record<string, Usage>>;
  /** Usage per resource logical name (wins over byType). */
  readonly byName: Readonly<Record<string, Usage>>;
}

/** One billed resource's expected and ceiling cost. */
export interface ResourceCostItem {
  urn: string;
  type: string;
  name: string;
  expectedMonthlyUsd: number;
  /** null exactly when the resource's ceiling is unbounded. */
  ceilingMonthlyUsd: number | null;
  /** Why the ceiling is unbounded (only when ceilingMonthlyUsd is null). */
  unboundedReason?: string;
  expected: CostLine[];
  /** Lines at the ceiling (empty when unbounded). */
  ceiling: CostLine[];
  /** The expected usage the lines were priced from. */
  usage: Record<string, number>;
  /** How the ceiling is enforced; null when nothing enforces it (a workload figure, an alarm, nothing). */
  ceilingEnforcement: CeilingEnforcement | null;
  /** What bounds the part, in one phrase (or why nothing does). */
  ceilingBound: string;
  /** The ceiling from enforced bounds only (null: not enforced). */
  guaranteedCeilingMonthlyUsd: number | null;
}

/** A whole stack's cost. */
export interface StackCost {
  expectedMonthlyUsd: number;
  /** null exactly when ceilingUnbounded is true. */
  ceilingMonthlyUsd: number | null;
  ceilingUnbounded: boolean;
  /** The most the stack can cost by what AWS and the spend brake enforce (null: a part is not enforced). */
  guaranteedCeilingMonthlyUsd: number | null;
  /** The brake's share and worst case (null: no brake covers a part). */
  brake: BrakeSummary | null;
  /** Each bound's capacity at the workload's peak (empty without a workload). */
  capacity: CapacityBound[];
  items: ResourceCostItem[];
  /** Billed resource types with no estimator (each type once, sorted). Never a silent $0. */
  unpriced: string[];
  /** Resources that could not be priced, e.g. inputs unknown during a preview. */
  cannotPrice: { urn: string; reason: string }[];
}
