/**
 * Property: no line of any ceiling exceeds what its enforced bound allows in a
 * month, whatever the workload, the number of sales regions (up to the schema's
 * maximum) and the bounds themselves. The stack is the all-pipelines fixture,
 * synthesized once; each run varies the workload and the limits, and writes the
 * bounds into the resources where AWS enforces them (DynamoDB's
 * onDemandThroughput, Lambda's reserved concurrency, the processor's regions).
 * The monthly allowance of each bound is computed here from AWS's own definitions
 * (request units per second, concurrent executions x memory, one stream), not
 * from the cost engine's formulas. Glue jobs are bounded per run
 * (workers x timeout) and their runs by their schedules: not checked here.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import fc from "fast-check";
import { estimateStack } from "../../cost";
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from "../../cost/constants";
import { Environment, LIST_MAXIMA, loadStackFile } from "../../environments";
import { StackResource } from "../../model/resources";
import { synthesizeStack } from "../../platform/synth";

const FIXTURE = path.join(__dirname, "..", "fixtures", "stacks", "Pulumi.all.yaml");

/** One line's quantity against the most its bound allows in a month. */
interface Check {
  readonly resource: string;
  readonly line: RegExp;
  readonly allowed: number;
}

const arbitraryRun = fc.record({
  averageTps: fc.double({ min: 0.01, max: 5000, noNaN: true }),
  peakFactor: fc.double({ min: 1, max: 20, noNaN: true }),
  peakHoursPerDay: fc.integer({ min: 0, max: 24 }),
  averageRecordBytes: fc.integer({ min: 50, max: 1_048_576 }),
  itemsPerTransaction: fc.double({ min: 1, max: 50, noNaN: true }),
  regions: fc.integer({ min: 1, max: LIST_MAXIMA.salesRegions }),
  maxReadRequestUnits: fc.integer({ min: 1, max: 40_000 }),
  maxWriteRequestUnits: fc.integer({ min: 1, max: 40_000 }),
  reservedConcurrency: fc.integer({ min: 1, max: 1000 }),
  maxWriteMBps: fc.double({ min: 0.1, max: 200, noNaN: true }),
});
type Run = typeof arbitraryRun extends fc.Arbitrary<infer T> ? T : never;

function environmentOf(base: Environment, run: Run): Environment {
  const limits = base.limits;
  assert.equal(limits.kinesis.mode, "on-demand");
  assert.equal(limits.dynamodb.billingMode, "on-demand");
  return {
    ...base,
    workload: { ...base.workload, averageTps: run.averageTps, peakTps: run.averageTps * run.peakFactor, peakHoursPerDay: run.peakHoursPerDay, averageRecordBytes: run.averageRecordBytes, itemsPerTransaction: run.itemsPerTransaction },
    limits: {
      ...limits,
      kinesis: { mode: "on-demand", maxWriteMBps: run.maxWriteMBps },
      lambda: { ...limits.lambda, reservedConcurrency: run.reservedConcurrency },
      dynamodb: { billingMode: "on-demand", maxReadRequestUnits: run.maxReadRequestUnits, maxWriteRequestUnits: run.maxWriteRequestUnits },
    },
  };
}

/** The synthesized resources with this run's bounds written where AWS enforces them. */
function resourcesOf(synthesized: readonly StackResource[], run: Run): StackResource[] {
  const regions = Array.from({ length: run.regions }, (_, i) => `R${String(i).padStart(15, "0")}`).join(",");
  return synthesized.map((r) => {
    const inputs = structuredClone(r.inputs) as Record<string, any>;
    if (r.type === "aws:dynamodb/table:Table" && inputs.onDemandThroughput) inputs.onDemandThroughput = { maxReadRequestUnits: run.maxReadRequestUnits, maxWriteRequestUnits: run.maxWriteRequestUnits };
    if (r.type === "aws:lambda/function:Function") {
      if (typeof inputs.reservedConcurrentExecutions === "number" && inputs.reservedConcurrentExecutions > 0) inputs.reservedConcurrentExecutions = run.reservedConcurrency;
      if (inputs.environment?.variables?.SALES_REGIONS !== undefined) inputs.environment.variables.SALES_REGIONS = regions;
    }
    return { ...r, inputs };
  });
}

/** What each bounded line may reach in a month, from the bound's own definition. */
function checksOf(resources: readonly StackResource[], run: Run): Check[] {
  const checks: Check[] = [];
  for (const r of resources) {
    const inputs = r.inputs as Record<string, any>;
    if (r.type === "aws:dynamodb/table:Table" && inputs.onDemandThroughput) {
      checks.push({ resource: r.name, line: /^Read request units/, allowed: (run.maxReadRequestUnits * SECONDS_PER_MONTH) / 1e6 });
      checks.push({ resource: r.name, line: /^Write request units/, allowed: (run.maxWriteRequestUnits * SECONDS_PER_MONTH) / 1e6 });
    }
    if (r.type === "aws:lambda/function:Function" && typeof inputs.reservedConcurrentExecutions === "number" && inputs.reservedConcurrentExecutions > 0) {
      checks.push({ resource: r.name, line: /^Duration/, allowed: ((inputs.reservedConcurrentExecutions * (inputs.memorySize ?? 128)) / 1024) * SECONDS_PER_MONTH });
    }
    // An on-demand stream is one stream all month; its maxWriteMBps is an alarm threshold, not a limit AWS
    // enforces, so traffic above it is priced as it comes (the ceiling is never below the expected traffic).
    if (r.type === "aws:kinesis/stream:Stream") checks.push({ resource: r.name, line: /^Stream hours/, allowed: HOURS_PER_MONTH });
  }
  return checks;
}

describe("property: every ceiling line stays within what its enforced bound allows in a month", function () {
  this.timeout(300_000);
  let base: Environment;
  let synthesized: readonly StackResource[];

  before(async () => {
    base = loadStackFile(FIXTURE, "retail-data-platform");
    synthesized = (await synthesizeStack(base)).resources;
  });

  it("for any workload, number of sales regions and bounds (fast-check)", () => {
    fc.assert(
      fc.property(arbitraryRun, (run) => {
        const env = environmentOf(base, run);
        const resources = resourcesOf(synthesized, run);
        const cost = estimateStack(resources, { region: env.awsRegion, workload: env.workload, limits: env.limits });
        const checks = checksOf(resources, run);
        assert.ok(checks.length >= 4, `only ${checks.length} bounded lines found`);
        for (const check of checks) {
          const item = cost.items.find((i) => i.name === check.resource);
          assert.ok(item, `${check.resource} is not priced`);
          for (const line of item.ceiling.filter((l) => check.line.test(l.component))) {
            assert.ok(line.quantity <= check.allowed * (1 + 1e-6), `${check.resource} ${line.component}: ${line.quantity} ${line.unit} in the ceiling, its bound allows ${check.allowed}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
