import { Environment } from "../../environments";

/** The tags every taggable resource carries (set once, as the AWS provider's default tags). */
export const REQUIRED_TAG_KEYS = ["environment", "project", "owner", "cost-center"] as const;

export type PlatformTags = Record<(typeof REQUIRED_TAG_KEYS)[number], string>;

export function platformTags(env: Environment): PlatformTags {
  return { environment: env.stack, project: env.project, owner: env.owner, "cost-center": env.costCenter };
}

/** The cost-allocation tag filter AWS Budgets uses to see only this stack's spend. */
export function costAllocationFilter(env: Environment): string {
  return `user:environment$${env.stack}`;
}
