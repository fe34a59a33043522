/**
 * `platform diagram --stack <name>`: a Mermaid flowchart of the stack's
 * pipelines, drawn from each component's stage metadata (components/stages.ts)
 * and the synthesized resources: one subgraph per pipeline, one node per
 * stage naming its service and how many of the stack's resources implement it.
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
    .description("Print a Mermaid flowchart of a stack's pipelines (stages, services, resource counts)")
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
const count = (n: number) => `${n} resource${n === 1 ? "" : "s"}`;

/**
 * The flowchart. `pipelines` maps each pipeline kind the stack selects to its
 * metadata (undefined when the registry does not know it). Pure.
 */
export function mermaidFlowchart(stack: string, resources: readonly StackResource[], pipelines: ReadonlyMap<string, PipelineMetadata | undefined>): string {
  const pipelineOf = pipelineResolver(resources);
  const tops = resources.filter((r) => !r.custom && pipelineOf(r.urn) === r.name && r.type !== "pulumi:pulumi:Stack").map((r) => ({ name: r.name, type: r.type }));
  const membersOf = (top: string) => resources.filter((r) => r.custom && pipelineOf(r.urn) === top);
  const lines = ["flowchart LR", `  %% stack ${stack}: drawn from components/stages.ts metadata and the synthesized resources`];
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
    for (let i = 1; i < nodes.length; i++) lines.push(`    ${nodes[i - 1]} --> ${nodes[i]}`);
    lines.push("  end");
  }

  const shared = tops.filter((t) => !drawn.has(t.name));
  const loose = membersOf(NO_PIPELINE).filter((r) => !r.type.startsWith("pulumi:"));
  if (shared.length || loose.length) {
    lines.push(`  subgraph shared["shared by the stack's pipelines"]`, "    direction LR");
    for (const t of shared) lines.push(`    s_${id(t.name)}["${label(t.name)}<br/>${label(t.type)}<br/>${count(membersOf(t.name).length)}"]`);
    if (loose.length) lines.push(`    s_loose["other resources<br/>${count(loose.length)}"]`);
    lines.push("  end");
  }
  return lines.join("\n");
}
