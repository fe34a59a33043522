import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FIXTURES, REPO, run, runJson, tempFile } from "./helpers";

const PREVIEW = path.join(FIXTURES, "preview-staging.json");
const STATE = path.join(FIXTURES, "state-staging.json");
/** The fixtures are of a stack "staging": read them where no stack file can match, whatever stack files the repository has. */
const NO_STACKS = fs.mkdtempSync(path.join(os.tmpdir(), "no-stacks-"));

describe("platform check", () => {
  it("reads a preview of any AWS stack: env from the URNs, region from the aws provider, budget from its Budget resource", async () => {
    const r = await runJson(["check", "--preview", PREVIEW], NO_STACKS);
    const [s] = r.json.stacks;
    assert.equal(s.stack, "staging");
    assert.equal(s.region, "eu-west-1");
    assert.equal(s.cost.budgetMonthlyUsd, 300);
    assert.equal(s.cost.budgetSource, "budget-resource");
    assert.equal(r.code, s.policy.violations.some((v: any) => v.level === "mandatory") ? 1 : 0);
  });

  it("drops delete steps and keeps resources whose inputs are unknown", async () => {
    const { json } = await runJson(["check", "--preview", PREVIEW]);
    const names = json.stacks[0].resources.map((r: any) => r.name);
    assert.ok(!names.includes("legacy-queue"));
    assert.ok(names.includes("orders") && names.includes("enrich") && names.includes("raw"));
    assert.equal(json.stacks[0].resources.find((r: any) => r.name === "orders").pipeline, "ingest");
  });

  it("reports unknown preview values as cannotPrice or cannotVerify, never as a silent price", async () => {
    const { json } = await runJson(["check", "--preview", PREVIEW]);
    const s = json.stacks[0];
    const stream = "urn:pulumi:staging::shop-analytics::acme:ingest:Ingest$aws:kinesis/stream:Stream::orders";
    assert.ok(s.cost.cannotPrice.some((x: any) => x.urn === stream), "the stream's shard count is unknown: it cannot be priced");
    assert.ok(!s.cost.items.some((x: any) => x.urn === stream), "and it has no (made-up) price");
    assert.ok(s.policy.cannotVerify.some((x: any) => x.urn === stream), "and the policies say what they cannot verify");
  });

  it("flags: --env with --strict-defaults, --budget; the document's provider region wins over --region", async () => {
    const { json } = await runJson(["check", "--preview", PREVIEW, "--env", "qa-" + process.pid, "--strict-defaults", "--budget", "42.5", "--region", "us-east-1"]);
    const s = json.stacks[0];
    assert.equal(s.stack, `qa-${process.pid}`);
    assert.equal(s.region, "eu-west-1");
    assert.equal(s.cost.budgetMonthlyUsd, 42.5);
    assert.equal(s.cost.budgetSource, "override");
    assert.match(s.policy.guardrails.summary, /^strict defaults \(no Pulumi\.qa-\d+\.yaml\): production tier/);
  });

  it("an --env that names no stack file is an error, unless --strict-defaults", async () => {
    const r = await run(["check", "--preview", PREVIEW, "--env", `nope-${process.pid}`]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /--env nope-\d+: no Pulumi\.nope-\d+\.yaml here; name a stack file, or pass --strict-defaults/);
  });

  it("takes the region from the preview's config when it has no provider step, then --region", async () => {
    const doc = JSON.parse(fs.readFileSync(PREVIEW, "utf8"));
    const noProvider = { ...doc, config: { "aws:region": "us-east-1" }, steps: doc.steps.filter((st: any) => !st.urn.includes("pulumi:providers:aws")) };
    const fromConfig = await runJson(["check", "--preview", tempFile("us.json", JSON.stringify(noProvider)), "--region", "eu-west-3"], NO_STACKS);
    assert.equal(fromConfig.json.stacks[0].region, "us-east-1", "the document's config wins over --region");
    const bare = { ...noProvider, config: {} };
    const fromFlag = await runJson(["check", "--preview", tempFile("bare.json", JSON.stringify(bare)), "--region", "eu-west-3"], NO_STACKS);
    assert.equal(fromFlag.json.stacks[0].region, "eu-west-3");
  });

  it("says which guardrails it applied: a stack with no stack file gets the strict defaults", async () => {
    // A folder with no stack files: the result cannot depend on which stack files a team adds.
    const r = await run(["check", "--preview", PREVIEW], NO_STACKS);
    assert.match(r.stdout, /policy verdicts \(guardrails: strict defaults \(no Pulumi\.staging\.yaml\): production tier, the retail-guardrails pack's default limits\):/);
  });

  it("reads a stack export and drops resources pending deletion", async () => {
    const { json } = await runJson(["check", "--state", STATE], NO_STACKS);
    const s = json.stacks[0];
    assert.equal(s.stack, "staging");
    assert.equal(s.region, "eu-west-1");
    assert.ok(!s.resources.some((r: any) => r.name === "legacy-queue"));
    assert.equal(s.resources.length, 8);
  });

  it("reads the preview from stdin with -", async () => {
    const r = await run(["check", "--preview", "-", "--format", "json"], NO_STACKS, fs.readFileSync(PREVIEW, "utf8"));
    assert.equal(JSON.parse(r.stdout).stacks[0].stack, "staging");
  });

  it("prints the same table as plan", async () => {
    const r = await run(["check", "--preview", PREVIEW], NO_STACKS);
    assert.match(r.stdout, /^stack staging \(eu-west-1\): 8 resources, (PASS|FAIL)/);
    assert.match(r.stdout, /budget \$300\.00 \(the stack's AWS Budget\)/);
  });

  describe("bad input: one line on stderr, exit 2", () => {
    const cases: [string, string[], RegExp][] = [
      ["a missing file", ["check", "--preview", "/nonexistent/preview.json"], /^platform: \/nonexistent\/preview\.json: cannot be read \(no such file\)$/],
      ["a directory", ["check", "--state", FIXTURES], /: cannot be read \(is a directory\)$/],
      ["not JSON", ["check", "--preview", tempFile("p.json", "steps: []\n")], /p\.json: is not valid JSON: /],
      ["a truncated document", ["check", "--preview", tempFile("p.json", fs.readFileSync(PREVIEW, "utf8").slice(0, 700))], /p\.json: is not valid JSON \(the document is truncated\)$/],
      ["an empty file", ["check", "--state", tempFile("s.json", "")], /s\.json: is empty/],
      ["a preview of the wrong shape", ["check", "--preview", tempFile("p.json", JSON.stringify({ steps: [{ op: "create" }] }))], /p\.json: /],
      ["a JSON array as a preview", ["check", "--preview", tempFile("p.json", "[]")], /p\.json: is a JSON array, not a `pulumi preview --json` document \(an object with "steps"\)$/],
      ["JSON null as a stack export", ["check", "--state", tempFile("s.json", "null")], /s\.json: is JSON null, not a `pulumi stack export` document \(an object with "deployment"\)$/],
      ["a step that is not an object", ["check", "--preview", tempFile("p.json", '{"steps":[5]}')], /p\.json: steps\[0\] must be an object \(a step\)$/],
      ["a stack export given as a preview", ["check", "--preview", STATE], /state-staging\.json: is a `pulumi stack export` document: pass it with --state$/],
      ["a preview given as a stack export", ["check", "--state", PREVIEW], /preview-staging\.json: is a `pulumi preview --json` document: pass it with --preview$/],
      ["neither --preview nor --state", ["check"], /^platform: check needs --preview <file\|-> or --state <file>$/],
      ["both --preview and --state", ["check", "--preview", PREVIEW, "--state", STATE], /cannot be used with/],
      ["a bad --budget", ["check", "--preview", PREVIEW, "--budget", "-3"], /--budget <usd>.*must be a positive number of USD/],
      ["a bad --region", ["check", "--preview", PREVIEW, "--region", "Paris"], /must be an AWS region name/],
      ["an unknown flag", ["check", "--preveiw", PREVIEW], /unknown option '--preveiw'/],
      ["a missing --policy-config", ["check", "--preview", PREVIEW, "--policy-config", "/nonexistent/p.json"], /\/nonexistent\/p\.json: cannot be read|policy pack/],
    ];
    for (const [what, args, expected] of cases) {
      it(what, async () => {
        const r = await run(args);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(r.stderr.trim(), expected);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      });
    }
  });

  it("the binary: bad input gives exit 2 and one stderr line without a stack trace", () => {
    const p = spawnSync(process.execPath, [path.join(REPO, "cli", "bin", "platform.js"), "check", "--preview", tempFile("t.json", '{"steps": [')], { cwd: REPO, encoding: "utf8" });
    assert.equal(p.status, 2);
    assert.equal(p.stdout, "");
    assert.match(p.stderr, /^platform: .*t\.json: is not valid JSON \(the document is truncated\)\n$/);
  });

  it("the binary: an unknown command gives exit 2", () => {
    const p = spawnSync(process.execPath, [path.join(REPO, "cli", "bin", "platform.js"), "deploy"], { cwd: REPO, encoding: "utf8" });
    assert.equal(p.status, 2);
    assert.equal(p.stderr.trim().split("\n").length, 1);
    assert.match(p.stderr, /^platform: unknown command 'deploy'/);
  });
});

describe("platform check on the 500-resource bench preview", () => {
  it("keeps 500 resources (deletes dropped) and prices them, flagging the unknown inputs", async () => {
    const { json } = await runJson(["check", "--preview", path.join(FIXTURES, "preview-500.json")]);
    const s = json.stacks[0];
    assert.equal(s.resources.length, 500);
    assert.ok(!s.resources.some((r: any) => r.name.startsWith("retired-")));
    assert.equal(s.stack, "prod");
    assert.equal(s.cost.budgetMonthlyUsd, 2500);
    assert.ok(s.cost.items.length > 100);
    assert.ok(s.cost.cannotPrice.length > 0, "some inputs are unknown");
  });
});
