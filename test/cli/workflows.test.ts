import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse as parseYaml } from "yaml";
import { REPO } from "./helpers";

const read = (name: string) => fs.readFileSync(path.join(REPO, ".github", "workflows", name), "utf8");
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string };
type Job = { steps: Step[]; needs?: string | string[]; environment?: string; if?: string; permissions?: Record<string, string> };
const jobsOf = (text: string) => (parseYaml(text) as { jobs: Record<string, Job> }).jobs;
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");

describe("GitHub workflows", () => {
  for (const name of ["pull-request.yml", "deploy.yml"]) {
    it(`${name} is valid against the GitHub workflow schema (action-validator)`, () => {
      const state = validateWorkflow(read(name));
      assert.equal(state.actionType, "workflow");
      assert.deepEqual(state.errors, []);
    });
  }

  it("the validator does catch a broken workflow", () => {
    const broken = read("deploy.yml").replace("runs-on: ubuntu-latest", "runs-on: [1, {}]").replace("needs: verify", "neeeds: verify");
    assert.ok(validateWorkflow(broken).errors.length > 0);
  });

  describe("pull-request.yml", () => {
    const doc = parseYaml(read("pull-request.yml")) as { on: Record<string, unknown> };
    const jobs = jobsOf(read("pull-request.yml"));

    it("runs on pull requests: npm ci, npm test, then plan and diff into the job summary", () => {
      assert.ok("pull_request" in doc.on);
      const offline = runs(jobs["offline"]);
      const order = ["npm ci", "npm test", "plan --stack all --format markdown", "diff --base \"origin/$BASE_REF\" --format markdown"].map((s) => offline.indexOf(s));
      assert.ok(order.every((i) => i >= 0), order.join(","));
      assert.deepEqual([...order].sort((a, b) => a - b), order);
      assert.equal((offline.match(/GITHUB_STEP_SUMMARY/g) ?? []).length >= 2, true);
      assert.ok(jobs["offline"].steps.some((s) => s.env?.["BASE_REF"] === "${{ github.base_ref }}"));
      assert.equal((jobs["offline"].steps[0].with as { "fetch-depth": number })["fetch-depth"], 0);
    });

    it("fails the check on a mandatory violation after writing the summary", () => {
      const fail = jobs["offline"].steps.find((s) => s.if?.includes("steps.plan.outputs.exit-code"));
      assert.ok(fail?.run?.includes("exit 1"));
    });

    it("previews every stack with the policy pack only where AWS OIDC is configured", () => {
      const preview = jobs["preview"];
      assert.match(preview.if ?? "", /vars\.AWS_ROLE_ARN != ''/);
      assert.equal(preview.permissions?.["id-token"], "write");
      const aws = preview.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      assert.equal(aws?.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
      const pulumi = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
      assert.equal(pulumi?.with?.["command"], "preview");
      assert.equal(pulumi?.with?.["policyPacks"], "policies");
      // The pack reads each stack's guardrails from its stack file: no per-environment config to pass or keep in sync.
      assert.equal(pulumi?.with?.["policyPackConfigs"], undefined);
    });
  });

  describe("deploy.yml", () => {
    const doc = parseYaml(read("deploy.yml")) as { on: { push?: { branches?: string[] } } };
    const jobs = jobsOf(read("deploy.yml"));

    it("deploys on pushes to main: dev automatically, prod after the production environment's approval", () => {
      assert.deepEqual(doc.on.push?.branches, ["main"]);
      assert.equal(jobs["dev"].needs, "verify");
      assert.equal(jobs["prod"].needs, "dev");
      assert.equal(jobs["prod"].environment, "production");
      for (const [job, stack] of [["dev", "dev"], ["prod", "prod"]] as const) {
        const up = jobs[job].steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.equal(up?.with?.["command"], "up");
        assert.match(String(up?.with?.["stack-name"]), new RegExp(`'${stack}'`));
        assert.equal(up?.with?.["policyPackConfigs"], undefined);
        assert.ok(jobs[job].steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")));
      }
    });

    it("tests and plans before deploying anything", () => {
      const verify = runs(jobs["verify"]);
      assert.ok(verify.includes("npm test") && verify.includes("plan --stack all"));
    });
  });
});
