/**
 * Every metric a stack's dashboards and alarms reference: namespace, name and
 * dimensions (names and values), read from the synthesized dashboard bodies
 * (metric arrays and SEARCH expressions) and alarm inputs (single metric or
 * metric queries). Pure.
 */
import { StackResource } from "../../model/resources";

export interface MetricRef {
  readonly where: string;
  readonly namespace: string;
  readonly name: string;
  /** Dimension name -> value; a SEARCH expression's free dimensions have value "*". */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A dashboard metric array `[ns, name, k1, v1, ..., {options}]`, with ".." repeating the previous line's field. */
function fromMetricArray(where: string, line: unknown[], previous: unknown[] | undefined): MetricRef | undefined {
  const fields = line.filter((x): x is string => typeof x === "string");
  if (fields.length < 2) return undefined;
  const before = (i: number) => previous?.[i];
  const resolved = fields.map((f, i) => (f === "." || f === ".." ? (typeof before(i) === "string" ? (before(i) as string) : f) : f));
  const [namespace, name, ...rest] = resolved;
  const dimensions: Record<string, string> = {};
  for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i]] = rest[i + 1]!;
  return { where, namespace: namespace, name: name, dimensions };
}

/** `SEARCH('{Namespace,dim1,dim2} MetricName="X" dim1="v"', ...)`: the schema fixes the exact dimension set. */
export function fromSearch(where: string, expression: string): MetricRef | undefined {
  const m = /SEARCH\(\s*'\{([^}]*)\}\s*([^']*)'/.exec(expression);
  if (!m) return undefined;
  const [namespace, ...dims] = m[1].split(",").map((s) => s.trim().replace(/^"|"$/g, ""));
  const terms = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((t) => [t[1], t[2]]));
  const name = terms["MetricName"];
  if (!namespace || !name) return undefined;
  return { where, namespace, name, dimensions: Object.fromEntries(dims.map((d) => [d, terms[d] ?? "*"])) };
}

function dashboardRefs(r: StackResource): MetricRef[] {
  const body = JSON.parse(String(r.inputs["dashboardBody"])) as { widgets: { properties?: { title?: string; metrics?: unknown[][] } }[] };
  const out: MetricRef[] = [];
  for (const w of body.widgets) {
    let previous: unknown[] | undefined;
    for (const line of w.properties?.metrics ?? []) {
      const where = `dashboard ${r.name} / ${w.properties?.title ?? "?"}`;
      const options = line.find((x) => x !== null && typeof x === "object") as { expression?: string } | undefined;
      const ref = options?.expression !== undefined && line.length === 1 ? fromSearch(where, options.expression) : fromMetricArray(where, line, previous);
      if (ref) out.push(ref);
      else throw new Error(`${where}: metric ${JSON.stringify(line)} is neither a metric nor a SEARCH expression`);
      previous = line;
    }
  }
  return out;
}

function alarmRefs(r: StackResource): MetricRef[] {
  const i = r.inputs as { namespace?: string; metricName?: string; dimensions?: Record<string, string>; metricQueries?: { metric?: { namespace: string; metricName: string; dimensions?: Record<string, string> } }[] };
  if (i.metricName) return [{ where: `alarm ${r.name}`, namespace: i.namespace ?? "", name: i.metricName, dimensions: i.dimensions ?? {} }];
  return (i.metricQueries ?? []).filter((q) => q.metric).map((q) => ({ where: `alarm ${r.name}`, namespace: q.metric!.namespace, name: q.metric!.metricName, dimensions: q.metric!.dimensions ?? {} }));
}

export function referencedMetrics(resources: readonly StackResource[]): MetricRef[] {
  return resources.flatMap((r) => (r.type === "aws:cloudwatch/dashboard:Dashboard" ? dashboardRefs(r) : r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" ? alarmRefs(r) : []));
}
