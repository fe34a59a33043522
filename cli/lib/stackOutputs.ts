/**
 * The deployed realtime pipeline's resource names, from `pulumi stack output
 * --json` (a file, or `-` for stdin): the program exports them under
 * `outputs` as `realtime.<name>` (platform/program.ts, components/registry.ts).
 */
import { z } from "zod";
import { CliError } from "../errors";

const NAMES = ["streamName", "aggregatesTable", "quarantineBucket", "failedBatchesQueueUrl", "historyBucket", "emailHashSecretArn"] as const;
export type RealtimeResources = Record<(typeof NAMES)[number], string>;

const OutputsSchema = z.record(z.string(), z.unknown());

/** Pure: the names from the JSON text; one line naming the missing output otherwise. */
export function realtimeResources(text: string, source: string): RealtimeResources {
  if (text.trim() === "") throw new CliError(`${source}: is empty (expected the output of pulumi stack output --json)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${source}: is not valid JSON (expected the output of pulumi stack output --json)`);
  }
  const top = OutputsSchema.safeParse(json);
  if (!top.success) throw new CliError(`${source}: must be a JSON object (the output of pulumi stack output --json)`);
  const outputs = OutputsSchema.safeParse(top.data["outputs"]);
  const flat = outputs.success ? outputs.data : top.data;
  const out: Partial<RealtimeResources> = {};
  for (const name of NAMES) {
    const value = flat[`realtime.${name}`];
    if (typeof value !== "string" || value.length === 0) throw new CliError(`${source}: outputs.realtime.${name} must be a non-empty string (is the realtime pipeline deployed on this stack?)`);
    out[name] = value;
  }
  return out as RealtimeResources;
}
