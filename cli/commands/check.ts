/**
 * `platform check --preview FILE|- | --state FILE`: the same pricing and
 * policies as `plan`, on a real `pulumi preview --json` document or a
 * `pulumi stack export` of any AWS Pulumi stack. Same output and exit codes as plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { ConfigError, Environment, loadStackFile, readProjectName } from "../../environments";
import { loadEngines } from "../../platform/engines";
import { StackPlan, planStack } from "../../platform/plan";
import { StackResource, UNKNOWN, stackOfUrn } from "../../model/resources";
import { CliError } from "../errors";
import { CliIo } from "../io";
import { DocumentKind, parseDocument, readJsonDocument } from "../lib/documents";
import { Format } from "../lib/format";
import { formatOption, parseRegion, parseUsd } from "../lib/options";
import { renderReport } from "../lib/render";
import { readPolicyConfig } from "../lib/stacks";

export const DEFAULT_REGION = "us-east-1";

interface CheckOptions {
  preview?: string;
  state?: string;
  env?: string;
  budget?: number;
  region?: string;
  policyConfig?: string;
  strictDefaults?: boolean;
  format: Format;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("check")
    .description("Price and policy-check a real `pulumi preview --json` or `pulumi stack export` document of any AWS stack")
    .addOption(new Option("--preview <file>", "a `pulumi preview --json` document, or - for stdin").conflicts("state"))
    .addOption(new Option("--state <file>", "a `pulumi stack export` document"))
    .option("--env <name>", "the stack file (Pulumi.<name>.yaml) whose guardrails apply; default: the stack named in the URNs, else strict defaults")
    .option("--strict-defaults", "with an --env that has no stack file here: judge with the documented strict defaults (production tier)")
    .option("--budget <usd>", "monthly budget in USD (wins over the stack's AWS Budget resource)", parseUsd)
    .option("--region <region>", `AWS region for prices when the document names none (its aws provider, then config["aws:region"]); else the stack file's, else ${DEFAULT_REGION}`, parseRegion)
    .option("--policy-config <file>", "a CrossGuard policy pack config that replaces the stack file's guardrails (levels and options)")
    .addOption(formatOption())
    .addHelpText("after", "\nExit codes: 0 no mandatory violation, 1 a mandatory policy violation, 2 bad input.")
    .action(async (opts: CheckOptions) => {
      const kind: DocumentKind | undefined = opts.preview !== undefined ? "preview" : opts.state !== undefined ? "state" : undefined;
      if (!kind) throw new CliError("check needs --preview <file|-> or --state <file>");
      if (kind === "state" && opts.state === "-" && !io.stdin) throw new CliError("stdin: cannot be read here");
      const { name, doc } = readJsonDocument((kind === "preview" ? opts.preview : opts.state)!, io);
      const resources = parseDocument(kind, name, doc);
      const documentRegion = configRegion(doc);
      const plan = await checkResources(resources, { ...opts, ...(documentRegion ? { documentRegion } : {}) }, io);
      if (plan.mandatoryViolations > 0) setExit(1);
      io.out(renderReport({ stacks: [plan], errors: [] }, opts.format));
    });
}

/** What `check` reads besides the resources: the flags and the document's own config. */
export interface CheckContext extends Omit<CheckOptions, "format" | "preview" | "state"> {
  /** `config["aws:region"]` of a preview document, when it has one. */
  documentRegion?: string;
}

/**
 * Plans parsed resources. The guardrails are those of the stack file named by
 * --env (or by the URNs' stack); a stack with no stack file here gets the strict
 * defaults, and the report says which applied. --env naming no stack file is an
 * error unless --strict-defaults. The region: the document's aws provider, then
 * its `config["aws:region"]`, then --region, then the stack file.
 */
export function checkResources(resources: StackResource[], opts: CheckContext, io: CliIo): Promise<StackPlan> {
  const engines = loadEngines();
  const stack = opts.env ?? mostCommonStack(resources) ?? "unknown";
  const env = localEnvironment(io, stack);
  if (opts.env !== undefined && !env && !opts.strictDefaults) throw new CliError(`--env ${opts.env}: no Pulumi.${opts.env}.yaml here; name a stack file, or pass --strict-defaults to judge with the documented strict defaults`);
  const region = providerRegion(resources) ?? opts.documentRegion ?? opts.region ?? env?.awsRegion ?? DEFAULT_REGION;
  const guardrails = engines.policy ? (env ? engines.policy.guardrailsOfEnvironment(env) : engines.policy.strictDefaults(stack)) : undefined;
  const policyFile = opts.policyConfig !== undefined ? path.resolve(io.cwd, opts.policyConfig) : undefined;
  if (policyFile !== undefined && !fs.existsSync(policyFile)) throw new CliError(`${opts.policyConfig}: cannot be read (no such file)`);
  if (policyFile !== undefined && !engines.policy) throw new CliError("--policy-config needs the offline policy pack (policies/offline), which is not in this checkout");
  const policyConfig = policyFile !== undefined ? readPolicyConfig(engines, policyFile) : guardrails?.config;
  return planStack(
    {
      stack,
      region,
      resources,
      ...(env ? { workload: env.workload, limits: env.limits, budgetFallbackUsd: env.budget.monthlyUsd } : {}),
      ...(opts.budget !== undefined ? { budgetOverrideUsd: opts.budget } : {}),
      ...(policyConfig !== undefined ? { policyConfig } : {}),
      ...(guardrails ? { guardrails: policyFile !== undefined ? { ...guardrails.source, summary: `${opts.policyConfig} (--policy-config)` } : guardrails.source } : {}),
    },
    engines,
  );
}

function mostCommonStack(resources: readonly StackResource[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of resources) {
    const s = stackOfUrn(r.urn);
    if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** A preview's `config["aws:region"]`, when it is a region. */
export function configRegion(doc: unknown): string | undefined {
  const region = (doc as { config?: Record<string, unknown> } | null)?.config?.["aws:region"];
  return typeof region === "string" && REGION_PATTERN.test(region) ? region : undefined;
}

const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** The default aws provider's region, when known (not a preview unknown). */
export function providerRegion(resources: readonly StackResource[]): string | undefined {
  const providers = resources.filter((r) => r.type === "pulumi:providers:aws").sort((a, b) => Number(b.name.startsWith("default")) - Number(a.name.startsWith("default")) || a.urn.localeCompare(b.urn));
  for (const p of providers) {
    const region = p.inputs["region"] ?? p.outputs?.["region"];
    if (typeof region === "string" && region !== UNKNOWN && REGION_PATTERN.test(region)) return region;
  }
  return undefined;
}

/** The project's own environment of that name (workload, limits, budget), when there is a valid stack file. */
function localEnvironment(io: CliIo, stack: string): Environment | undefined {
  const file = path.join(io.cwd, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file) || !fs.existsSync(path.join(io.cwd, "Pulumi.yaml"))) return undefined;
  try {
    return loadStackFile(file, readProjectName(io.cwd));
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`platform: note: ignoring ${path.basename(file)} (${err.message}); the workload defaults apply`);
      return undefined;
    }
    throw err;
  }
}
