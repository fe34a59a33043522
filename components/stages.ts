/**
 * Stage metadata every pipeline component declares: which AWS service does
 * which stage, and how fresh its answers are; and the rules that say which
 * workload profiles it fits. The CLI's `compare` and `diagram` commands and
 * docs/pipelines.md are drawn from it.
 */
import { Needs, PipelineKind, Workload } from "../environments";

export const STAGE_KINDS = ["acquire", "transform", "store", "analyse", "visualise"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const LATENCY_CLASSES = ["real-time", "near-real-time", "batch"] as const;
/** real-time: seconds; near-real-time: minutes; batch: hours. */
export type LatencyClass = (typeof LATENCY_CLASSES)[number];

export interface Stage {
  readonly stage: StageKind;
  /** The AWS service behind the stage, e.g. "Amazon Kinesis Data Streams". */
  readonly service: string;
  /** What the service does here, in one sentence. */
  readonly role: string;
  /** Pulumi type tokens of the resources that implement the stage. */
  readonly resourceTypes: readonly string[];
}

export interface PipelineMetadata<K extends PipelineKind = PipelineKind> {
  readonly kind: K;
  /** Component class name, e.g. "RealtimeAnalyticsPipeline". */
  readonly component: string;
  readonly title: string;
  readonly latencyClass: LatencyClass;
  /** The nature of data it suits (real-time, large volume, complex multi-source...). */
  readonly useCase: string;
  readonly stages: readonly Stage[];
}

/** A workload profile: the numbers and what the data is used for. */
export interface Profile {
  readonly workload: Workload;
  readonly needs: Needs;
}

/**
 * One reason to prefer a pipeline for a profile: points added when `when`
 * holds, with the sentence the user reads. Latency (a match, or too slow to be
 * a candidate) is scored for every pipeline alike from its `latencyClass`.
 */
export interface FitRule {
  readonly points: number;
  readonly when: (profile: Profile) => boolean;
  readonly why: (profile: Profile) => string;
}
