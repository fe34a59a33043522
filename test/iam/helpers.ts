/** The three synthesized stacks every IAM and metric check runs over: dev, prod and the all-pipelines fixture. */
import * as path from "node:path";
import { loadStackFile } from "../../environments";
import { synthesizeStack, SynthResult } from "../../platform/synth";
import { PROJECT, REPO_ROOT, synthesized } from "../helpers/stacks";

let fixture: Promise<SynthResult> | undefined;

export const STACK_NAMES = ["dev", "prod", "all"] as const;
export type StackName = (typeof STACK_NAMES)[number];

export function synthesizedStack(stack: StackName): Promise<SynthResult> {
  if (stack !== "all") return synthesized(stack);
  fixture ??= synthesizeStack(loadStackFile(path.join(REPO_ROOT, "test", "fixtures", "stacks", "Pulumi.all.yaml"), PROJECT));
  return fixture;
}
