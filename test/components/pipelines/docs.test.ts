import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PIPELINE_DEFINITIONS } from "../../../components/registry";
import { PipelineMetadata } from "../../../components/stages";
import { REPO_ROOT } from "./helpers";
import { comparisonTable, generatedBlock, regenerate, stageTable } from "./pipelinesDoc";

const DOC = path.join(REPO_ROOT, "docs", "pipelines.md");

describe("docs/pipelines.md", () => {
  const metadata: PipelineMetadata[] = PIPELINE_DEFINITIONS.map((d) => d.metadata);

  before(() => {
    if (process.env["UPDATE_DOCS"] === "1") fs.writeFileSync(DOC, regenerate(fs.readFileSync(DOC, "utf8"), metadata));
  });

  it("covers all four pipelines", () => {
    assert.deepEqual(metadata.map((m) => m.kind), ["realtime", "datalake", "streaming-warehouse", "batch-etl"]);
  });

  it("holds the comparison table generated from the metadata", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    assert.equal(generatedBlock(doc, "comparison"), comparisonTable(metadata), "regenerate with UPDATE_DOCS=1");
  });

  it("holds each pipeline's stage table under its own heading", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    for (const m of metadata) {
      assert.equal(generatedBlock(doc, `stages-${m.kind}`), stageTable(m), `${m.kind}: regenerate with UPDATE_DOCS=1`);
      const heading = `### ${m.title} (\`${m.kind}\`, ${m.component})`;
      const at = doc.indexOf(heading);
      assert.ok(at >= 0, `missing heading ${heading}`);
      const next = doc.indexOf("\n### ", at + 1);
      const section = doc.slice(at, next < 0 ? undefined : next);
      for (const s of m.stages) assert.ok(section.includes(s.service), `${m.kind} section lacks ${s.service}`);
      assert.ok(section.includes(m.latencyClass));
    }
  });

  it("compares the pipelines on acquisition, transformation, storage and analysis", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    for (const row of ["**Acquisition**", "**Transformation**", "**Storage**", "**Analysis**"]) assert.ok(doc.includes(`| ${row} |`), row);
    for (const nature of ["Real-time", "Large volumes", "Complex multi-source"]) assert.ok(doc.includes(`**${nature}**`), nature);
  });

  it("explains the role of every service the metadata names", () => {
    const doc = fs.readFileSync(DOC, "utf8");
    const roles = doc.slice(doc.indexOf("## The role of each AWS service"), doc.indexOf("## Each pipeline's stages"));
    const named = new Set(metadata.flatMap((m) => m.stages.flatMap((s) => s.service.split(/ \+ | \(|\)/).map((x) => x.replace(/^via /, "").trim()))).filter((x) => x.startsWith("Amazon") || x.startsWith("AWS")));
    for (const service of named) {
      const short = service.replace(/^(Amazon|AWS) /, "").replace(/ \(.*$/, "");
      assert.ok(roles.includes(short), `no role given for ${service}`);
    }
  });
});
