import { strict as assert } from "node:assert";
import { PIPELINES } from "../../components/registry";
import { PIPELINE_KINDS, PipelineKind } from "../../environments";
import { BRIEF_NEEDS, Candidate, recommend } from "../../cli/lib/recommend";
import { run, runJson, tempFile } from "./helpers";

const DEV_WORKLOAD = `# dev's workload, as in Pulumi.dev.yaml
averageTps: 5
peakTps: 50
peakHoursPerDay: 1
averageRecordBytes: 900
itemsPerTransaction: 2.5
hotRetentionDays: 2
historyRetentionDays: 30
queriesPerDay: 20
scannedGbPerQuery: 0.2
dashboardUsers: 0
`;

describe("platform compare", () => {
  let result: { code: number; json: any; stderr: string };
  before(async () => {
    result = await runJson(["compare"]);
  });

  it("sets the four pipelines side by side on dev's workload", () => {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.workloadSource, "Pulumi.dev.yaml");
    assert.equal(result.json.workload.averageTps, 5);
    assert.deepEqual(result.json.pipelines.map((p: any) => p.kind), [...PIPELINE_KINDS]);
    for (const p of result.json.pipelines) {
      assert.equal(p.available, true, `${p.kind}: ${p.reason ?? ""}`);
      assert.ok(["real-time", "near-real-time", "batch"].includes(p.latencyClass));
      assert.ok(p.stages.length >= 5 && p.stages.every((s: any) => typeof s.service === "string" && s.service !== ""));
      assert.equal(typeof p.expectedMonthlyUsd, "number");
      assert.ok(p.resourceCount > 0, `${p.kind} has its own resources`);
      assert.ok(p.stackExpectedMonthlyUsd >= p.expectedMonthlyUsd);
    }
  });

  it("recommends the real-time pipeline for the retailer's needs, and says why", () => {
    assert.deepEqual(result.json.needs, BRIEF_NEEDS);
    assert.equal(result.json.needsSource, "assumed");
    assert.equal(result.json.recommendation.kind, "realtime");
    assert.match(result.json.recommendation.reasons.join("; "), /real-time latency matches answers within seconds/);
  });

  it("reads a workload file with needs (YAML), and recommends by them", async () => {
    const file = tempFile("w.yaml", `workload:\n${DEV_WORKLOAD.split("\n").slice(1).map((l) => (l ? `  ${l}` : l)).join("\n")}needs:\n  latency: hours\n  sources: files\n  analysis: adhoc\n`);
    const r = await runJson(["compare", "--workload", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.needsSource, "file");
    const realtime = r.json.pipelines.find((p: any) => p.kind === "realtime");
    assert.equal(realtime.fit.excluded, false, "faster than needed is never ruled out");
    assert.equal(r.json.recommendation.kind, "datalake");
    assert.match(r.json.recommendation.reasons.join("; "), /ad hoc SQL exploration/);
  });

  it("prints a side-by-side Markdown table and the recommendation", async () => {
    const r = await run(["compare", "--format", "markdown"]);
    assert.match(r.stdout, /\| {2}\| realtime \| datalake \| streaming-warehouse \| batch-etl \|/);
    assert.match(r.stdout, /\| acquire \| Amazon Kinesis Data Streams \|/);
    assert.match(r.stdout, /\*\*Recommendation\*\*: realtime: /);
  });

  it("holds one registry entry per pipeline kind, in PIPELINE_KINDS order, each with its own metadata and rules", () => {
    assert.deepEqual(Object.keys(PIPELINES), [...PIPELINE_KINDS]);
    for (const kind of PIPELINE_KINDS) {
      assert.equal(PIPELINES[kind].metadata.kind, kind);
      assert.ok(PIPELINES[kind].fit.length > 0, `${kind} has no recommendation rules: compare would score it on latency alone`);
    }
  });

  describe("bad workload files: one line, exit 2", () => {
    const cases: [string, string, RegExp][] = [
      ["missing", "/nonexistent/w.yaml", /^platform: \/nonexistent\/w\.yaml: cannot be read \(no such file\)$/],
      ["not YAML", tempFile("w.yaml", "averageTps: [1, 2\n"), /w\.yaml: is not valid YAML or JSON/],
      ["a list", tempFile("w.yaml", "- 1\n- 2\n"), /w\.yaml: must be a map with the workload's fields \(got a list\)$/],
      ["a bad value", tempFile("w.yaml", DEV_WORKLOAD.replace("averageTps: 5", "averageTps: -5")), /w\.yaml: averageTps must be a positive number \(got -5\)$/],
      ["a missing field", tempFile("w.json", JSON.stringify({ averageTps: 5 })), /w\.json: peakTps is required \(got nothing\)$/],
      ["a bad need", tempFile("w.yaml", `workload: {averageTps: 5}\nneeds: {latency: instant, sources: events, analysis: live}\n`), /w\.yaml: needs\.latency must be seconds, minutes or hours \(got "instant"\)$/],
    ];
    for (const [what, file, expected] of cases) {
      it(what, async () => {
        const r = await run(["compare", "--workload", file]);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stderr.trim().split("\n").length, 1);
        assert.match(r.stderr.trim(), expected);
      });
    }
  });
});

describe("recommend (rules)", () => {
  const w = { averageTps: 300, peakTps: 3000, peakHoursPerDay: 2, averageRecordBytes: 900, itemsPerTransaction: 2.5, hotRetentionDays: 7, historyRetentionDays: 730, queriesPerDay: 200, scannedGbPerQuery: 2, dashboardUsers: 25, dashboardAuthors: 3, batchFilesPerDay: 24, batchFileMb: 50 };
  const candidate = (kind: PipelineKind, expectedMonthlyUsd: number, ceilingMonthlyUsd: number | null): Candidate => ({
    kind,
    latencyClass: PIPELINES[kind].metadata.latencyClass,
    fit: PIPELINES[kind].fit,
    expectedMonthlyUsd,
    ceilingMonthlyUsd,
  });
  const all: Candidate[] = [candidate("realtime", 2000, 9000), candidate("datalake", 50, null), candidate("streaming-warehouse", 900, 3000), candidate("batch-etl", 300, 2000)];

  it("high TPS and answers within seconds: realtime", () => {
    const r = recommend(all, w, { latency: "seconds", sources: "events", analysis: "live" })!;
    assert.equal(r.kind, "realtime");
    assert.match(r.reasons.join("; "), /peaks of 3000 transactions\/s/);
    assert.ok(r.assessments.find((a) => a.kind === "datalake")!.excluded);
  });
  it("batch files from relational sources: batch-etl", () => {
    assert.equal(recommend(all, w, { latency: "hours", sources: "relational", analysis: "reports" })!.kind, "batch-etl");
  });
  it("ad hoc exploration on files: datalake", () => {
    assert.equal(recommend(all, w, { latency: "hours", sources: "files", analysis: "adhoc" })!.kind, "datalake");
  });
  it("continuous events into SQL warehouse monitoring: streaming-warehouse", () => {
    assert.equal(recommend(all, w, { latency: "minutes", sources: "events", analysis: "warehouse" })!.kind, "streaming-warehouse");
  });
  it("cost breaks a tie, and the reason says so", () => {
    const twins: Candidate[] = [candidate("batch-etl", 300, 2000), candidate("datalake", 50, 100)];
    const r = recommend(twins, w, { latency: "hours", sources: "files", analysis: "warehouse" })!;
    assert.equal(r.assessments[0].score, r.assessments[1].score);
    assert.equal(r.kind, "datalake");
    assert.ok(r.assessments.every((a) => !a.excluded));
    assert.match(r.reasons.join("; "), /cheaper than batch-etl/);
  });
  it("nothing fast enough: no recommendation", () => {
    assert.equal(recommend(all.filter((c) => c.latencyClass === "batch"), w, { latency: "seconds", sources: "events", analysis: "live" }), null);
  });
});
