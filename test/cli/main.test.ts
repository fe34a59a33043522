import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { commandModules } from "../../cli/main";
import { FIXTURES, REPO, run, runJson, tempFile } from "./helpers";

describe("platform (every command)", () => {
  for (const command of ["plan", "check", "diff", "compare", "diagram"]) {
    it(`${command} --help prints its usage and exits 0`, async () => {
      const r = await run([command, "--help"]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: platform ${command} \\[options\\]`));
    });
  }

  it("top-level --help lists every command", async () => {
    const r = await run(["--help"]);
    assert.equal(r.code, 0);
    for (const c of ["plan", "check", "diff", "compare", "diagram"]) assert.match(r.stdout, new RegExp(`\\n  ${c} `));
  });

  it("loads only the invoked command's module, and all of them otherwise", () => {
    assert.deepEqual(Object.keys(commandModules(["check", "--preview", "x"])), ["check"]);
    const all = Object.keys(commandModules(["--help"]));
    for (const c of ["plan", "check", "diff", "compare", "diagram"]) assert.ok(all.includes(c), all.join(","));
    assert.ok(Object.keys(commandModules(["no-such-command"])).length >= 5);
  });

  it("rejects an unknown command with one line and exit 2", async () => {
    const r = await run(["deploy"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), "platform: unknown command 'deploy'");
  });

  it("rejects an unknown command even with --help (and an unknown subcommand), printing no help", async () => {
    for (const [args, name] of [[["deploy", "--help"], "deploy"], [["cost", "nosuch", "--help"], "cost nosuch"], [["nosuch", "-h"], "nosuch"]] as const) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.equal(r.stderr.trim(), `platform: unknown command '${name}'`);
      assert.equal(r.stdout, "");
    }
    assert.equal((await run(["cost", "--help"])).code, 0);
    assert.equal((await run(["help"])).code, 0);
  });
});

describe("platform check: budget and policy config sources", () => {
  const preview = JSON.parse(fs.readFileSync(path.join(FIXTURES, "preview-staging.json"), "utf8"));

  it("without a Budget resource, --budget or a local stack file there is no budget, and no percentage", async () => {
    const noBudget = { ...preview, steps: preview.steps.filter((s: any) => !s.urn.includes("aws:budgets/budget:Budget")) };
    // In a folder with no stack files: whether the team has a Pulumi.staging.yaml must not matter.
    const r = await runJson(["check", "--preview", tempFile("p.json", JSON.stringify(noBudget))], fs.mkdtempSync(path.join(os.tmpdir(), "no-stacks-")));
    const s = r.json.stacks[0];
    assert.equal(s.cost.budgetMonthlyUsd, null);
    assert.equal(s.cost.budgetSource, null);
    assert.equal(s.cost.expectedPercentOfBudget, null);
  });

  it("uses the project's stack file (budget, workload, guardrails) when the env is one of ours", async () => {
    const r = await runJson(["check", "--preview", path.join(FIXTURES, "preview-staging.json"), "--env", "prod"]);
    const s = r.json.stacks[0];
    assert.equal(s.stack, "prod");
    assert.equal(s.region, "eu-west-1", "the document's provider region still wins over the stack file's");
    assert.equal(s.cost.budgetSource, "budget-resource");
    assert.equal(s.policy.guardrails.summary, "Pulumi.prod.yaml, production tier");
  });

  it("rejects a policy config that is not JSON with one line and exit 2", async () => {
    const r = await run(["check", "--preview", path.join(FIXTURES, "preview-staging.json"), "--policy-config", tempFile("policy.json", "{ not json")]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /policy\.json: is not valid JSON/);
    assert.ok(REPO);
  });
});
