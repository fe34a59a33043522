/** Small text helpers shared by the renderers: money, percentages, bars, tables. */

export const FORMATS = ["table", "json", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

/** `$1,234.56` */
export function usd(n: number | null, unbounded = false): string {
  if (unbounded) return "unbounded";
  if (n === null) return "n/a";
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `+$1,234.56` / `-$3.00` / `$0.00` */
export function signedUsd(n: number): string {
  const r = Math.round(n * 100) / 100;
  if (r === 0) return "$0.00";
  return `${r > 0 ? "+" : "-"}${usd(Math.abs(r))}`;
}

/** `+8%` / `-12.5%`, or "" when the base is 0. */
export function signedPercent(delta: number, base: number): string {
  if (base === 0) return "";
  const p = Math.round((delta / base) * 1000) / 10;
  if (p === 0 && delta !== 0) return delta > 0 ? "+<0.1%" : "-<0.1%";
  return `${p > 0 ? "+" : ""}${p}%`;
}

/** `[#######-------------]` with the share of `max`, capped at the width; over 100% ends in `!`. */
export function bar(value: number, max: number, width = 20): string {
  if (!(max > 0)) return "";
  const share = value / max;
  const filled = Math.min(width, Math.round(share * width));
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]${share > 1 ? "!" : ""}`;
}

/** Left-aligned columns separated by two spaces. */
export function columns(rows: readonly (readonly string[])[], indent = ""): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ")}`.trimEnd());
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [`| ${header.map(esc).join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)];
}
