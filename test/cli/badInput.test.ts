/**
 * Every command x every class of bad input it can receive: empty, truncated,
 * wrong shape, wrong type, out of range, huge, binary, stdin closed (and a
 * missing file). Each pair must answer with exactly one line on stderr starting
 * `platform: `, exit 2, no stack trace, nothing on stdout and no file written.
 * The CLI runs in process (main() with a memory io): spawning it costs seconds a
 * time on our 2-core machine, so the binary itself is checked once, for a truly
 * closed stdin. A class that a command cannot receive (a flag-only command has
 * no stdin) is left out of its table, with the reason beside the table.
 * Then the large valid inputs: a 10,000-resource preview checked in bounded memory
 * (the 100 MB transaction file is test/functions/local/inputLines.test.ts).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FIXTURES, REPO, devYaml, run, tempProject } from "./helpers";

type InputClass = "empty" | "truncated" | "wrong shape" | "wrong type" | "out of range" | "huge" | "binary" | "stdin closed" | "missing";

/** What a pair runs: argv (with the bad input's file or text in it) and maybe a stdin. */
interface Pair {
  readonly args: readonly string[];
  readonly stdin?: () => string;
  readonly cwd?: string;
  /** A file the command would write, which must not exist afterwards. */
  readonly writes?: string;
  /** The one line must match this (besides the `platform: ` prefix). */
  readonly says?: RegExp;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
let n = 0;
/** A fresh file holding `content`. */
const file = (content: string | Buffer, ext = "json") => {
  const p = path.join(tmp, `in-${n++}.${ext}`);
  fs.writeFileSync(p, content);
  return p;
};
const missing = () => path.join(tmp, `missing-${n++}.json`);

const PREVIEW = fs.readFileSync(path.join(FIXTURES, "preview-staging.json"), "utf8");
const STATE = fs.readFileSync(path.join(FIXTURES, "state-staging.json"), "utf8");
/** Bytes that are not UTF-8 text: every byte value, NUL included. */
const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
/** JSON nested 100,000 levels deep (a recursive reader would overflow its stack). */
const deepJson = (depth = 100_000) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
/** A resource whose inputs nest 100,000 levels. */
const deepPreview = () => JSON.stringify({ steps: [{ op: "create", urn: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", newState: { urn: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", custom: true, inputs: {} } }] }).replace('"inputs":{}', `"inputs":${deepJson()}`);
const closedStdin = () => {
  throw Object.assign(new Error("EBADF: bad file descriptor, read"), { code: "EBADF" });
};
/** A YAML "billion laughs": nine levels of aliases, 387 million nodes if expanded. */
const ALIAS_BOMB = ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefgh".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]`)].join("\n");

const STACK_LINE = /^Pulumi\.bad\.yaml: /;
/** A project holding one bad stack file, Pulumi.bad.yaml. */
const badStack = (text: string | Buffer) => tempProject({ bad: text as string });
const devWith = (from: string, to: string) => {
  assert.ok(devYaml().includes(from), from);
  return devYaml().replace(from, to);
};

/** The tables: per command, a pair per class of input it can receive. */
const TABLES: Record<string, Partial<Record<InputClass, () => Pair>>> = {
  "check --preview FILE": {
    empty: () => ({ args: ["check", "--preview", file("")], says: /is empty/ }),
    truncated: () => ({ args: ["check", "--preview", file(PREVIEW.slice(0, PREVIEW.length / 2))], says: /the document is truncated/ }),
    "wrong shape": () => ({ args: ["check", "--preview", file("[]")], says: /is a JSON array, not a `pulumi preview --json` document/ }),
    "wrong type": () => ({ args: ["check", "--preview", file('{"steps":"all of them"}')], says: /steps must be a list of steps/ }),
    "out of range": () => ({ args: ["check", "--preview", file('{"steps":[{"op":"create","urn":"urn:pulumi:too-short"}]}')], says: /steps\[0\]\.urn must be a URN/ }),
    huge: () => ({ args: ["check", "--preview", file(deepPreview())], says: /steps\[0\]\.newState\.inputs nests deeper than 200 levels/ }),
    binary: () => ({ args: ["check", "--preview", file(BINARY)], says: /is not UTF-8 text/ }),
    missing: () => ({ args: ["check", "--preview", missing()], says: /cannot be read \(no such file\)$/ }),
  },
  "check --preview - (stdin)": {
    empty: () => ({ args: ["check", "--preview", "-"], stdin: () => "", says: /^stdin: is empty/ }),
    truncated: () => ({ args: ["check", "--preview", "-"], stdin: () => PREVIEW.slice(0, 900), says: /^stdin: is not valid JSON \(the document is truncated\)$/ }),
    "wrong shape": () => ({ args: ["check", "--preview", "-"], stdin: () => STATE, says: /^stdin: is a `pulumi stack export` document: pass it with --state$/ }),
    "wrong type": () => ({ args: ["check", "--preview", "-"], stdin: () => "42", says: /^stdin: is a JSON number/ }),
    huge: () => ({ args: ["check", "--preview", "-"], stdin: deepPreview, says: /nests deeper than 200 levels/ }),
    "stdin closed": () => ({ args: ["check", "--preview", "-"], stdin: closedStdin, says: /^stdin: cannot be read \(closed\)$/ }),
  },
  "check --state FILE": {
    empty: () => ({ args: ["check", "--state", file("  \n")], says: /is empty/ }),
    truncated: () => ({ args: ["check", "--state", file(STATE.slice(0, 400))], says: /is not valid JSON/ }),
    "wrong shape": () => ({ args: ["check", "--state", file("null")], says: /is JSON null, not a `pulumi stack export` document/ }),
    "wrong type": () => ({ args: ["check", "--state", file('{"deployment":{"resources":{}}}')], says: /deployment\.resources must be a list of resources/ }),
    "out of range": () => ({ args: ["check", "--state", file('{"deployment":{"resources":[{"urn":"urn:pulumi:s::p::aws:s3/bucket:Bucket::b","type":""}]}}')], says: /deployment\.resources\[0\]\.type must be a type token/ }),
    huge: () => ({ args: ["check", "--state", file(`{"deployment":{"resources":[{"urn":"urn:pulumi:s::p::aws:s3/bucket:Bucket::b","type":"aws:s3/bucket:Bucket","outputs":${deepJson()}}]}}`)], says: /deployment\.resources\[0\]\.outputs nests deeper than 200 levels/ }),
    binary: () => ({ args: ["check", "--state", file(BINARY)], says: /is not UTF-8 text/ }),
    missing: () => ({ args: ["check", "--state", missing()], says: /cannot be read \(no such file\)$/ }),
  },
  "check --policy-config FILE": {
    empty: () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", file("")], says: /is empty/ }),
    truncated: () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", file('{"s3-versioning": ')], says: /is not valid JSON/ }),
    "wrong shape": () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", file("[]")], says: /must be a JSON object of policy names/ }),
    "wrong type": () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", file('{"s3-versioning": 5}')], says: /s3-versioning must be an enforcement level or an object of options/ }),
    "out of range": () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", file('{"s3-versioning": "sometimes"}')], says: /s3-versioning/ }),
    huge: () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", file(`{"s3-versioning": ${deepJson(20_000)}}`)], says: /nests too deep to be a policy pack config$/ }),
    binary: () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", file(BINARY)], says: /is not UTF-8 text/ }),
    missing: () => ({ args: ["check", "--preview", file(PREVIEW), "--policy-config", missing()], says: /cannot be read \(no such file\)$/ }),
  },
  "check flags": {
    "wrong type": () => ({ args: ["check", "--preview", file(PREVIEW), "--budget", "lots"], says: /--budget <usd>.*must be a positive number of USD/ }),
    "out of range": () => ({ args: ["check", "--preview", file(PREVIEW), "--budget", "-3"], says: /must be a positive number of USD/ }),
  },
  "compare --workload FILE": {
    empty: () => ({ args: ["compare", "--workload", file("", "yaml")], says: /must be a map with the workload's fields \(got nothing\)/ }),
    truncated: () => ({ args: ["compare", "--workload", file("workload:\n  averageTps: [1,", "yaml")], says: /is not valid YAML or JSON/ }),
    "wrong shape": () => ({ args: ["compare", "--workload", file("- 1\n- 2\n", "yaml")], says: /must be a map with the workload's fields \(got a list\)/ }),
    "wrong type": () => ({ args: ["compare", "--workload", file("averageTps: fast\n", "yaml")], says: /averageTps must be a positive number \(got "fast"\)/ }),
    "out of range": () => ({ args: ["compare", "--workload", file("averageTps: -5\n", "yaml")], says: /averageTps must be a positive number \(got -5\)/ }),
    huge: () => ({ args: ["compare", "--workload", file(ALIAS_BOMB, "yaml")], says: /is not valid YAML or JSON/ }),
    binary: () => ({ args: ["compare", "--workload", file(BINARY, "yaml")], says: /is not UTF-8 text/ }),
    missing: () => ({ args: ["compare", "--workload", missing()], says: /cannot be read \(no such file\)$/ }),
  },
  // The stack file is what plan, diagram and local read; stdin is not an input of theirs.
  "plan (a stack file)": {
    empty: () => ({ args: ["plan"], cwd: badStack(""), says: STACK_LINE }),
    truncated: () => ({ args: ["plan"], cwd: badStack(devYaml().slice(0, devYaml().indexOf("platform:limits") + 30).replace(/\s+$/, ": [")), says: STACK_LINE }),
    "wrong shape": () => ({ args: ["plan"], cwd: badStack("- config\n- dev\n"), says: STACK_LINE }),
    "wrong type": () => ({ args: ["plan"], cwd: badStack(devWith("monthlyUsd: 150", "monthlyUsd: lots")), says: /platform:budget\.monthlyUsd must be a positive number \(got "lots"\)/ }),
    "out of range": () => ({ args: ["plan"], cwd: badStack(devWith("batchSize: ", "batchSize: 20000 #")), says: /platform:limits\.lambda\.batchSize must be an integer from 1 to 10000 \(got 20000\)/ }),
    huge: () => ({ args: ["plan"], cwd: badStack(devWith("platform:salesRegions:", `platform:salesRegions: [${Array.from({ length: 700_000 }, (_, i) => `R${i}`).join(", ")}]\n  platform:unusedRegions:`)), says: /platform:salesRegions must list at most 50 sales regions/ }),
    binary: () => ({ args: ["plan"], cwd: badStack(BINARY), says: /Pulumi\.bad\.yaml: is not UTF-8 text/ }),
  },
  "diagram --stack NAME": {
    "wrong type": () => ({ args: ["diagram", "--stack", "bad"], cwd: badStack(devWith("maxShards: 1", "maxShards: one")), says: /platform:limits\.kinesis\.maxShards must be an integer/ }),
    "out of range": () => ({ args: ["diagram", "--stack", "bad"], cwd: badStack(devWith("monthlyUsd: 150", "monthlyUsd: -5")), says: /platform:budget\.monthlyUsd must be a positive number \(got -5\)/ }),
    missing: () => ({ args: ["diagram", "--stack", "nope"], cwd: badStack(devYaml()), says: /^unknown stack nope \(stacks: bad, or all\)$/ }),
  },
  "cost resource --props JSON": {
    empty: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--props", ""], says: /--props is not valid JSON/ }),
    truncated: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--props", '{"memorySize":'], says: /--props is not valid JSON/ }),
    "wrong shape": () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--props", "[512]"], says: /--props must be a JSON object/ }),
    "wrong type": () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--props", '{"memorySize":"big"}'], says: /prop "memorySize" .* must be an integer from 128 to 10240 \(got "big"/ }),
    "out of range": () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--props", '{"memorySize":-512}'], says: /prop "memorySize" .* must be an integer from 128 to 10240 \(got -512;/ }),
    huge: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--props", '{"memorySize":1e400}'], says: /prop "memorySize" .* must be an integer from 128 to 10240 \(got Infinity;/ }),
    binary: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--props", BINARY.toString("latin1")], says: /--props is not valid JSON \(got "/ }),
  },
  "cost resource --usage JSON": {
    empty: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--usage", ""], says: /--usage is not valid JSON/ }),
    truncated: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--usage", '{"monthly_requests":'], says: /--usage is not valid JSON/ }),
    "wrong shape": () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--usage", '"3000000"'], says: /--usage must be a JSON object/ }),
    "wrong type": () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--usage", '{"monthly_requests":"many"}'], says: /usage key "monthly_requests" must be a number of zero or more \(got "many"\)/ }),
    "out of range": () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--usage", '{"monthly_requests":-1}'], says: /\(got -1\)/ }),
    huge: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--usage", '{"monthly_requests":1e400}'], says: /\(got Infinity\)/ }),
    binary: () => ({ args: ["cost", "resource", "--type", "aws:lambda/function:Function", "--usage", BINARY.toString("latin1")], says: /--usage is not valid JSON/ }),
  },
  // Inside the file, every line is a record: a truncated, binary or huge line is rejected and counted, the run goes
  // on (test/functions/local/pipeline.e2e.test.ts). Only the file itself and the flags can be bad input here.
  "local --input FILE": {
    empty: () => ({ args: ["local", "--input", file("\n\n", "ndjson"), "--export", path.join(tmp, `x-${n++}.json`)], writes: path.join(tmp, `x-${n - 1}.json`), says: /has no records/ }),
    "wrong shape": () => ({ args: ["local", "--input", tmp], says: /cannot be read \(is a directory\)$/ }),
    "wrong type": () => ({ args: ["local", "--rate", "fast"], says: /--rate must be a number above 0 \(got "fast"\)/ }),
    "out of range": () => ({ args: ["local", "--seed", "-1"], says: /--seed must be a whole number/ }),
    missing: () => ({ args: ["local", "--input", missing()], says: /cannot be read \(no such file\)$/ }),
  },
  "failed-batches|quarantine --outputs FILE|-": {
    empty: () => ({ args: ["failed-batches", "list", "--stack", "dev", "--outputs", file("")], says: /is empty/ }),
    truncated: () => ({ args: ["quarantine", "list", "--stack", "dev", "--outputs", file('{"outputs": {')], says: /is not valid JSON/ }),
    "wrong shape": () => ({ args: ["quarantine", "list", "--stack", "dev", "--outputs", file("[1, 2]")], says: /must be a JSON object/ }),
    "wrong type": () => ({ args: ["failed-batches", "list", "--stack", "dev", "--outputs", file('{"realtime.streamName": 5}')], says: /outputs\.realtime\.streamName must be a non-empty string/ }),
    huge: () => ({ args: ["failed-batches", "list", "--stack", "dev", "--outputs", file(deepJson())], says: /must be a non-empty string|not valid JSON/ }),
    binary: () => ({ args: ["quarantine", "list", "--stack", "dev", "--outputs", file(BINARY)], says: /is not UTF-8 text/ }),
    "stdin closed": () => ({ args: ["failed-batches", "list", "--stack", "dev"], stdin: closedStdin, says: /^stdin: cannot be read \(closed\)$/ }),
    missing: () => ({ args: ["quarantine", "list", "--stack", "dev", "--outputs", missing()], says: /cannot be read \(no such file\)$/ }),
  },
  "query --history DIR --sql": {
    "wrong type": () => ({ args: ["query", "--history", file("not a folder"), "--sql", "SELECT 1"], says: /--history/ }),
    missing: () => ({ args: ["query", "--history", path.join(tmp, "no-such-dir"), "--sql", "SELECT 1"], says: /--history .*directory not found/ }),
  },
  "diff --base REF": {
    "wrong type": () => ({ args: ["diff", "--base", "no-such-ref-for-this-test"], says: /unknown git ref/ }),
  },
  "any command": {
    "wrong shape": () => ({ args: ["deploy", "--help"], says: /^unknown command 'deploy'$/ }),
    "wrong type": () => ({ args: ["plan", "--format", "yaml"], says: /argument 'yaml' is invalid/ }),
  },
};

const pairs = Object.entries(TABLES).flatMap(([command, inputs]) => Object.entries(inputs).map(([what, make]) => ({ command, what, make: make })));

describe("bad input: every command x every class of input, one line, exit 2, nothing written", function () {
  this.timeout(120_000);
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it(`covers ${pairs.length} (command, input) pairs over ${Object.keys(TABLES).length} commands`, () => {
    assert.ok(pairs.length >= 80, String(pairs.length));
    const classes = new Set(pairs.map((p) => p.what));
    for (const c of ["empty", "truncated", "wrong shape", "wrong type", "out of range", "huge", "binary", "stdin closed", "missing"]) assert.ok(classes.has(c), c);
  });

  for (const { command, what, make } of pairs) {
    it(`${command}: ${what}`, async () => {
      // prepare
      const pair = make();
      // act
      const r = await run(pair.args, pair.cwd ?? REPO, pair.stdin);
      // assess
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      const lines = r.stderr.split("\n").filter((l) => l !== "");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^platform: \S/);
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
      // eslint-disable-next-line no-control-regex -- looking for raw control bytes is the point
      assert.doesNotMatch(lines[0], /[\u0000-\u0008\u000e-\u001f\ufffd]/u, "no raw bytes on the terminal");
      if (pair.says) assert.match(lines[0].replace(/^platform: /, ""), pair.says);
      assert.equal(r.stdout, "", "nothing on stdout");
      if (pair.writes) assert.ok(!fs.existsSync(pair.writes), `${pair.writes} was written`);
    });
  }

  it("the binary with fd 0 really closed: one line and exit 2 (Node reopens a closed fd 0 on /dev/null, so it reads as empty)", () => {
    const bin = path.join(REPO, "cli", "bin", "platform.js");
    const p = spawnSync("/bin/sh", ["-c", `exec "${process.execPath}" "${bin}" check --preview - <&-`], { cwd: tmp, encoding: "utf8" });
    assert.equal(p.status, 2, p.stderr);
    assert.equal(p.stdout, "");
    assert.match(p.stderr, /^platform: stdin: (is empty \(expected a JSON document\)|cannot be read \(closed\))\n$/);
  });
});
