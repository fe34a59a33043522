/**
 * Metric contract: every metric a dashboard widget or an alarm references
 * (namespace, name, exact dimension set) is one the functions emit, captured
 * from their real EMF output, or an AWS service metric listed with its
 * documentation page. CloudWatch matches the dimension set exactly, so a
 * widget asking for [service] shows nothing of a metric emitted with
 * [service, rule].
 */
import { strict as assert } from "node:assert";
import { Emulators, startEmulators } from "../../functions/local/emulators";
import { STACK_NAMES, synthesizedStack } from "../iam/helpers";
import { AWS_METRICS } from "./awsMetrics";
import { EmittedMetric, emittedMetrics } from "./emitted";
import { fromSearch, MetricRef, referencedMetrics } from "./referenced";

const sameKeys = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => Object.keys(a).sort().join(",") === Object.keys(b).sort().join(",");

/** A reference is satisfied by an emitted metric with its namespace, name, exact dimension names and every fixed value. */
function emittedFor(ref: MetricRef, emitted: readonly EmittedMetric[]): boolean {
  return emitted.some((e) => e.namespace === ref.namespace && e.name === ref.name && sameKeys(e.dimensions, ref.dimensions) && Object.entries(ref.dimensions).every(([k, v]) => v === "*" || e.dimensions[k] === v));
}

function awsMetricFor(ref: MetricRef): boolean {
  return AWS_METRICS.some((m) => m.namespace === ref.namespace && m.name === ref.name && m.dimensions.join(",") === Object.keys(ref.dimensions).sort().join(","));
}

const envOf = (r: { inputs: Readonly<Record<string, unknown>> }) => ((r.inputs["environment"] as { variables?: Record<string, string> } | undefined)?.variables ?? {});
let checked = 0;

describe("metric contract: dashboards and alarms chart what is emitted", function () {
  this.timeout(120_000);
  let emu: Emulators;
  // Fresh emulators per stack: a cold-started handler's clients must not meet another one's sockets.
  beforeEach(async () => {
    emu = await startEmulators({ dynamo: true, s3: true });
  });
  afterEach(async () => {
    await emu.close();
  });
  after(() => console.log(`      metrics checked: ${checked} dashboard and alarm references`));

  for (const stack of STACK_NAMES) {
    it(`${stack}: every referenced metric is emitted by a function or is a listed AWS metric`, async () => {
      const { resources } = await synthesizedStack(stack);
      const fn = (name: string) => resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === name)!;
      const emitted = await emittedMetrics(emu, envOf(fn("realtime-processor")), envOf(fn("realtime-history-transform")), stack);
      assert.ok(emitted.some((e) => e.name === "RejectedRecords" && "rule" in e.dimensions), "the processor's EMF was captured");
      const refs = referencedMetrics(resources);
      assert.ok(refs.some((r) => r.where.startsWith("dashboard")) && refs.some((r) => r.where.startsWith("alarm")));
      const unmatched = refs.filter((r) => !emittedFor(r, emitted) && !awsMetricFor(r)).map((r) => `${r.where}: ${r.namespace} ${r.name} [${Object.keys(r.dimensions).join(", ")}]`);
      assert.deepEqual(unmatched, []);
      checked += refs.length;
    });
  }

  it("reads a SEARCH expression's schema as the exact dimension set", () => {
    const ref = fromSearch("w", `SEARCH('{RetailPlatform/dev,rule,service} MetricName="RejectedRecords" service="realtime-processor"', 'Sum', 60)`);
    assert.deepEqual(ref, { where: "w", namespace: "RetailPlatform/dev", name: "RejectedRecords", dimensions: { rule: "*", service: "realtime-processor" } });
  });
});
