/**
 * The project's own stacks: read `Pulumi.<name>.yaml`, synthesize under mocks
 * (cached per environment, so one process never synthesizes the same config
 * twice), and plan with the stack's policy config. I/O lives here; the plan
 * logic is platform/plan.ts.
 */
import * as path from "node:path";
import { ConfigError, Environment, listStackFiles, loadStackFile, readProjectName } from "../../environments";
import type { PolicyPackConfig } from "../../policies/offline";
import type { StackGuardrails } from "../../policies/stackFile";
import { Engines, loadEngines } from "../../platform/engines";
import { StackPlan, planStack } from "../../platform/plan";
import { StackResource } from "../../model/resources";
import { CliError, isUserError } from "../errors";

export interface LoadedStack {
  stack: string;
  env?: Environment;
  /** The one-line config error, when the stack file is invalid. */
  error?: string;
}

/** Stack files selected by `--stack <name>|all`. Throws CliError for an unknown stack. */
export function selectStacks(cwd: string, selector: string): { stack: string; file: string }[] {
  const stacks = listStackFiles(cwd);
  const selected = selector === "all" ? stacks : stacks.filter((s) => s.stack === selector);
  if (selected.length === 0) {
    throw new CliError(stacks.length === 0 ? `no Pulumi.<stack>.yaml file in ${cwd}` : `unknown stack ${selector} (stacks: ${stacks.map((s) => s.stack).join(", ")}, or all)`);
  }
  return selected;
}

/** Loads the selected stack files; invalid ones carry their one-line error. */
export function loadStacks(cwd: string, selector: string): LoadedStack[] {
  const selected = selectStacks(cwd, selector);
  const project = readProjectName(cwd);
  return selected.map(({ stack, file }) => {
    try {
      return { stack, env: loadStackFile(file, project) };
    } catch (err) {
      if (err instanceof ConfigError) return { stack, error: err.message };
      throw err;
    }
  });
}

const synthCache = new Map<string, Promise<StackResource[]>>();

/** Synthesizes a stack under mocks; the same environment is synthesized once per process. */
export async function synthesize(env: Environment): Promise<StackResource[]> {
  const key = JSON.stringify(env);
  let hit = synthCache.get(key);
  if (!hit) {
    // Loaded lazily: @pulumi/pulumi and the components take about a second to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synthesizeStack } = require("../../platform/synth") as typeof import("../../platform/synth");
    hit = synthesizeStack(env).then(
      (r) => r.resources,
      (err: unknown) => {
        // A component rejecting the config (e.g. "RealtimeAnalyticsPipeline: limits.lambda.reservedConcurrency (1)
        // must cover maxShards...") is bad input, told in one line; TypeErrors and the like stay bugs.
        if (err instanceof Error && (err.constructor === Error || err.name === "RunError" || err.name === "ResourceError")) {
          throw new CliError(`Pulumi.${env.stack}.yaml: the program rejects this configuration: ${err.message.split("\n")[0]}`);
        }
        throw err;
      },
    );
    synthCache.set(key, hit);
    hit.catch(() => synthCache.delete(key));
  }
  return hit;
}

/** Reads a policy pack config file (the pack's own loader validates it). Throws a one-line user error. */
export function readPolicyConfig(engines: Engines, file: string): PolicyPackConfig | undefined {
  if (!engines.policy) return undefined;
  try {
    return engines.policy.loadPolicyConfig(file);
  } catch (err) {
    if (isUserError(err)) throw err;
    // A validator recursing through a pathologically nested document runs out of stack: that is the document's fault.
    if (err instanceof RangeError) throw new CliError(`${path.basename(file)}: nests too deep to be a policy pack config`);
    throw new CliError(`${path.basename(file)}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  }
}

/** The guardrails (levels, limits) of a stack file, as the policy pack resolves them; undefined without the pack. */
export function stackGuardrails(engines: Engines, env: Environment): StackGuardrails | undefined {
  return engines.policy?.guardrailsOfEnvironment(env);
}

/** Plans one of the project's stacks: synth + cost + policy (judged by its own stack file), with the env's budget as fallback. */
export async function planEnvironment(_cwd: string, env: Environment, engines: Engines = loadEngines()): Promise<StackPlan> {
  const guardrails = stackGuardrails(engines, env);
  const resources = await synthesize(env);
  return planStack(
    {
      stack: env.stack,
      region: env.awsRegion,
      resources,
      workload: env.workload,
      limits: env.limits,
      budgetFallbackUsd: env.budget.monthlyUsd,
      ...(guardrails ? { policyConfig: guardrails.config, guardrails: guardrails.source } : {}),
    },
    engines,
  );
}
