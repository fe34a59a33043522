/**
 * Renders stack plans as a terminal table, Markdown (pull-request summaries)
 * or JSON (the documented shape in docs/cli.md). Used by `plan` and `check`.
 */
import { StackPlan } from "../../platform/plan";
import { Format, bar, columns, markdownTable, usd } from "./format";

export interface StackErrorLine {
  stack: string;
  message: string;
}

export interface PlanReport {
  stacks: StackPlan[];
  /** Stacks that could not be planned (invalid config...): exit code 2. */
  errors: StackErrorLine[];
}

export function renderReport(report: PlanReport, format: Format): string {
  switch (format) {
    case "json":
      return JSON.stringify(report, null, 2);
    case "markdown":
      return report.stacks.map(stackMarkdown).join("\n\n") + (report.errors.length ? `\n\n${report.errors.map((e) => `> **${e.stack}**: ${e.message}`).join("\n")}` : "");
    case "table":
      return report.stacks.map(stackTable).join("\n\n");
  }
}

/** "PASS" / "FAIL (2 mandatory violations)". */
export function verdict(plan: StackPlan): string {
  const n = plan.mandatoryViolations;
  return n === 0 ? "PASS" : `FAIL (${n} mandatory violation${n === 1 ? "" : "s"})`;
}

function resourceLabel(plan: StackPlan, urn: string | null): string {
  if (urn === null) return "(stack)";
  const r = plan.resources.find((x) => x.urn === urn);
  return r ? `${r.name} (${r.type})` : urn;
}

function budgetLine(plan: StackPlan, what: "expected" | "ceiling" | "guaranteed"): string[] {
  const c = plan.cost;
  const value = what === "expected" ? c.expectedMonthlyUsd : what === "ceiling" ? c.ceilingMonthlyUsd : c.guaranteedCeilingMonthlyUsd;
  const unbounded = (what === "ceiling" && c.ceilingUnbounded) || (what === "guaranteed" && value === null);
  const pct = what === "expected" ? c.expectedPercentOfBudget : what === "ceiling" ? c.ceilingPercentOfBudget : c.guaranteedPercentOfBudget;
  const allowed = what === "guaranteed" ? c.allowedCeiling : null;
  // The guaranteed ceiling is judged against budget x factor (budget-ceiling-cost), not the budget itself.
  const over =
    pct === null || pct <= 100 ? "" : allowed && value !== null && value <= allowed.monthlyUsd ? `, within budget x ${allowed.factor} = ${usd(allowed.monthlyUsd)}` : allowed ? `  OVER budget x ${allowed.factor} = ${usd(allowed.monthlyUsd)}` : "  OVER BUDGET";
  return [what, usd(value, unbounded), c.budgetMonthlyUsd !== null && value !== null && !unbounded ? bar(value, c.budgetMonthlyUsd) : "", pct !== null ? `${pct}% of budget${over}` : ""];
}

function stackTable(plan: StackPlan): string {
  const out: string[] = [];
  const c = plan.cost;
  out.push(`stack ${plan.stack} (${plan.region}): ${plan.resources.length} resources, ${verdict(plan)}`);
  out.push("  resources by pipeline:");
  out.push(...columns(plan.pipelines.map((p) => [p.name, p.type ?? "", `${p.resourceCount}`, `expected ${usd(p.expectedMonthlyUsd)}`, `ceiling ${usd(p.ceilingMonthlyUsd, p.ceilingMonthlyUsd === null)}`]), "    "));
  out.push("  resources by type:");
  out.push(...columns(plan.types.map((t) => [`${t.count}`.padStart(4), t.type]), "  "));
  out.push(`  cost per month (USD), budget ${usd(c.budgetMonthlyUsd)}${c.budgetSource ? ` (${budgetSourceText(c.budgetSource)})` : ""}:`);
  out.push(...columns([budgetLine(plan, "expected"), budgetLine(plan, "ceiling"), budgetLine(plan, "guaranteed")], "    "));
  if (!c.engineAvailable) out.push("    (planned without the cost engine: nothing was priced)");
  else out.push(...enforcementLines(plan));
  if (c.ceilingUnbounded) {
    for (const i of c.items.filter((x) => x.ceilingMonthlyUsd === null)) out.push(`    unbounded: ${i.name} (${i.type})${i.unboundedReason ? `: ${i.unboundedReason}` : ""}`);
  }
  if (c.engineAvailable && c.unpriced.length) out.push(`    unpriced types: ${c.unpriced.join(", ")}`);
  for (const x of c.cannotPrice) out.push(`    cannot price ${resourceLabel(plan, x.urn)}: ${x.reason}`);
  out.push(`  policy verdicts${plan.policy.guardrails ? ` (guardrails: ${plan.policy.guardrails.summary})` : ""}:`);
  for (const level of ["mandatory", "advisory"] as const) {
    const vs = plan.policy.violations.filter((v) => v.level === level);
    out.push(`    ${level} (${vs.length})${vs.length ? ":" : ""}`);
    for (const v of vs) out.push(`      ${v.policy}  ${resourceLabel(plan, v.urn)}: ${v.message}`);
  }
  if (plan.policy.cannotVerify.length) {
    out.push(`    cannot verify (${plan.policy.cannotVerify.length}):`);
    for (const v of plan.policy.cannotVerify) out.push(`      ${v.policy}  ${resourceLabel(plan, v.urn)}: ${v.message}`);
  }
  return out.join("\n");
}

/** The guaranteed ceiling by how each part is enforced, the brake's figures, and the parts nothing enforces. */
function enforcementLines(plan: StackPlan): string[] {
  const c = plan.cost;
  const out = ["  guaranteed ceiling by enforcement:"];
  const rows: string[][] = [];
  for (const kind of ["fixed", "aws-setting", "aws-quota", "brake"] as const) {
    const items = c.items.filter((i) => i.ceilingEnforcement === kind);
    if (items.length) rows.push([kind, `${items.length} part${items.length === 1 ? "" : "s"}`, usd(items.reduce((a, i) => a + (i.guaranteedCeilingMonthlyUsd ?? 0), 0))]);
  }
  out.push(...columns(rows, "    "));
  const b = c.brake;
  if (b) {
    const verdict = b.tighter ? "" : " (not below the parts' own bounds: not counted)";
    out.push(`    brake: ${b.thresholdPercent}% of ${usd(b.budgetMonthlyUsd)} = ${usd(b.shareUsd)} share + ${usd(b.worstCaseUsd)} worst case in the ${b.delayHours} h until AWS Budgets reports the spend, over ${b.covered.length} parts${verdict}`);
  }
  for (const i of c.items.filter((x) => x.ceilingEnforcement === null)) out.push(`    not enforced: ${i.name} (${i.type}): ${i.ceilingBound}`);
  if (c.capacity.length) {
    out.push("  capacity at peak (headroom = capacity / need):");
    out.push(...columns(c.capacity.map((b) => [b.name, `${fmtNumber(b.needed)} ${b.unit} needed`, `${fmtNumber(b.capacity)} allowed`, `${b.headroom === Infinity ? "n/a" : `${b.headroom.toFixed(2)}x`}${b.headroom < 1 ? "  TOO SMALL" : ""}`]), "    "));
  }
  return out;
}

function fmtNumber(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function budgetSourceText(s: NonNullable<StackPlan["cost"]["budgetSource"]>): string {
  return s === "budget-resource" ? "the stack's AWS Budget" : s === "override" ? "--budget" : "the environment's budget";
}

function stackMarkdown(plan: StackPlan): string {
  const c = plan.cost;
  const out: string[] = [];
  out.push(`### ${plan.stack} (${plan.region}): ${plan.mandatoryViolations ? ":x:" : ":white_check_mark:"} ${verdict(plan)}`, "");
  out.push(...markdownTable(["", "USD / month", "of budget"], [
    ["Expected", usd(c.expectedMonthlyUsd), c.expectedPercentOfBudget !== null ? `${c.expectedPercentOfBudget}%` : "n/a"],
    ["Ceiling", usd(c.ceilingMonthlyUsd, c.ceilingUnbounded), c.ceilingPercentOfBudget !== null ? `${c.ceilingPercentOfBudget}%` : "n/a"],
    ["Guaranteed ceiling", usd(c.guaranteedCeilingMonthlyUsd, c.guaranteedCeilingMonthlyUsd === null), c.guaranteedPercentOfBudget !== null ? `${c.guaranteedPercentOfBudget}%` : "n/a"],
    ["Budget", usd(c.budgetMonthlyUsd), ""],
  ]));
  if (!c.engineAvailable) out.push("", "_Planned without the cost engine: nothing was priced._");
  if (c.engineAvailable && c.unpriced.length) out.push("", `Unpriced types: ${c.unpriced.map((t) => `\`${t}\``).join(", ")}`);
  out.push("", `**Resources**: ${plan.resources.length}`, "");
  out.push(...markdownTable(["Pipeline", "Component", "Resources", "Expected", "Ceiling"], plan.pipelines.map((p) => [p.name, p.type ?? "", `${p.resourceCount}`, usd(p.expectedMonthlyUsd), usd(p.ceilingMonthlyUsd, p.ceilingMonthlyUsd === null)])));
  out.push("", "<details><summary>Resources by type</summary>", "");
  out.push(...markdownTable(["Type", "Count"], plan.types.map((t) => [`\`${t.type}\``, `${t.count}`])));
  out.push("", "</details>", "");
  const vs = plan.policy.violations;
  if (plan.policy.guardrails) out.push(`Guardrails: ${plan.policy.guardrails.summary}.`, "");
  if (vs.length === 0) out.push("No policy violations.");
  else out.push(...markdownTable(["Level", "Policy", "Resource", "Message"], vs.map((v) => [v.level, v.policy, resourceLabel(plan, v.urn), v.message])));
  if (plan.policy.cannotVerify.length) {
    out.push("", `Cannot verify (${plan.policy.cannotVerify.length}):`, "");
    for (const v of plan.policy.cannotVerify) out.push(`- ${v.policy} on ${resourceLabel(plan, v.urn)}: ${v.message}`);
  }
  return out.join("\n");
}

