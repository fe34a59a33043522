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
import { defaultPolicyConfigFile, readPolicyConfig } from "../lib/stacks";

export const DEFAULT_REGION = "us-east-1";

interface CheckOptions {
  preview?: string;
  state?: string;
  env?: string;
  budget?: number;
  region?: string;
  policyConfig?: string;
  format: Format;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("check")
    .description("Price and policy-check a real `pulumi preview --json` or `pulumi stack export` document of any AWS stack")
    .addOption(new Option("--preview <file>", "a `pulumi preview --json` document, or - for stdin").conflicts("state"))
    .addOption(new Option("--state <file>", "a `pulumi stack export` document"))
    .option("--env <name>", "environment (stack) name; default: the stack name in the URNs")
    .option("--budget <usd>", "monthly budget in USD (wins over the stack's AWS Budget resource)", parseUsd)
    .option("--region <region>", `AWS region for prices; default: the aws provider's region, else ${DEFAULT_REGION}`, parseRegion)
    .option("--policy-config <file>", "policy pack config; default: policies/config/<env>.json when it exists")
    .addOption(formatOption())
    .addHelpText("after", "\nExit codes: 0 no mandatory violation, 1 a mandatory policy violation, 2 bad input.")
    .action((opts: CheckOptions) => {
      const kind: DocumentKind | undefined = opts.preview !== undefined ? "preview" : opts.state !== undefined ? "state" : undefined;
      if (!kind) throw new CliError("check needs --preview <file|-> or --state <file>");
      if (kind === "state" && opts.state === "-" && !io.stdin) throw new CliError("stdin: cannot be read here");
      const { name, doc } = readJsonDocument((kind === "preview" ? opts.preview : opts.state)!, io);
      const resources = parseDocument(kind, name, doc);
      const plan = checkResources(resources, opts, io);
      if (plan.mandatoryViolations > 0) setExit(1);
      io.out(renderReport({ stacks: [plan], errors: [] }, opts.format));
    });
}

/** Plans parsed resources with the env, region, budget and policy config the flags and the document give. */
export function checkResources(resources: StackResource[], opts: Omit<CheckOptions, "format" | "preview" | "state">, io: CliIo): StackPlan {
  const engines = loadEngines();
  const stack = opts.env ?? mostCommonStack(resources) ?? "unknown";
  const env = localEnvironment(io, stack);
  const region = opts.region ?? providerRegion(resources) ?? env?.awsRegion ?? DEFAULT_REGION;
  const policyFile = opts.policyConfig !== undefined ? path.resolve(io.cwd, opts.policyConfig) : defaultPolicyConfigFile(io.cwd, stack);
  if (opts.policyConfig !== undefined && !fs.existsSync(policyFile!)) throw new CliError(`${opts.policyConfig}: cannot be read (no such file)`);
  if (policyFile !== undefined && !engines.policy) throw new CliError("--policy-config needs the offline policy pack (policies/offline), which is not in this checkout");
  const policyConfig = policyFile !== undefined ? readPolicyConfig(engines, policyFile) : undefined;
  return planStack(
    {
      stack,
      region,
      resources,
      ...(env ? { workload: env.workload, limits: env.limits, budgetFallbackUsd: env.budget.monthlyUsd } : {}),
      ...(opts.budget !== undefined ? { budgetOverrideUsd: opts.budget } : {}),
      ...(policyConfig !== undefined ? { policyConfig } : {}),
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

/** The default aws provider's region, when known (not a preview unknown). */
export function providerRegion(resources: readonly StackResource[]): string | undefined {
  const providers = resources.filter((r) => r.type === "pulumi:providers:aws").sort((a, b) => Number(b.name.startsWith("default")) - Number(a.name.startsWith("default")) || a.urn.localeCompare(b.urn));
  for (const p of providers) {
    const region = p.inputs["region"] ?? p.outputs?.["region"];
    if (typeof region === "string" && region !== UNKNOWN && /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) return region;
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
