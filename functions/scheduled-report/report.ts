/**
 * The scheduled report's core: run each Athena named query, write one JSON
 * report to S3 and publish a short summary to SNS. Clients and the clock are
 * passed in.
 */
import {
  AthenaClient,
  GetNamedQueryCommand,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { FunctionError } from "../shared";

export interface ReportSettings {
  readonly workgroup: string;
  readonly database: string;
  readonly namedQueryIds: readonly string[];
  readonly bucket: string;
  readonly prefix: string;
  readonly topicArn: string;
  /** Rows kept per query in the report. */
  readonly maxRows?: number;
  /** Give up waiting for a query after this long. */
  readonly timeoutMs?: number;
}

export interface ReportIo {
  readonly athena: Pick<AthenaClient, "send">;
  readonly s3: Pick<S3Client, "send">;
  readonly sns: Pick<SNSClient, "send">;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface QueryReport {
  readonly name: string;
  readonly namedQueryId: string;
  readonly queryExecutionId?: string;
  readonly state: string;
  readonly error?: string;
  readonly bytesScanned?: number;
  readonly columns: string[];
  readonly rows: Record<string, string | null>[];
  readonly truncated: boolean;
}

export interface Report {
  readonly generatedAt: string;
  readonly workgroup: string;
  readonly database: string;
  readonly queries: QueryReport[];
}

export class ReportError extends FunctionError {
  public constructor(message: string) {
    super(message);
    this.name = "ReportError";
  }
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

export async function runQuery(io: ReportIo, settings: ReportSettings, namedQueryId: string): Promise<QueryReport> {
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = io.now ?? Date.now;
  const named = (await io.athena.send(new GetNamedQueryCommand({ NamedQueryId: namedQueryId }))).NamedQuery;
  if (!named?.QueryString) throw new ReportError(`named query ${namedQueryId} has no query string`);
  const name = named.Name ?? namedQueryId;
  const started = await io.athena.send(
    new StartQueryExecutionCommand({
      QueryString: named.QueryString,
      WorkGroup: settings.workgroup,
      QueryExecutionContext: { Database: named.Database ?? settings.database },
    }),
  );
  const id = started.QueryExecutionId!;
  const deadline = now() + (settings.timeoutMs ?? 600_000);
  let delay = 500;
  for (;;) {
    const exec = (await io.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution;
    const state = exec?.Status?.State ?? "UNKNOWN";
    if (TERMINAL.has(state)) {
      if (state !== "SUCCEEDED") {
        return { name, namedQueryId, queryExecutionId: id, state, error: exec?.Status?.StateChangeReason ?? state, columns: [], rows: [], truncated: false };
      }
      const { columns, rows, truncated } = await readResults(io, id, settings.maxRows ?? 1000);
      return { name, namedQueryId, queryExecutionId: id, state, bytesScanned: exec?.Statistics?.DataScannedInBytes, columns, rows, truncated };
    }
    if (now() > deadline) return { name, namedQueryId, queryExecutionId: id, state: "TIMEOUT", error: "query still running at the deadline", columns: [], rows: [], truncated: false };
    await sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}

async function readResults(io: ReportIo, id: string, maxRows: number): Promise<{ columns: string[]; rows: Record<string, string | null>[]; truncated: boolean }> {
  let columns: string[] = [];
  const rows: Record<string, string | null>[] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await io.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }));
    if (first) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? "");
    const data = page.ResultSet?.Rows ?? [];
    // The first row of the first page repeats the column names.
    for (const row of first ? data.slice(1) : data) {
      if (rows.length >= maxRows) return { columns, rows, truncated: true };
      rows.push(Object.fromEntries(columns.map((c, i) => [c, row.Data?.[i]?.VarCharValue ?? null])));
    }
    first = false;
    token = page.NextToken;
  } while (token);
  return { columns, rows, truncated: false };
}

/** The S3 key of a report: <prefix>dt=YYYY-MM-DD/report-<ISO time>.json */
export function reportKey(prefix: string, generatedAt: string): string {
  return `${prefix}dt=${generatedAt.slice(0, 10)}/report-${generatedAt.replace(/[:.]/g, "-")}.json`;
}

/** The SNS message: one line per query. */
export function summarize(report: Report, location: string): { subject: string; message: string } {
  const lines = report.queries.map((q) =>
    q.state === "SUCCEEDED"
      ? `- ${q.name}: ${q.rows.length}${q.truncated ? "+" : ""} rows${q.rows[0] ? `; first: ${JSON.stringify(q.rows[0])}` : ""}`
      : `- ${q.name}: ${q.state} (${q.error ?? "no reason given"})`,
  );
  const failed = report.queries.filter((q) => q.state !== "SUCCEEDED").length;
  return {
    subject: `Retail sales report ${report.generatedAt.slice(0, 16)}Z${failed ? ` (${failed} failed)` : ""}`.slice(0, 99),
    message: [`Retail sales report generated at ${report.generatedAt}`, ...lines, `Full report: ${location}`].join("\n"),
  };
}

/** A report with a query that did not succeed: thrown after the report is stored and the summary sent. */
export class ReportQueryFailedError extends ReportError {
  public constructor(
    public readonly report: Report,
    public readonly key: string,
  ) {
    const failed = report.queries.filter((q) => q.state !== "SUCCEEDED");
    super(`${failed.length} of ${report.queries.length} report queries did not succeed: ${failed.map((q) => `${q.name} ${q.state} (${q.error ?? "no reason given"})`).join("; ")}`);
    this.name = "ReportQueryFailedError";
  }
}

/**
 * Runs every query, stores the report, publishes the summary. Then, if any
 * query ended FAILED, CANCELLED or past the deadline, throws: the invocation
 * fails, so the function's Errors metric (and the report-errors alarm) sees it.
 */
export async function runReport(io: ReportIo, settings: ReportSettings, at: Date): Promise<{ report: Report; key: string }> {
  const queries: QueryReport[] = [];
  for (const id of settings.namedQueryIds) queries.push(await runQuery(io, settings, id));
  const report: Report = { generatedAt: at.toISOString(), workgroup: settings.workgroup, database: settings.database, queries };
  const key = reportKey(settings.prefix, report.generatedAt);
  await io.s3.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: JSON.stringify(report, null, 2), ContentType: "application/json" }));
  const { subject, message } = summarize(report, `s3://${settings.bucket}/${key}`);
  await io.sns.send(new PublishCommand({ TopicArn: settings.topicArn, Subject: subject, Message: message }));
  if (queries.some((q) => q.state !== "SUCCEEDED")) throw new ReportQueryFailedError(report, key);
  return { report, key };
}
