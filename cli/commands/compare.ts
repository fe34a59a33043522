/**
 * `platform compare [--workload FILE]`: the reference pipelines side by side
 * on one workload profile: stages and services, latency class, expected and
 * ceiling monthly cost (each pipeline synthesized alone in a copy of the base
 * environment, priced on the workload), and the one that fits, with why.
 * Every pipeline kind has a registry entry (components/registry.ts, complete at
 * compile time) with its rules; one the base config cannot synthesize is listed
 * as unavailable, with why.
 */
import * as path from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { Environment, PIPELINE_KINDS, PipelineKind, Workload, WorkloadSchema } from "../../environments";
import type { LatencyClass, StageKind } from "../../components/stages";
import { STAGE_KINDS } from "../../components/stages";
import { loadEngines } from "../../platform/engines";
import { parseYamlOr, readTextFileOr } from "../../model/files";
import { planStack } from "../../platform/plan";
import { CliError } from "../errors";
import { CliIo } from "../io";
import { Format, markdownTable, usd } from "../lib/format";
import { formatOption } from "../lib/options";
import { componentOfKind } from "../lib/pipelines";
import { Assessment, BRIEF_NEEDS, Needs, NeedsSchema, recommend } from "../lib/recommend";
import { loadStacks, synthesize } from "../lib/stacks";

export interface PipelineComparison {
  kind: PipelineKind;
  available: boolean;
  /** Why it is unavailable. */
  reason?: string;
  title?: string;
  latencyClass?: LatencyClass;
  useCase?: string;
  stages?: { stage: StageKind; service: string; role: string }[];
  /** The pipeline component's own resources. */
  expectedMonthlyUsd?: number;
  ceilingMonthlyUsd?: number | null;
  ceilingUnbounded?: boolean;
  /** The whole stack (pipeline + shared core + budget guardrail). */
  stackExpectedMonthlyUsd?: number;
  stackCeilingMonthlyUsd?: number | null;
  resourceCount?: number;
  fit?: Assessment;
}

export interface Comparison {
  workload: Workload;
  workloadSource: string;
  needs: Needs;
  needsSource: "file" | "assumed";
  pipelines: PipelineComparison[];
  recommendation: { kind: string; reasons: string[] } | null;
}

export function register(program: Command, io: CliIo): void {
  program
    .command("compare")
    .description("The reference pipelines side by side on one workload: stages, latency, expected and ceiling cost, and a recommendation")
    .option("--workload <file>", "YAML or JSON: a workload (the stack files' platform:workload schema), or { workload, needs }; default: dev's workload")
    .option("--stack <name>", "the stack whose config (region, limits) and workload are the base", "dev")
    .addOption(formatOption())
    .addHelpText(
      "after",
      "\nneeds (optional, in the workload file): { latency: seconds|minutes|hours, sources: events|files|relational, analysis: live|adhoc|warehouse|reports }.\nWithout it, the retailer's needs are assumed: seconds, events, live.",
    )
    .action(async (opts: { workload?: string; stack: string; format: Format }) => {
      const comparison = await compare(io, opts);
      io.out(renderComparison(comparison, opts.format));
    });
}

async function compare(io: CliIo, opts: { workload?: string; stack: string }): Promise<Comparison> {
  if (opts.stack === "all") throw new CliError("compare needs one stack as its base (--stack <name>)");
  const [loaded] = loadStacks(io.cwd, opts.stack);
  if (!loaded?.env) throw new CliError(loaded?.error ?? `unknown stack ${opts.stack}`);
  const base = loaded.env;
  const profile = opts.workload !== undefined ? readWorkloadFile(path.resolve(io.cwd, opts.workload), opts.workload) : undefined;
  const workload = profile?.workload ?? base.workload;
  const needs = profile?.needs ?? BRIEF_NEEDS;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PIPELINES } = require("../../components/registry") as typeof import("../../components/registry");
  const engines = loadEngines();
  const pipelines: PipelineComparison[] = [];
  for (const kind of PIPELINE_KINDS) {
    const m = PIPELINES[kind].metadata;
    const described = { title: m.title, latencyClass: m.latencyClass, useCase: m.useCase, stages: m.stages.map((s) => ({ stage: s.stage, service: s.service, role: s.role })) };
    const env: Environment = { ...base, pipelines: [kind], workload };
    let resources;
    try {
      resources = await synthesize(env);
    } catch (err) {
      pipelines.push({ kind, available: false, reason: `cannot be synthesized on ${base.stack}'s config: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`, ...described });
      continue;
    }
    const plan = await planStack({ stack: `compare-${kind}`, region: base.awsRegion, resources, workload, limits: base.limits }, { ...(engines.cost ? { cost: engines.cost } : {}) });
    const own = componentOfKind(kind, m.component, plan.pipelines);
    pipelines.push({
      kind,
      available: true,
      ...described,
      expectedMonthlyUsd: own?.expectedMonthlyUsd ?? 0,
      ceilingMonthlyUsd: own ? own.ceilingMonthlyUsd : 0,
      ceilingUnbounded: own ? own.ceilingMonthlyUsd === null : false,
      stackExpectedMonthlyUsd: plan.cost.expectedMonthlyUsd,
      stackCeilingMonthlyUsd: plan.cost.ceilingUnbounded ? null : plan.cost.ceilingMonthlyUsd,
      resourceCount: own?.resourceCount ?? 0,
    });
  }

  const candidates = pipelines
    .filter((p) => p.available)
    .map((p) => ({ kind: p.kind, latencyClass: p.latencyClass!, fit: PIPELINES[p.kind].fit, expectedMonthlyUsd: p.expectedMonthlyUsd ?? 0, ceilingMonthlyUsd: p.ceilingMonthlyUsd ?? null }));
  const rec = recommend(candidates, workload, needs);
  for (const a of rec?.assessments ?? []) {
    const p = pipelines.find((x) => x.kind === a.kind);
    if (p) p.fit = a;
  }
  return {
    workload,
    workloadSource: opts.workload ?? `Pulumi.${base.stack}.yaml`,
    needs,
    needsSource: profile?.needs ? "file" : "assumed",
    pipelines,
    recommendation: rec ? { kind: rec.kind, reasons: rec.reasons } : null,
  };
}

const ProfileFileSchema = z.strictObject({ workload: z.unknown(), needs: NeedsSchema.optional() });

/** Reads a workload file: a bare workload, or { workload, needs }. One-line CliError on any problem. */
export function readWorkloadFile(file: string, shown: string): { workload: Workload; needs?: Needs } {
  const fail = (message: string) => new CliError(message);
  const doc = parseYamlOr(readTextFileOr(file, shown, fail), shown, fail, "YAML or JSON");
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new CliError(`${shown}: must be a map with the workload's fields (got ${doc === null ? "nothing" : Array.isArray(doc) ? "a list" : typeof doc})`);
  let workloadDoc: unknown = doc;
  let needs: Needs | undefined;
  if ("workload" in doc) {
    const outer = ProfileFileSchema.safeParse(doc);
    if (!outer.success) throw new CliError(`${shown}: ${issueLine(outer.error.issues[0], doc)}`);
    workloadDoc = outer.data.workload;
    needs = outer.data.needs;
  }
  const parsed = WorkloadSchema.safeParse(workloadDoc);
  if (!parsed.success) {
    const prefix = "workload" in doc ? ["workload"] : [];
    throw new CliError(`${shown}: ${issueLine({ ...parsed.error.issues[0], path: [...prefix, ...parsed.error.issues[0].path] }, doc)}`);
  }
  return { workload: parsed.data, ...(needs ? { needs } : {}) };
}

function issueLine(issue: z.core.$ZodIssue, doc: unknown): string {
  if (issue.code === "unrecognized_keys") return `${[...issue.path, issue.keys[0]].map(String).join(".")} is not a known key`;
  const where = issue.path.map(String).join(".") || "the document";
  let value: unknown = doc;
  for (const p of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[p as string] : undefined;
  return value === undefined ? `${where} is required (got nothing)` : `${where} ${issue.message} (got ${JSON.stringify(value)})`;
}

function workloadLine(w: Workload): string {
  return `${w.averageTps} tx/s average, ${w.peakTps} tx/s peak for ${w.peakHoursPerDay} h/day, ${w.averageRecordBytes}-byte records; ${w.queriesPerDay} queries/day x ${w.scannedGbPerQuery} GB scanned; ${w.batchFilesPerDay} batch files/day x ${w.batchFileMb} MB; ${w.dashboardUsers} dashboard readers`;
}

const needsLine = (c: Comparison) =>
  `answers within ${c.needs.latency}, from ${c.needs.sources}, for ${c.needs.analysis} analysis${c.needsSource === "assumed" ? " (assumed from the retailer's brief; set `needs` in a --workload file)" : ""}`;

const costText = (p: PipelineComparison) => `expected ${usd(p.expectedMonthlyUsd ?? 0)}/month, ceiling ${p.ceilingUnbounded ? "unbounded" : `${usd(p.ceilingMonthlyUsd ?? null)}/month`}`;

export function renderComparison(c: Comparison, format: Format): string {
  if (format === "json") return JSON.stringify(c, null, 2);
  const recLine = c.recommendation ? `${c.recommendation.kind}: ${c.recommendation.reasons.join("; ")}.` : "none: no available pipeline fits the profile.";
  if (format === "markdown") {
    const avail = c.pipelines;
    const cell = (p: PipelineComparison, f: (p: PipelineComparison) => string) => (p.available ? f(p) : "unavailable");
    const rows: string[][] = [
      ["Title", ...avail.map((p) => p.title ?? "")],
      ["Latency", ...avail.map((p) => p.latencyClass ?? "")],
      ...STAGE_KINDS.map((st) => [st, ...avail.map((p) => p.stages?.filter((s) => s.stage === st).map((s) => s.service).join(", ") ?? "")]),
      ["Expected / month", ...avail.map((p) => cell(p, (x) => usd(x.expectedMonthlyUsd ?? 0)))],
      ["Ceiling / month", ...avail.map((p) => cell(p, (x) => (x.ceilingUnbounded ? "unbounded" : usd(x.ceilingMonthlyUsd ?? null))))],
      ["Fit", ...avail.map((p) => (!p.available ? (p.reason ?? "") : p.fit?.excluded ? p.fit.reasons[0] ?? "" : `score ${p.fit?.score ?? 0}`))],
    ];
    return [
      "### Pipelines compared",
      "",
      `Workload (${c.workloadSource}): ${workloadLine(c.workload)}.`,
      "",
      `Needs: ${needsLine(c)}.`,
      "",
      ...markdownTable(["", ...avail.map((p) => p.kind)], rows),
      "",
      `**Recommendation**: ${recLine}`,
    ].join("\n");
  }
  const out: string[] = [`workload (${c.workloadSource}): ${workloadLine(c.workload)}`, `needs: ${needsLine(c)}`, ""];
  for (const p of c.pipelines) {
    if (!p.available) {
      out.push(`${p.kind}: unavailable (${p.reason})`, "");
      continue;
    }
    out.push(`${p.kind}: ${p.title} [${p.latencyClass}]`);
    for (const s of p.stages ?? []) out.push(`  ${s.stage.padEnd(10)} ${s.service}`);
    out.push(`  ${"cost".padEnd(10)} ${costText(p)} (its ${p.resourceCount} resources; whole stack with core and budget: ${usd(p.stackExpectedMonthlyUsd ?? 0)})`);
    out.push(`  ${"fit".padEnd(10)} ${p.fit ? (p.fit.excluded ? p.fit.reasons[0] : `score ${p.fit.score}${p.fit.reasons.length ? `: ${p.fit.reasons.join("; ")}` : ""}`) : "n/a"}`);
    out.push("");
  }
  out.push(`recommendation: ${recLine}`);
  return out.join("\n");
}
