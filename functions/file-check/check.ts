/**
 * The batch ETL pipeline's (P3) file check: format by extension, UTF-8 text,
 * a CSV header row, a size limit. A bad file is moved under
 * `<QUARANTINE_PREFIX><reason>/<key>` with a `<key>.reason.json` beside it.
 */
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";

/** Why a file is set aside (stable identifiers: they are S3 prefixes). */
export const FILE_REASONS = ["too-large", "empty", "unsupported-format", "not-utf8", "missing-header", "header-mismatch", "not-json", "not-parquet"] as const;
export type FileReason = (typeof FILE_REASONS)[number];

export type FileFormat = "csv" | "json" | "parquet";

export interface FileCheckSettings {
  readonly maxFileBytes: number;
  readonly quarantinePrefix: string;
  /** Expected CSV columns, in order (optional). */
  readonly expectedHeader?: readonly string[];
}

export type FileVerdict = { readonly ok: true; readonly format: FileFormat } | { readonly ok: false; readonly reason: FileReason; readonly message: string };

/** Pure: the format from the key's extension (`.csv`, `.json`/`.ndjson`/`.jsonl`, `.parquet`; `.gz` is not accepted). */
export function formatOf(key: string): FileFormat | undefined {
  const lower = key.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".json") || lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) return "json";
  if (lower.endsWith(".parquet")) return "parquet";
  return undefined;
}

/** Pure: checks a CSV header line. */
export function checkCsvHeader(line: string, expected: readonly string[] | undefined): FileVerdict {
  const columns = line.replace(/^\uFEFF/, "").split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  if (line.trim() === "" || columns.some((c) => c === "") || columns.every((c) => /^-?\d+(\.\d+)?$/.test(c))) {
    return { ok: false, reason: "missing-header", message: "the first line is not a header row of column names" };
  }
  if (expected && (expected.length !== columns.length || expected.some((c, i) => c !== columns[i]))) {
    return { ok: false, reason: "header-mismatch", message: `header is ${columns.join(",")}; expected ${expected.join(",")}` };
  }
  return { ok: true, format: "csv" };
}

/** Streams a text file: UTF-8 check of every byte, and the first line. */
async function scanText(body: AsyncIterable<Uint8Array>): Promise<{ utf8: boolean; firstLine: string; firstChar: string }> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let head = "";
  try {
    for await (const chunk of body) {
      const text = decoder.decode(chunk, { stream: true });
      if (head.length < 65_536) head += text.slice(0, 65_536);
    }
    head += decoder.decode();
  } catch {
    return { utf8: false, firstLine: "", firstChar: "" };
  }
  const firstLine = head.split(/\r?\n/, 1)[0] ?? "";
  return { utf8: true, firstLine, firstChar: head.replace(/^\uFEFF/, "").trimStart().charAt(0) };
}

export async function checkFile(s3: Pick<S3Client, "send">, bucket: string, key: string, settings: FileCheckSettings): Promise<FileVerdict> {
  const format = formatOf(key);
  if (!format) return { ok: false, reason: "unsupported-format", message: "the extension is not .csv, .json, .ndjson, .jsonl or .parquet" };
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const size = head.ContentLength ?? 0;
  if (size > settings.maxFileBytes) return { ok: false, reason: "too-large", message: `${size} bytes; the limit is ${settings.maxFileBytes}` };
  if (size === 0) return { ok: false, reason: "empty", message: "the file is empty" };
  if (format === "parquet") {
    const range = async (r: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: r }))).Body!.transformToByteArray());
    const magic = size >= 12 ? [await range("bytes=0-3"), await range(`bytes=${size - 4}-${size - 1}`)] : [];
    if (magic.length === 0 || magic.some((m) => m.toString("latin1") !== "PAR1")) return { ok: false, reason: "not-parquet", message: "no PAR1 magic at the start and end" };
    return { ok: true, format };
  }
  const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as unknown as Readable;
  const text = await scanText(body);
  if (!text.utf8) return { ok: false, reason: "not-utf8", message: "the file is not valid UTF-8" };
  if (format === "csv") return checkCsvHeader(text.firstLine, settings.expectedHeader);
  if (text.firstChar !== "{" && text.firstChar !== "[") return { ok: false, reason: "not-json", message: "the file does not start with a JSON object or array" };
  return { ok: true, format };
}

/** Copies the file under the quarantine prefix with a reason document, then deletes the original. */
export async function quarantineFile(s3: Pick<S3Client, "send">, bucket: string, key: string, verdict: Extract<FileVerdict, { ok: false }>, prefix: string, now = new Date()): Promise<string> {
  const target = `${prefix}${verdict.reason}/${key}`;
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}` }));
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${target}.reason.json`,
      Body: JSON.stringify({ reason: verdict.reason, message: verdict.message, originalKey: key, quarantinedAt: now.toISOString() }),
      ContentType: "application/json",
    }),
  );
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return target;
}

/** S3 event keys are URL-encoded with '+' for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, " "));
}
