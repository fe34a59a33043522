/**
 * `platform diagram --stack <name>`: a Mermaid flowchart of the stack's
 * pipelines, drawn from each component's stage metadata (components/stages.ts)
 * and the synthesized resources: one subgraph per pipeline, one node per
 * stage naming its service and how many of the stack's resources implement it.
 * A pipeline's resources that implement no stage (IAM roles and policies, log
 * groups, alarms...) are one "supporting" node, so a pipeline's nodes count
 * what `plan` counts for it under "resources by pipeline".
 */
import { Command, Option } from "commander";
import type { PipelineMetadata } from "../../components/stages";
import { StackResource } from "../../model/resources";
import { pipelineResolver, NO_PIPELINE } from "../../platform/plan";
import { CliError } from "../errors";
import { CliIo } from "../io";
import { componentOfKind } from "../lib/pipelines";
import { loadStacks, synthesize } from "../lib/stacks";

export function register(program: Command, io: CliIo): void {
  program
    .command("diagram")
    .description("Print a Mermaid flowchart of a stack's pipelines (stages, services, resource counts; supporting resources such as IAM and logs in one node per pipeline)")
    .requiredOption("--stack <name>", "the stack to draw (Pulumi.<name>.yaml)")
    .addOption(new Option("--format <format>", "mermaid source, or markdown (fenced, renders on GitHub)").choices(["mermaid", "markdown"]).default("mermaid"))
    .action(async (opts: { stack: string; format: "mermaid" | "markdown" }) => {
      if (opts.stack === "all") throw new CliError("diagram draws one stack: --stack <name>");
      const [loaded] = loadStacks(io.cwd, opts.stack);
      if (!loaded?.env) throw new CliError(loaded?.error ?? `unknown stack ${opts.stack}`);
      const resources = await synthesize(loaded.env);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { PIPELINES } = require("../../components/registry") as typeof import("../../components/registry");
      const metadata = new Map<string, PipelineMetadata | undefined>(loaded.env.pipelines.map((k) => [k, PIPELINES[k].metadata]));
      const chart = mermaidFlowchart(loaded.env.stack, resources, metadata);
      io.out(opts.format === "markdown" ? `\`\`\`mermaid\n${chart}\n\`\`\`` : chart);
    });
}

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
/** Mermaid label text: quotes and angle brackets as entities. */
const label = (s: string) => s.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
/** The AWS service modules of some resources, most resources first: "iam, cloudwatch, kms". */
function serviceList(resources: readonly StackResource[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) {
    const module = r.custom ? (/^[^:]+:([^/:]+)/.exec(r.type)?.[1] ?? r.type) : "components";
    counts.set(module, (counts.get(module) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m]) => m).join(", ");
}
const count = (n: number) => `${n} resource${n === 1 ? "" : "s"}`;

/**
 * The flowchart. `pipelines` maps each pipeline kind the stack selects to its
 * metadata (undefined when the registry does not know it). Pure.
 */
export function mermaidFlowchart(stack: string, resources: readonly StackResource[], pipelines: ReadonlyMap<string, PipelineMetadata | undefined>): string {
  const pipelineOf = pipelineResolver(resources);
  const tops = resources.filter((r) => !r.custom && pipelineOf(r.urn) === r.name && r.type !== "pulumi:pulumi:Stack").map((r) => ({ name: r.name, type: r.type }));
  const membersOf = (top: string) => resources.filter((r) => r.custom && pipelineOf(r.urn) === top);
  const lines = [
    "flowchart LR",
    `  %% stack ${stack}: drawn from components/stages.ts metadata and the synthesized resources`,
    "  %% a stage counts the pipeline's resources of its types and the supporting node the rest (components, IAM, logs...): a pipeline's nodes, like each shared node, add up to plan's resources by pipeline",
  ];
  const drawn = new Set<string>();

  for (const [kind, meta] of pipelines) {
    const sub = `p_${id(kind)}`;
    if (!meta) {
      lines.push(`  subgraph ${sub}["${label(kind)}: not in this version's registry"]`, "  end");
      continue;
    }
    const top = componentOfKind(kind, meta.component, tops);
    if (top) drawn.add(top.name);
    const members = top ? membersOf(top.name) : [];
    lines.push(`  subgraph ${sub}["${label(`${meta.title} (${kind}, ${meta.latencyClass})`)}"]`, "    direction LR");
    const nodes: string[] = [];
    meta.stages.forEach((stage, i) => {
      const n = members.filter((r) => stage.resourceTypes.includes(r.type)).length;
      const node = `${sub}_${i}_${id(stage.stage)}`;
      nodes.push(node);
      lines.push(`    ${node}["${label(stage.stage)}<br/>${label(stage.service)}<br/>${count(n)}"]`);
    });
    const staged = new Set(meta.stages.flatMap((s) => s.resourceTypes));
    // Everything else plan counts for the pipeline: the component resources themselves, IAM, logs, alarms...
    const supporting = top ? resources.filter((r) => pipelineOf(r.urn) === top.name && !(r.custom && staged.has(r.type))) : [];
    if (supporting.length > 0) lines.push(`    ${sub}_supporting["supporting, in no stage<br/>${label(serviceList(supporting))}<br/>${count(supporting.length)}"]`);
    for (let i = 1; i < nodes.length; i++) lines.push(`    ${nodes[i - 1]} --> ${nodes[i]}`);
    lines.push("  end");
  }

  const shared = tops.filter((t) => !drawn.has(t.name));
  const loose = membersOf(NO_PIPELINE).filter((r) => !r.type.startsWith("pulumi:"));
  if (shared.length || loose.length) {
    lines.push(`  subgraph shared["shared by the stack's pipelines"]`, "    direction LR");
    for (const t of shared) lines.push(`    s_${id(t.name)}["${label(t.name)}<br/>${label(t.type)}<br/>${count(resources.filter((r) => pipelineOf(r.urn) === t.name).length)}"]`);
    if (loose.length) lines.push(`    s_loose["other resources<br/>${count(loose.length)}"]`);
    lines.push("  end");
  }
  return lines.join("\n");
}
