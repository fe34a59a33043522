import { strict as assert } from "node:assert";
import { mermaidFlowchart } from "../../cli/commands/diagram";
import { REALTIME_METADATA } from "../../components/RealtimeAnalyticsPipeline";
import { StackResource } from "../../model/resources";
import { run, runJson } from "./helpers";
import { UNKNOWN_STACK } from "../helpers/unknownStack";

/** Structural checks of a Mermaid flowchart: header, balanced subgraphs, unique nodes, edges between declared nodes. */
function assertWellFormedFlowchart(chart: string): { nodes: Map<string, string>; subgraphs: string[] } {
  const lines = chart.split("\n");
  assert.equal(lines[0], "flowchart LR");
  const nodes = new Map<string, string>();
  const subgraphs: string[] = [];
  let depth = 0;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("%%") || line.startsWith("direction ")) continue;
    let m: RegExpExecArray | null;
    if ((m = /^subgraph (\w+)\["([^"]*)"\]$/.exec(line))) {
      depth++;
      subgraphs.push(m[2]);
    } else if (line === "end") {
      depth--;
      assert.ok(depth >= 0, "end without subgraph");
    } else if ((m = /^(\w+)\["([^"]*)"\]$/.exec(line))) {
      assert.ok(!nodes.has(m[1]), `node ${m[1]} declared twice`);
      nodes.set(m[1], m[2]);
    } else if ((m = /^(\w+) --> (\w+)$/.exec(line))) {
      assert.ok(nodes.has(m[1]) && nodes.has(m[2]), `edge between undeclared nodes: ${line}`);
    } else {
      assert.fail(`unexpected line: ${line}`);
    }
  }
  assert.equal(depth, 0, "unbalanced subgraphs");
  return { nodes, subgraphs };
}

describe("platform diagram", () => {
  it("draws each pipeline of the stack as a subgraph, one node per stage with its service and resource count", async () => {
    const r = await run(["diagram", "--stack", "dev"]);
    assert.equal(r.code, 0, r.stderr);
    const { nodes, subgraphs } = assertWellFormedFlowchart(r.stdout);
    assert.deepEqual(subgraphs, ["Real-time retail analytics (realtime, real-time)", "shared by the stack's pipelines"]);
    const labels = [...nodes.values()];
    assert.ok(labels.includes("acquire<br/>Amazon Kinesis Data Streams<br/>1 resource"), labels.join("\n"));
    assert.ok(labels.some((l) => /^transform<br\/>AWS Lambda<br\/>\d+ resources$/.test(l)));
    assert.ok(labels.some((l) => l.startsWith("core<br/>platform:core:PlatformCore<br/>")));
    assert.equal(labels.filter((l) => /^(acquire|transform|store|analyse|visualise)<br\/>/.test(l)).length, REALTIME_METADATA.stages.length);
  });

  it("counts what plan counts: a pipeline's stage nodes and its supporting node add up to plan's resources for it", async () => {
    const [chart, plan] = await Promise.all([run(["diagram", "--stack", "prod"]), runJson(["plan", "--stack", "prod"])]);
    const { nodes } = assertWellFormedFlowchart(chart.stdout);
    const realtime = [...nodes.entries()].filter(([id]) => id.startsWith("p_realtime_")).map(([, l]) => Number(/<br\/>(\d+) resources?$/.exec(l)![1]));
    const planned = plan.json.stacks[0].pipelines.find((p: { name: string }) => p.name === "realtime").resourceCount;
    assert.equal(realtime.reduce((a, b) => a + b, 0), planned);
    assert.match(nodes.get("p_realtime_supporting")!, /^supporting, in no stage<br\/>([a-z0-9]+, )*iam(, [a-z0-9]+)*<br\/>\d+ resources$/);
    const core = plan.json.stacks[0].pipelines.find((p: { name: string }) => p.name === "core").resourceCount;
    assert.equal(nodes.get("s_core"), `core<br/>platform:core:PlatformCore<br/>${core} resources`);
  });

  it("wraps the chart in a mermaid fence with --format markdown", async () => {
    const r = await run(["diagram", "--stack", "dev", "--format", "markdown"]);
    assert.match(r.stdout, /^```mermaid\nflowchart LR\n[\s\S]*\n```$/);
  });

  it("draws a pipeline the registry does not know as an empty, named subgraph", () => {
    const resources: StackResource[] = [{ urn: "urn:pulumi:x::p::platform:pipelines:Realtime::realtime", type: "platform:pipelines:Realtime", name: "realtime", custom: false, dependencies: [], inputs: {} }];
    const chart = mermaidFlowchart("x", resources, new Map([["realtime", REALTIME_METADATA], ["batch-etl", undefined]]));
    const { subgraphs } = assertWellFormedFlowchart(chart);
    assert.deepEqual(subgraphs, ["Real-time retail analytics (realtime, real-time)", "batch-etl: not in this version's registry"]);
    assert.match(chart, /acquire<br\/>Amazon Kinesis Data Streams<br\/>0 resources/);
  });

  for (const [what, args, expected] of [
    ["needs --stack", ["diagram"], /required option '--stack <name>' not specified/],
    ["an unknown stack", ["diagram", "--stack", UNKNOWN_STACK], new RegExp(`^platform: unknown stack ${UNKNOWN_STACK} \\(stacks: (.+, )?dev, (.+, )?prod(, .+)?, or all\\)$`)],
    ["a bad --format", ["diagram", "--stack", "dev", "--format", "svg"], /argument 'svg' is invalid/],
  ] as const) {
    it(`rejects ${what} with one line and exit 2`, async () => {
      const r = await run(args);
      assert.equal(r.code, 2);
      assert.equal(r.stderr.trim().split("\n").length, 1);
      assert.match(r.stderr.trim(), expected);
    });
  }
});
