/** Finding a pipeline kind's component among a stack's top-level components. */

export interface TopLevel {
  name: string;
  type: string | null;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The top-level component that implements `kind`: named after the kind, or
 * typed `platform:pipelines:<Kind>` (case and dashes ignored), or typed after
 * the metadata's component class (`RealtimeAnalyticsPipeline` -> `Realtime`).
 */
export function componentOfKind<T extends TopLevel>(kind: string, componentClass: string | undefined, tops: readonly T[]): T | undefined {
  const pipelines = tops.filter((t) => t.type?.startsWith("platform:pipelines:"));
  const last = (t: T) => squash(t.type!.split(":")[2] ?? "");
  return (
    tops.find((t) => t.name === kind && t.type !== null) ??
    pipelines.find((t) => last(t) === squash(kind)) ??
    (componentClass ? pipelines.find((t) => last(t) !== "" && squash(componentClass).startsWith(last(t))) : undefined)
  );
}
