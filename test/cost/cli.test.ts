/**
 * `platform cost resource`, in process through main() and a memory io.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { memoryIo } from "../../cli/io";
import { main } from "../../cli/main";

async function run(args: string[]) {
  const io = memoryIo();
  const code = await main(["cost", "resource", ...args], io);
  return { code, out: io.stdout.join(""), err: io.stderr.join("") };
}

describe("cli: platform cost resource", () => {
  it("prints monthlyUsd and the priced lines as JSON, region us-east-1 by default", async () => {
    const { code, out, err } = await run(["--type", "aws:lambda/function:Function", "--props", '{"memorySize":512,"architectures":["arm64"]}', "--usage", '{"monthly_requests":3000000,"request_duration_ms":1000}']);
    assert.equal(code, 0, err);
    const doc = JSON.parse(out) as { monthlyUsd: number; lines: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ["monthlyUsd", "lines"]);
    assert.deepEqual(Object.keys(doc.lines[0]), ["component", "quantity", "unit", "unitPriceUsd", "monthlyUsd"]);
    assert.deepEqual(doc.lines.map((l) => l.component), ["Requests", "Duration (arm64)"]);
    assert.equal(doc.monthlyUsd, 0.6 + 1_500_000 * 0.0000133334);
  });

  it("--region picks the region's prices", async () => {
    const us = JSON.parse((await run(["--type", "aws:s3/bucket:Bucket", "--usage", '{"standard.storage_gb":100}'])).out) as { monthlyUsd: number };
    const paris = JSON.parse((await run(["--type", "aws:s3/bucket:Bucket", "--usage", '{"standard.storage_gb":100}', "--region", "eu-west-3"])).out) as { monthlyUsd: number };
    assert.equal(us.monthlyUsd, 2.3);
    assert.equal(paris.monthlyUsd, 2.4);
  });

  const bad: [string, string[], RegExp][] = [
    ["a bad type token", ["--type", "lambda"], /type "lambda" is not a Pulumi type token/],
    ["a type with no estimator", ["--type", "aws:ec2/instance:Instance"], /has no estimator/],
    ["invalid JSON props", ["--type", "aws:lambda/function:Function", "--props", "{memorySize:"], /--props is not valid JSON/],
    ["invalid JSON usage", ["--type", "aws:lambda/function:Function", "--usage", "[1"], /--usage is not valid JSON/],
    ["a JSON array as usage", ["--type", "aws:lambda/function:Function", "--usage", "[1]"], /--usage must be a JSON object/],
    ["an unknown usage key", ["--type", "aws:lambda/function:Function", "--usage", '{"requests":1}'], /usage key "requests" is not known for aws:lambda\/function:Function/],
    ["an unknown region", ["--type", "aws:kms/key:Key", "--region", "ap-south-1"], /region ap-south-1 is not in the price catalogue/],
  ];
  for (const [what, args, message] of bad) {
    it(`${what}: one line on stderr, exit 2`, async () => {
      const { code, out, err } = await run(args);
      assert.equal(code, 2);
      assert.equal(out, "");
      assert.equal(err.trim().split("\n").length, 1, err);
      assert.match(err, message);
    });
  }

  it("the binary shows help for `cost resource --help`", () => {
    const bin = path.join(__dirname, "..", "..", "cli", "bin", "platform.js");
    const r = spawnSync(process.execPath, [bin, "cost", "resource", "--help"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /--type <token>/);
    assert.match(r.stdout, /--usage <json>/);
  });
});
