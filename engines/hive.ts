/**
 * Glue (Hive) column definitions as Trino DDL: the tables the tests and
 * `platform query` create on Trino's Hive connector come from the same column
 * lists the components declare, passed in by the caller. Pure.
 */

export interface GlueColumn {
  readonly name: string;
  /** Hive/Glue type: string, int, bigint, double, decimal(p,s), timestamp, date, boolean, array<...>, struct<...>. */
  readonly type: string;
}

const SCALARS: Record<string, string> = {
  string: "varchar",
  int: "integer",
  integer: "integer",
  bigint: "bigint",
  smallint: "smallint",
  tinyint: "tinyint",
  double: "double",
  float: "real",
  boolean: "boolean",
  timestamp: "timestamp(3)",
  date: "date",
  binary: "varbinary",
};

/** Splits `a:t1,b:struct<c:t2,d:t3>` (or `t1,t2`) at top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "<" || c === "(") depth++;
    else if (c === ">" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** The Trino type of a Hive type, e.g. `array<struct<a:string>>` -> `array(row(a varchar))`. */
export function trinoType(hiveType: string): string {
  const t = hiveType.trim();
  const lower = t.toLowerCase();
  if (SCALARS[lower]) return SCALARS[lower];
  if (/^(decimal|varchar|char)\(\d+(,\s*\d+)?\)$/.test(lower)) return lower.replace(/\s+/g, "");
  const nested = /^(array|struct|map)<(.*)>$/s.exec(t);
  if (!nested) throw new Error(`unsupported Hive type ${JSON.stringify(hiveType)}`);
  const [, kind, inner] = nested;
  if (kind === "array") return `array(${trinoType(inner)})`;
  if (kind === "map") {
    const [k, v] = splitTopLevel(inner);
    return `map(${trinoType(k)}, ${trinoType(v)})`;
  }
  const fields = splitTopLevel(inner).map((f) => {
    const colon = f.indexOf(":");
    if (colon < 1) throw new Error(`struct field without a name in ${JSON.stringify(hiveType)}`);
    return `${quoteIdent(f.slice(0, colon).trim())} ${trinoType(f.slice(colon + 1))}`;
  });
  return `row(${fields.join(", ")})`;
}

/** The field names of a `struct<...>` or `array<struct<...>>` Hive type, in order. */
export function structFieldNames(hiveType: string): string[] {
  const m = /^(?:array<)?struct<(.*)>>?$/s.exec(hiveType.trim());
  if (!m) throw new Error(`not a struct type: ${hiveType}`);
  return splitTopLevel(m[1]).map((f) => f.slice(0, f.indexOf(":")).trim());
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `'...'` with quotes doubled. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export interface ExternalTable {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly GlueColumn[];
  readonly partitionKeys?: readonly GlueColumn[];
  /** Absolute local directory holding the table's files (its partition folders, if partitioned). */
  readonly directory: string;
  readonly format?: "PARQUET" | "JSON" | "CSV" | "TEXTFILE";
}

/** `local:///abs/path`: the Hive connector's local file system location of a directory. */
export function localLocation(directory: string): string {
  return `local://${directory.startsWith("/") ? "" : "/"}${directory}`;
}

/** CREATE TABLE over existing files, partition keys last (as Hive orders them). */
export function createExternalTableSql(t: ExternalTable): string {
  const all = [...t.columns, ...(t.partitionKeys ?? [])];
  const cols = all.map((c) => `  ${quoteIdent(c.name)} ${trinoType(c.type)}`).join(",\n");
  const props = [`format = ${sqlString(t.format ?? "PARQUET")}`, `external_location = ${sqlString(localLocation(t.directory))}`];
  if (t.partitionKeys?.length) props.push(`partitioned_by = ARRAY[${t.partitionKeys.map((p) => sqlString(p.name)).join(", ")}]`);
  return `CREATE TABLE ${quoteIdent(t.schema)}.${quoteIdent(t.table)} (\n${cols}\n)\nWITH (${props.join(", ")})`;
}

/** Registers the partition folders (`dt=.../`) found under the table's location. */
export function syncPartitionsSql(schema: string, table: string): string {
  return `CALL system.sync_partition_metadata(schema_name => ${sqlString(schema)}, table_name => ${sqlString(table)}, mode => 'FULL')`;
}
