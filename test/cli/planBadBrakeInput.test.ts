/**
 * Issue 13's bad input through `platform plan`: a brake action the
 * environment cannot take and a threshold outside 1..1000% are one line on
 * stderr naming the file, the field, the value and the rule, exit 2, and the
 * other stacks still plan. (A quota missing for the region: test/cost/quotas.test.ts
 * and the CLI's mapping of a CostError's exit code, below.)
 */
import { strict as assert } from "node:assert";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { QuotaMissingError } from "../../cost/quotas";
import { devYaml, run, tempProject } from "./helpers";

/** dev's stack file with its `platform:` config edited. */
function devWith(edit: (config: Record<string, any>) => void): string {
  const doc = parseYaml(devYaml()) as { config: Record<string, any> };
  edit(doc.config);
  return stringifyYaml(doc);
}

describe("platform plan: bad brake input is one line and exit 2", function () {
  this.timeout(120_000);

  const cases: [string, (c: Record<string, any>) => void, string][] = [
    ["a threshold of 0%", (c) => (c["platform:brake"].stages[0].percent = 0), "platform: Pulumi.bad.yaml: platform:brake.stages[0].percent must be an integer percentage from 1 to 1000 (got 0)"],
    ["a threshold of 1001%", (c) => (c["platform:brake"].stages[1].percent = 1001), "platform: Pulumi.bad.yaml: platform:brake.stages[1].percent must be an integer percentage from 1 to 1000 (got 1001)"],
    ["an action on Redshift in a stack without it", (c) => c["platform:brake"].stages[0].actions.push("redshift-deactivate"), "platform: Pulumi.bad.yaml: platform:brake.stages[0].actions[2] redshift-deactivate cannot be taken: the stack deploys no Redshift Serverless workgroup"],
    ["stop-ingestion the environment does not allow", (c) => (c["platform:brake"].allowStopIngestion = false), "platform: Pulumi.bad.yaml: platform:brake.stages[0].actions[1] stop-ingestion cannot be taken unless platform:brake.allowStopIngestion is true"],
  ];
  for (const [what, edit, line] of cases) {
    it(`${what}: exit 2, one line naming file, field, value and rule; dev still plans`, async () => {
      const dir = tempProject({ dev: devYaml(), bad: devWith(edit) });
      const r = await run(["plan", "--stack", "all", "--format", "json"], dir);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.ok(r.stderr.startsWith(line), r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      const json = JSON.parse(r.stdout) as { stacks: { stack: string }[] };
      assert.deepEqual(json.stacks.map((s) => s.stack), ["dev"]);
    });
  }

  it("a quota missing for the stack's region carries exit code 2 and one line, like every CostError", () => {
    const err = new QuotaMissingError("firehose.directPut.MiBps", "ap-south-2");
    assert.equal(err.exitCode, 2);
    assert.ok(!err.message.includes("\n"));
    assert.match(err.message, /^cost\/quotas\/quotas\.json: quota firehose\.directPut\.MiBps is missing for region ap-south-2/);
  });
});
