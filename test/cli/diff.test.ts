import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderDiff } from "../../cli/commands/diff";
import { diffLine } from "../../cli/lib/planDiff";
import { REPO, run, runJson } from "./helpers";

/** A throwaway clone of this repository's HEAD, with the working tree's node_modules linked in. */
function cloneRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-diff-test-"));
  execFileSync("git", ["clone", "--quiet", REPO, dir]);
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

describe("platform diff", function () {
  this.timeout(120_000);
  let clone: string;
  let result: { code: number; json: any; stderr: string };

  before(async () => {
    clone = cloneRepo();
    const prod = path.join(clone, "Pulumi.prod.yaml");
    fs.writeFileSync(prod, fs.readFileSync(prod, "utf8").replace("monthlyUsd: 2500", "monthlyUsd: 3000"));
    fs.copyFileSync(path.join(clone, "Pulumi.dev.yaml"), path.join(clone, "Pulumi.qa.yaml"));
    result = await runJson(["diff", "--base", "HEAD"], clone);
  });

  after(() => fs.rmSync(clone, { recursive: true, force: true }));

  it("plans every stack at the base ref and in the working tree", () => {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.base, "HEAD");
    assert.match(result.json.baseCommit, /^[0-9a-f]{40}$/);
    assert.deepEqual(result.json.stacks.map((s: any) => [s.stack, s.status]), [["dev", "unchanged"], ["prod", "changed"], ["qa", "added"]]);
  });

  it("reports the budget change of prod and the unchanged cost", () => {
    const prod = result.json.stacks.find((s: any) => s.stack === "prod");
    assert.equal(prod.base.budgetMonthlyUsd, 2500);
    assert.equal(prod.head.budgetMonthlyUsd, 3000);
    assert.equal(prod.delta.budgetMonthlyUsd, 500);
    assert.equal(prod.delta.expectedMonthlyUsd, 0);
    assert.deepEqual(prod.addedResources, []);
    assert.match(diffLine(prod), /^prod: expected unchanged at \$[\d,.]+\/month, ceiling unchanged at .*budget \+\$500\.00\/month to \$3,000\.00/);
  });

  it("prints one markdown line per stack for pull-request comments", () => {
    const md = renderDiff(result.json.stacks, "origin/main", result.json.baseCommit, "markdown");
    assert.match(md, /^### Cost and guardrail change against `origin\/main` \([0-9a-f]{12}\)\n\n- dev: no change\n- prod: /);
    assert.match(md, /\n- qa: new stack, expected \$[\d,.]+\/month, ceiling /);
  });

  it("always removes its temporary worktree", () => {
    const list = execFileSync("git", ["worktree", "list"], { cwd: clone, encoding: "utf8" }).trim().split("\n");
    assert.equal(list.length, 1, list.join("\n"));
  });

  it("rejects an unknown ref with one line and exit 2", async () => {
    const r = await run(["diff", "--base", "no-such-ref"], clone);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), "platform: unknown git ref no-such-ref");
  });

  it("needs --base", async () => {
    const r = await run(["diff"], clone);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /required option '--base <ref>' not specified/);
  });

  it("rejects a folder outside git with exit 2", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-nogit-"));
    const r = await run(["diff", "--base", "HEAD"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not inside a git repository$/);
  });
});
