/**
 * `platform query --history DIR --sql "..." [--format table|json] [--table NAME=DIR]`:
 * runs SQL on a local Trino (the engine of Athena engine v3) over our Glue
 * tables, created from the components' own column definitions over local
 * Parquet folders (the layout Firehose and the Glue jobs write).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { z } from "zod";
import { ensureTrino } from "../../engines/setup";
import { connectTrino, QueryResultRows, startTrino, TrinoQueryError } from "../../engines/trino";
import { CliError } from "../errors";
import { CliIo } from "../io";
import { columns } from "../lib/format";
import { QUERY_SCHEMA, QUERYABLE_TABLES } from "../lib/queryTables";

const directory = (flag: string, cwd: string) =>
  z.string().transform((value, ctx) => {
    const abs = path.resolve(cwd, value);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
      ctx.addIssue({ code: "custom", message: `${flag} ${value}: directory not found` });
      return z.NEVER;
    }
    return abs;
  });

function optionsSchema(cwd: string) {
  const tableSpec = z.string().transform((spec, ctx) => {
    const m = /^([a-z_][a-z0-9_]*)=(.+)$/.exec(spec);
    if (!m) {
      ctx.addIssue({ code: "custom", message: `--table ${spec}: must be NAME=DIR` });
      return z.NEVER;
    }
    if (!QUERYABLE_TABLES[m[1]]) {
      ctx.addIssue({ code: "custom", message: `--table ${spec}: unknown table ${m[1]} (known: ${Object.keys(QUERYABLE_TABLES).join(", ")})` });
      return z.NEVER;
    }
    const dir = directory(`--table ${m[1]}=`, cwd).safeParse(m[2]);
    if (!dir.success) {
      ctx.addIssue({ code: "custom", message: `--table ${spec}: directory not found` });
      return z.NEVER;
    }
    return { name: m[1], directory: dir.data };
  });
  return z
    .object({
      history: directory("--history", cwd).optional(),
      table: z.array(tableSpec).default([]),
      sql: z.string().trim().min(1, "--sql must not be empty"),
      format: z.enum(["table", "json"]),
    })
    .refine((o) => o.history !== undefined || o.table.length > 0, "give --history DIR or at least one --table NAME=DIR");
}

type QueryOptions = z.output<ReturnType<typeof optionsSchema>>;

export function parseQueryOptions(raw: unknown, cwd: string): QueryOptions {
  const parsed = optionsSchema(cwd).safeParse(raw);
  if (!parsed.success) throw new CliError(parsed.error.issues[0].message);
  return parsed.data;
}

/** Trino's JSON values as they print: strings as they are, numbers, rows and arrays as JSON. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function renderResult(result: QueryResultRows, format: "table" | "json"): string {
  if (format === "json") return JSON.stringify(result.rows, null, 2);
  const header = result.columns.map((c) => c.name);
  const lines = columns([header, header.map((h) => "-".repeat(h.length)), ...result.rows.map((r) => header.map((h) => cell(r[h])))]);
  return [...lines, `(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`].join("\n");
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("query")
    .description("Run SQL on a local Trino (Athena engine v3's engine) over local Parquet folders with our Glue tables' schemas")
    .option("--history <dir>", "the real-time history (dt=YYYY-MM-DD/ folders, e.g. from platform local --history) as table history")
    .option("--table <name=dir>", `another zone as a table; names: ${Object.keys(QUERYABLE_TABLES).join(", ")} (repeatable)`, (v: string, prev: string[] = []) => [...prev, v])
    .requiredOption("--sql <sql>", "the statement to run")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .addHelpText("after", "\nStarts Trino from the engine cache (installed on first use by engines/setup.ts), or uses PLATFORM_TRINO_URL.\nExit codes: 0 done, 2 bad input (missing directory, unknown table, SQL Trino rejects).")
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseQueryOptions(raw, io.cwd);
      // PLATFORM_TRINO_URL: use a Trino already running (the tests' shared one) instead of starting one.
      const running = process.env["PLATFORM_TRINO_URL"];
      if (!running) await ensureTrino();
      const trino = running ? connectTrino(running) : await startTrino();
      try {
        const tables = [...(opts.history ? [{ name: "history", directory: opts.history }] : []), ...opts.table];
        for (const t of tables) {
          const def = QUERYABLE_TABLES[t.name];
          await trino.createTable({ schema: QUERY_SCHEMA, table: t.name, columns: def.columns, partitionKeys: def.partitionKeys, directory: t.directory });
        }
        const result = await trino.query(opts.sql, QUERY_SCHEMA).catch((err: unknown) => {
          if (err instanceof TrinoQueryError) throw new CliError(`query failed: ${err.message.replace(/\s*\n+\s*/g, " ")}`);
          throw err;
        });
        io.out(renderResult(result, opts.format));
        setExit(0);
      } finally {
        await trino.stop();
      }
    });
}
