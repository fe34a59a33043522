/**
 * Renders the generated parts of docs/pipelines.md from the pipelines' stage
 * metadata, and replaces them between their markers. Pure string functions;
 * docs.test.ts compares the document with a fresh rendering.
 */
import { PipelineMetadata, STAGE_KINDS } from "../../../components/stages";

const escape = (s: string) => s.replaceAll("|", "\\|");

/** One row per pipeline: latency class and the service behind each stage. */
export function comparisonTable(pipelines: readonly PipelineMetadata[]): string {
  const header = `| Pipeline | Latency class | ${STAGE_KINDS.map((k) => k[0].toUpperCase() + k.slice(1)).join(" | ")} |`;
  const rule = `|${" --- |".repeat(STAGE_KINDS.length + 2)}`;
  const rows = pipelines.map((p) => {
    const services = STAGE_KINDS.map((k) => escape(p.stages.find((s) => s.stage === k)?.service ?? "-"));
    return `| ${p.title} (\`${p.kind}\`, ${p.component}) | ${p.latencyClass} | ${services.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

/** One pipeline's stages: service, role and the resource types that implement it. */
export function stageTable(p: PipelineMetadata): string {
  const rows = p.stages.map(
    (s) => `| ${s.stage} | ${escape(s.service)} | ${escape(s.role)} | ${s.resourceTypes.length > 0 ? s.resourceTypes.map((t) => `\`${t}\``).join(", ") : "-"} |`,
  );
  return [`Latency class: **${p.latencyClass}**. Use case: ${p.useCase}`, "", "| Stage | Service | Role | Resource types |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

export const begin = (id: string) => `<!-- BEGIN GENERATED ${id}: from the components' metadata; do not edit by hand -->`;
export const end = (id: string) => `<!-- END GENERATED ${id} -->`;

/** The text between an id's markers, or undefined when the markers are missing. */
export function generatedBlock(doc: string, id: string): string | undefined {
  const a = doc.indexOf(begin(id));
  const b = doc.indexOf(end(id));
  if (a < 0 || b < a) return undefined;
  return doc.slice(a + begin(id).length, b).trim();
}

/** The document with every generated block re-rendered. */
export function regenerate(doc: string, pipelines: readonly PipelineMetadata[]): string {
  const blocks: [string, string][] = [["comparison", comparisonTable(pipelines)], ...pipelines.map((p) => [`stages-${p.kind}`, stageTable(p)] as [string, string])];
  let out = doc;
  for (const [id, body] of blocks) {
    const a = out.indexOf(begin(id));
    const b = out.indexOf(end(id));
    if (a < 0 || b < a) throw new Error(`docs/pipelines.md: markers for ${id} are missing`);
    out = `${out.slice(0, a)}${begin(id)}\n${body}\n${out.slice(b)}`;
  }
  return out;
}
