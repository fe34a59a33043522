/**
 * `platform synth` writes a `pulumi preview --json` document (Pulumi's
 * PreviewDigest, steps carrying apitype.ResourceV3 states), and `check
 * --preview` of it gives the verdicts and figures `plan` gives.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UNKNOWN } from "../../model/resources";
import { parsePreviewDocument } from "../../model/sources";
import { REPO, run, runJson, tempProject } from "./helpers";

const FIXTURE_ALL = path.join(REPO, "test", "fixtures", "stacks", "Pulumi.all.yaml");
const outFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "platform-synth-")), "preview.json");

async function synthThenCheck(stack: string, cwd: string) {
  const out = outFile();
  const synth = await run(["synth", "--stack", stack, "--out", out], cwd);
  assert.equal(synth.code, 0, synth.stderr);
  const doc = JSON.parse(fs.readFileSync(out, "utf8"));
  const check = await runJson(["check", "--preview", out], cwd);
  const plan = await runJson(["plan", "--stack", stack], cwd);
  return { doc, check: { code: check.code, stack: check.json.stacks[0] }, plan: { code: plan.code, stack: plan.json.stacks.find((s: any) => s.stack === stack) } };
}

const cents = (n: number) => Math.round(n * 100);

for (const [label, stack, cwd] of [
  ["dev", "dev", () => REPO],
  ["prod", "prod", () => REPO],
  ["the all-pipelines fixture", "all", () => tempProject({ all: fs.readFileSync(FIXTURE_ALL, "utf8") })],
] as const) {
  describe(`platform synth --stack ${label} | check --preview`, () => {
    let r: Awaited<ReturnType<typeof synthThenCheck>>;
    before(async () => {
      r = await synthThenCheck(stack, cwd());
    });

    it("gives plan's mandatory violations, policy verdicts and exit code", () => {
      const key = (v: any) => `${v.level} ${v.policy} ${v.urn} ${v.message}`;
      assert.deepEqual(r.check.stack.policy.violations.filter((v: any) => v.level === "mandatory").map(key), r.plan.stack.policy.violations.filter((v: any) => v.level === "mandatory").map(key));
      assert.deepEqual(r.check.stack.policy.violations.map(key), r.plan.stack.policy.violations.map(key));
      assert.equal(r.check.stack.mandatoryViolations, r.plan.stack.mandatoryViolations);
      assert.equal(r.check.code, r.plan.code);
    });

    it("gives plan's expected cost, ceiling, budget and per-resource prices", () => {
      const c = r.check.stack.cost;
      const p = r.plan.stack.cost;
      // Totals are sums in a different order (steps vs URNs): equal to the cent, items equal exactly.
      assert.equal(cents(c.expectedMonthlyUsd), cents(p.expectedMonthlyUsd));
      assert.equal(c.ceilingUnbounded, p.ceilingUnbounded);
      if (!p.ceilingUnbounded) assert.equal(cents(c.ceilingMonthlyUsd), cents(p.ceilingMonthlyUsd));
      assert.deepEqual([c.budgetMonthlyUsd, c.budgetSource], [p.budgetMonthlyUsd, p.budgetSource]);
      // An item's guaranteed ceiling may be a sum over its parts (the brake's share): equal to 1e-9, not bit for bit.
      const round = (i: any) => (typeof i.guaranteedCeilingMonthlyUsd === "number" ? { ...i, guaranteedCeilingMonthlyUsd: Math.round(i.guaranteedCeilingMonthlyUsd * 1e9) / 1e9 } : i);
      const items = (s: any) => [...s.cost.items].map(round).sort((a: any, b: any) => a.urn.localeCompare(b.urn) || a.label?.localeCompare(b.label));
      assert.deepEqual(items(r.check.stack), items(r.plan.stack));
      assert.deepEqual(c.unpriced, p.unpriced);
      assert.deepEqual(c.cannotPrice, p.cannotPrice);
    });

    it("holds the same resources as plan, plus the root stack", () => {
      const planned = r.plan.stack.resources.map((x: any) => `${x.urn} ${x.pipeline}`).sort();
      const checked = r.check.stack.resources.filter((x: any) => x.type !== "pulumi:pulumi:Stack").map((x: any) => `${x.urn} ${x.pipeline}`).sort();
      assert.deepEqual(checked, planned);
    });

    it("is a preview document as the engine writes it for a new stack", () => {
      const { doc } = r;
      assert.deepEqual(Object.keys(doc), ["config", "steps", "changeSummary"]);
      assert.deepEqual(doc.changeSummary, { create: doc.steps.length });
      const root = doc.steps[0];
      assert.equal(root.urn, `urn:pulumi:${stack}::retail-data-platform::pulumi:pulumi:Stack::retail-data-platform-${stack}`);
      const seen = new Set<string>();
      for (const step of doc.steps) {
        assert.equal(step.op, "create");
        assert.equal(step.detailedDiff, null);
        const s = step.newState;
        assert.equal(s.urn, step.urn);
        assert.equal(typeof s.custom, "boolean");
        assert.ok(!("id" in s) && !("outputs" in s), `${s.urn}: a create step's state has no id or outputs yet`);
        if (step !== root) assert.ok(seen.has(s.parent), `${s.urn}: parent ${s.parent} comes first`);
        for (const d of [...(s.dependencies ?? []), ...Object.values(s.propertyDependencies ?? {}).flat()]) assert.ok(seen.has(d as string), `${s.urn}: dependency ${d} comes first`);
        if (s.provider !== undefined) {
          assert.ok(s.provider.endsWith(`::${UNKNOWN}`), `${s.urn}: a provider not yet created has an unknown id`);
          assert.ok(seen.has(s.provider.slice(0, -UNKNOWN.length - 2)));
          assert.equal(step.provider, s.provider);
        }
        seen.add(s.urn);
      }
      assert.equal(doc.config["aws:region"], "eu-west-3");
    });

    it("carries property dependencies, which our reader keeps", () => {
      const resources = parsePreviewDocument(r.doc);
      const policies = resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy");
      assert.ok(policies.length > 0);
      for (const p of policies) assert.ok((p.propertyDependencies?.["role"] ?? []).some((u) => u.includes("aws:iam/role:Role::")), `${p.name}.role comes from its role`);
    });
  });
}

describe("platform synth: output and bad input", () => {
  it("writes the document to stdout without --out", async () => {
    const r = await run(["synth", "--stack", "dev"]);
    assert.equal(r.code, 0);
    assert.ok(JSON.parse(r.stdout).steps.length > 50);
  });

  const cases: [string, string[], () => string, RegExp][] = [
    ["an unknown stack", ["synth", "--stack", "qa"], () => REPO, /^platform: unknown stack qa \(stacks: dev, prod, or all\)$/],
    ["all, with two stacks", ["synth", "--stack", "all"], () => REPO, /^platform: synth writes one stack: name one of dev, prod$/],
    ["an invalid stack file", ["synth", "--stack", "bad"], () => tempProject({ bad: "config:\n  aws:region: Paris\n" }), /^platform: Pulumi\.bad\.yaml: .*aws:region/],
    ["no --stack", ["synth"], () => REPO, /^platform: required option '--stack <name>' not specified$/],
    ["an unwritable --out", ["synth", "--stack", "dev", "--out", "/nonexistent/dir/p.json"], () => REPO, /^platform: \/nonexistent\/dir\/p\.json: cannot be written \(ENOENT\)$/],
  ];
  for (const [label, args, cwd, message] of cases) {
    it(`${label}: one line, exit 2`, async () => {
      const r = await run(args, cwd());
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stdout, "");
    });
  }
});
