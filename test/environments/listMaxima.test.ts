/**
 * The config lists' maxima against the limit they exist for: at the most
 * regions and currencies the schema allows (each region code as long as it may
 * be), every Lambda function the program declares (all four pipelines) keeps
 * its environment variables within Lambda's 4 KB quota (keys and values, in
 * aggregate: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { LIST_MAXIMA, loadStackFile } from "../../environments";
import { synthesizeStack } from "../../platform/synth";

const LAMBDA_ENVIRONMENT_BYTES = 4096;

describe("environments: list maxima fit what AWS takes", function () {
  this.timeout(300_000);

  it("50 sixteen-character regions and 180 currencies fit every function's 4 KB of environment variables", async () => {
    // prepare
    const base = loadStackFile(path.join(__dirname, "..", "fixtures", "stacks", "Pulumi.all.yaml"), "retail-data-platform");
    const salesRegions = Array.from({ length: LIST_MAXIMA.salesRegions }, (_, i) => `REGION_${String(i).padStart(9, "0")}`);
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const currencies = Array.from({ length: LIST_MAXIMA.currencies }, (_, i) => `${letters[i % 26]}${letters[Math.floor(i / 26) % 26]}Z`);
    assert.ok(salesRegions.every((r) => r.length === 16));
    assert.equal(new Set(currencies).size, LIST_MAXIMA.currencies);
    // act
    const { resources } = await synthesizeStack({ ...base, salesRegions, currencies });
    // assess
    const functions = resources.filter((r) => r.type === "aws:lambda/function:Function");
    assert.ok(functions.some((f) => JSON.stringify(f.inputs).includes(salesRegions[49])), "the regions reach a function");
    for (const f of functions) {
      const variables = ((f.inputs.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {});
      const bytes = Object.entries(variables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
      assert.ok(bytes <= LAMBDA_ENVIRONMENT_BYTES, `${f.name}: ${bytes} bytes of environment variables`);
    }
  });
});
