/** What a producer asks the gate for, and the gate's settings from its environment. Pure. */
import { z } from "zod";
import { numberFromText, requiredString } from "../shared";

export const GateEnvSchema = z.object({
  LANDING_BUCKET: requiredString(),
  /** Key prefix uploads land under, e.g. "sales/" or "incoming/". */
  LANDING_PREFIX: requiredString(),
  SLOTS_TABLE: requiredString(),
  MAX_FILES_PER_DAY: numberFromText({ int: true, min: 1 }),
  MAX_FILE_BYTES: numberFromText({ int: true, min: 1 }),
  URL_EXPIRY_SECONDS: numberFromText({ int: true, min: 1 }),
});
export type GateEnv = z.output<typeof GateEnvSchema>;

export const UploadRequestSchema = z.strictObject({
  /** The producer's file name; kept (made safe) at the end of the key, so its extension tells the format. */
  fileName: z.string({ error: "fileName must be a file name" }).trim().min(1, { error: "fileName must be a file name" }).max(200, { error: "fileName must be at most 200 characters" }),
  /** The exact size of the file, in bytes: the URL only accepts a body of this size. */
  sizeBytes: z.number({ error: "sizeBytes must be a whole number of bytes" }).int({ error: "sizeBytes must be a whole number of bytes" }).min(1, { error: "sizeBytes must be at least 1" }),
});
export type UploadRequest = z.output<typeof UploadRequestSchema>;

/** The request body, or the one-line reason it is refused. */
export function parseUploadRequest(body: string | null | undefined): { ok: true; request: UploadRequest } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(body ?? "");
  } catch {
    return { ok: false, message: 'the body must be JSON: {"fileName": "...", "sizeBytes": n}' };
  }
  const parsed = UploadRequestSchema.safeParse(json);
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, message: parsed.error.issues.map((i) => i.message).join("; ") };
}
