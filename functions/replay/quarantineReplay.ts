/**
 * `platform quarantine list|show|replay`: the set-aside records, read from
 * every NDJSON object and de-duplicated on (shard, sequence number),
 * re-validated against the stack's current contract. Still invalid: stays
 * where it is, counted under its current rule. Now valid: its contributions
 * go to the aggregates through ledger-guarded updates (once per record and
 * item, whatever the high-water marks say), and its history row to one object
 * per record in the history bucket (same key on every run: once).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { z } from "zod";
import { toHistoryRow } from "../firehose-transform/transform";
import { dateOf, REJECTION_RULES, RejectionRule, validateTransaction, Verdict } from "../shared";
import { dedupeQuarantine, QuarantineDocument } from "../stream-processor/quarantine";
import { ReplayDeps, validationContextOf } from "./context";
import { applyLedgerUpdates, contributionsByItem, ReplayRecord } from "./ledger";
import { readObjects } from "./objects";
import { QuarantineReplay, ReplayInputError } from "./types";

/** Where replayed history rows go (outside the Parquet prefix the Glue table reads; docs/operations.md). */
export const HISTORY_REPLAY_PREFIX = "history-replays/";

const QuarantineDocumentSchema = z.object({
  rule: z.enum(REJECTION_RULES),
  message: z.string(),
  payloadBase64: z.string(),
  source: z.object({ shardId: z.string().min(1), sequenceNumber: z.string().regex(/^\d+$/), partitionKey: z.string(), arrivalTime: z.string() }),
});

/** Strict NDJSON: a line that is not a quarantine document names the object and the line. */
export function parseQuarantineBody(key: string, body: string): QuarantineDocument[] {
  const out: QuarantineDocument[] = [];
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim().length === 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(lines[i]);
    } catch {
      throw new ReplayInputError(`quarantine object ${key}: line ${i + 1} is not JSON (quarantine objects are NDJSON, one record per line)`);
    }
    const parsed = QuarantineDocumentSchema.safeParse(json);
    if (!parsed.success) throw new ReplayInputError(`quarantine object ${key}: line ${i + 1} ${parsed.error.issues[0].path.join(".") || "(line)"} ${parsed.error.issues[0].message}`);
    out.push(parsed.data);
  }
  return out;
}

/** Every quarantined record under the prefix (optionally one day), de-duplicated; throws before any write on a bad object. */
export async function listQuarantine(deps: Pick<ReplayDeps, "s3" | "config">, date?: string): Promise<QuarantineDocument[]> {
  const prefix = `${deps.config.quarantinePrefix}${date ? `dt=${date}/` : ""}`;
  const docs = (await readObjects(deps.s3, deps.config.quarantineBucket, prefix)).flatMap(({ key, body }) => parseQuarantineBody(key, body));
  return dedupeQuarantine(docs);
}

const HASHED = "hmac-sha256:";
/** Rules after the e-mail check: a record rejected by one of these passed everything before it. */
const RECHECKABLE = new Set<RejectionRule>(REJECTION_RULES.slice(REJECTION_RULES.indexOf("unknown-region")));

/**
 * Pure: the record's verdict under the current contract. The stored payload
 * has its e-mail hashed; the hash stands for an address that passed the e-mail
 * rule, so rules up to it are final and only the contract's rules are checked again.
 */
export function revalidateQuarantined(doc: QuarantineDocument, ctx: Parameters<typeof validateTransaction>[1]): { verdict: Verdict; emailHash?: string } {
  if (!RECHECKABLE.has(doc.rule)) return { verdict: { ok: false, rule: doc.rule, message: doc.message } };
  const json = JSON.parse(Buffer.from(doc.payloadBase64, "base64").toString("utf8")) as { customer?: { email?: unknown } };
  const email = json.customer?.email;
  const emailHash = typeof email === "string" && email.startsWith(HASHED) ? email.slice(HASHED.length) : undefined;
  if (emailHash !== undefined) delete json.customer!.email;
  return { verdict: validateTransaction(json, ctx), emailHash };
}

export async function replayQuarantine(deps: ReplayDeps, date?: string): Promise<QuarantineReplay> {
  const docs = await listQuarantine(deps, date);
  const ctx = validationContextOf(deps);
  const stillInvalid: Partial<Record<RejectionRule, number>> = {};
  const nowValid: (ReplayRecord & { doc: QuarantineDocument; emailHash?: string })[] = [];
  for (const doc of docs) {
    const { verdict, emailHash } = revalidateQuarantined(doc, ctx);
    if (verdict.ok) nowValid.push({ shardId: doc.source.shardId, sequenceNumber: doc.source.sequenceNumber, transaction: verdict.transaction, doc, emailHash });
    else stillInvalid[verdict.rule] = (stillInvalid[verdict.rule] ?? 0) + 1;
  }
  const written = await applyLedgerUpdates(deps.dynamo, deps.config.table, contributionsByItem(nowValid, deps.config.productBuckets).values(), deps.config.hotRetentionDays);
  let historyObjects = 0;
  if (deps.historyBucket) {
    for (const r of nowValid) {
      const row = { ...toHistoryRow(r.transaction, "", Date.parse(r.doc.source.arrivalTime)), customer_email_hash: r.emailHash ?? null };
      const key = `${HISTORY_REPLAY_PREFIX}dt=${dateOf(r.transaction.occurredAtMs)}/${r.shardId}-${r.sequenceNumber}.json`;
      await deps.s3.send(new PutObjectCommand({ Bucket: deps.historyBucket, Key: key, Body: `${JSON.stringify(row)}\n`, ContentType: "application/json" }));
      historyObjects++;
    }
  }
  return { records: docs.length, nowValid: nowValid.length, applied: written.appliedRecords.size, alreadyReplayed: written.alreadyApplied, stillInvalid, historyObjects };
}
