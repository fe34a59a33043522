/**
 * Personal data: the customer's e-mail is replaced by HMAC-SHA256(key,
 * lower-cased trimmed address), hex. The same address always gives the same
 * hash within a stack (analysts can count distinct customers); without the
 * key the address cannot be recovered or confirmed by guessing.
 */
import { createHmac } from "node:crypto";

/** The prefix marking a hashed value in raw payloads. */
export const HASH_PREFIX = "hmac-sha256:";

export function hashEmail(key: string | Buffer, email: string): string {
  return createHmac("sha256", key).update(email.trim().toLowerCase(), "utf8").digest("hex");
}

// Deliberately loose: anything shaped like an address is hashed, valid or not.
const NOT_IN_ADDRESS = new Set([..." \t\r\n\"'<>()[]\\,;:@"]);

/** Replaces address-shaped substrings (up to 64 characters, "@", up to 255) in linear time, scanning out from each "@". */
function replaceAddresses(text: string, replace: (address: string) => string): string {
  let out = "";
  let copied = 0;
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let start = at;
    while (start > copied && at - start < 64 && !NOT_IN_ADDRESS.has(text[start - 1])) start--;
    let end = at + 1;
    while (end < text.length && end - at <= 255 && !NOT_IN_ADDRESS.has(text[end])) end++;
    if (start === at || end === at + 1) continue;
    out += text.slice(copied, start) + replace(text.slice(start, end));
    copied = end;
    at = end - 1;
  }
  return out + text.slice(copied);
}

/**
 * A raw payload made safe to keep: when it is a JSON object its
 * customer.email (valid or not) is replaced by `hmac-sha256:<hash>` and the
 * object re-serialised; otherwise every address-shaped substring is replaced,
 * leaving every other byte as it was (non-UTF-8 payloads included).
 */
export function redactPayload(bytes: Uint8Array, key: string | Buffer): Buffer {
  const latin1 = Buffer.from(bytes).toString("latin1");
  const replaced = replaceAddresses(latin1, (m) => `${HASH_PREFIX}${hashEmail(key, m)}`);
  try {
    const json = JSON.parse(Buffer.from(latin1, "latin1").toString("utf8")) as unknown;
    const customer = (json as { customer?: { email?: unknown } } | null)?.customer;
    if (customer && typeof customer === "object" && "email" in customer) {
      customer.email = `${HASH_PREFIX}${hashEmail(key, typeof customer.email === "string" ? customer.email : JSON.stringify(customer.email))}`;
      return Buffer.from(JSON.stringify(json), "utf8");
    }
  } catch {
    // Not JSON: the regex replacement is all we can do.
  }
  return Buffer.from(replaced, "latin1");
}
