/** What a stage builder of a pipeline component receives: the component's name, its args, its resolved settings and the parent of every child. */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Limits, Operations, Protection, QuickSightSchema, UploadLimits, Workload } from "../../environments";

type QuickSight = z.infer<typeof QuickSightSchema>;

/** Options of a child of a component: `{ parent: component }`, and nothing else, so children inherit providers and aliases. */
export interface ChildOptions {
  readonly parent: pulumi.ComponentResource;
}

export interface StageContext<Args, Settings> {
  /** The component's name: every child is named `${name}-suffix`. */
  readonly name: string;
  readonly args: Args;
  readonly settings: Settings;
  readonly opts: ChildOptions;
}

/** What every pipeline takes from its environment and from PlatformCore (registry.ts `sharedArgs`). */
export interface PipelineEnvironmentArgs {
  /** The stack's AWS region (`aws:region`). */
  readonly awsRegion: string;
  readonly workload: Workload;
  readonly limits: Limits;
  readonly protection: Protection;
  readonly operations: Operations;
  readonly quicksight: QuickSight;
  /** The upload gates' bounds (platform:uploads); absent: derived from the workload. */
  readonly uploads?: UploadLimits;
  /** From PlatformCore: the data-at-rest key. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** From PlatformCore: the alert topic. */
  readonly alertTopicArn: pulumi.Input<string>;
  /** From PlatformCore: the bucket that receives the pipeline buckets' server access logs (SSE-S3). */
  readonly accessLogBucket: pulumi.Input<string>;
}
