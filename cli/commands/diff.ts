/**
 * `platform diff --base <git ref>`: plans every stack at the base ref (in a
 * temporary git worktree, synthesized with the base's own code and stack
 * files) and in the working tree, then prints what changed per stack: cost
 * deltas, new and resolved policy violations. Made for pull-request comments.
 * Both sides are priced and checked by the working tree's cost engine and
 * policy pack, so the diff shows what the infrastructure change costs.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Command } from "commander";
import { Environment, listStackFiles } from "../../environments";
import { loadEngines } from "../../platform/engines";
import { planStack } from "../../platform/plan";
import { StackResource } from "../../model/resources";
import { CliError, isUserError } from "../errors";
import { CliIo } from "../io";
import { Format } from "../lib/format";
import { resolveCommit, withWorktree } from "../lib/git";
import { formatOption } from "../lib/options";
import { PlanOrError, StackDiff, diffLine, diffStack } from "../lib/planDiff";
import { loadStacks, planEnvironment, stackGuardrails } from "../lib/stacks";
import type { StackGuardrails } from "../../policies/stackFile";

interface WorkerStack {
  stack: string;
  error?: string;
  env?: Environment;
  resources?: StackResource[];
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("diff")
    .description("Cost and guardrail change of every stack between a git ref and the working tree (for pull-request comments)")
    .requiredOption("--base <ref>", "the git ref to compare against, e.g. origin/main")
    .addOption(formatOption())
    .addHelpText("after", "\nExit codes: 0 compared (whatever the verdicts), 2 bad input (unknown ref, bad flag) or a stack that cannot be planned.")
    .action(async (opts: { base: string; format: Format }) => {
      const commit = resolveCommit(io.cwd, opts.base);
      const engines = loadEngines();
      const head = new Map<string, PlanOrError>();
      const base = await withWorktree(io.cwd, commit, async (dir) => {
        // The base synthesizes in a child process while this one plans the working tree (2 cores).
        const baseStacks = synthesizeAt(dir);
        baseStacks.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
        if (listStackFiles(io.cwd).length > 0) {
          for (const loaded of loadStacks(io.cwd, "all")) {
            if (!loaded.env) head.set(loaded.stack, { error: loaded.error ?? "invalid stack file" });
            else {
              try {
                head.set(loaded.stack, { plan: await planEnvironment(io.cwd, loaded.env, engines) });
              } catch (err) {
                if (isUserError(err)) head.set(loaded.stack, { error: err.message });
                else throw err;
              }
            }
          }
        }
        const plans = new Map<string, PlanOrError>();
        for (const s of await baseStacks) {
          if (s.error !== undefined || !s.env || !s.resources) {
            plans.set(s.stack, { error: s.error ?? "could not be synthesized" });
            continue;
          }
          let guardrails: StackGuardrails | undefined;
          try {
            guardrails = stackGuardrails(engines, s.env);
          } catch {
            guardrails = engines.policy?.strictDefaults(s.stack); // the base's guardrails no longer resolve: strict defaults apply
          }
          plans.set(s.stack, {
            plan: await planStack(
              { stack: s.stack, region: s.env.awsRegion, resources: s.resources, workload: s.env.workload, limits: s.env.limits, budgetFallbackUsd: s.env.budget.monthlyUsd, ...(guardrails ? { policyConfig: guardrails.config, guardrails: guardrails.source } : {}) },
              engines,
            ),
          });
        }
        return plans;
      });

      const names = [...new Set([...base.keys(), ...head.keys()])].sort();
      const diffs = names.map((n) => diffStack(n, base.get(n), head.get(n)));
      // Only the working tree's own errors fail the diff: a base that cannot be planned (a PR fixing it) is reported, not fatal.
      if ([...head.values()].some((h) => "error" in h)) setExit(2);
      io.out(renderDiff(diffs, opts.base, commit, opts.format));
    });
}

/** Synthesizes every stack of the base worktree in a child process running the base's code. */
function synthesizeAt(dir: string): Promise<WorkerStack[]> {
  const worker = path.join(__dirname, "..", "lib", "synthWorker.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), worker, dir], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new CliError(`cannot synthesize the base: ${e.message}`)));
    child.on("close", (code) => {
      if (code !== 0) return reject(new CliError(`cannot synthesize the base: ${Buffer.concat(err).toString("utf8").trim().split("\n")[0] || `exit ${code}`}`));
      try {
        resolve((JSON.parse(Buffer.concat(out).toString("utf8")) as { stacks: WorkerStack[] }).stacks);
      } catch {
        reject(new CliError("cannot synthesize the base: its output is not JSON"));
      }
    });
  });
}

export function renderDiff(diffs: StackDiff[], ref: string, commit: string, format: Format): string {
  if (format === "json") return JSON.stringify({ base: ref, baseCommit: commit, stacks: diffs }, null, 2);
  const lines = diffs.map(diffLine);
  if (format === "markdown") {
    return [`### Cost and guardrail change against \`${ref}\` (${commit.slice(0, 12)})`, "", ...(lines.length ? lines.map((l) => `- ${l}`) : ["_No stacks._"])].join("\n");
  }
  return lines.length ? lines.join("\n") : "no stacks";
}
