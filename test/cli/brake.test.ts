/**
 * `platform brake status|release`: reads the deployed brake function's plan and
 * targets and acts with the operator's credentials. AWS is an
 * aws-sdk-client-mock stub (no emulator implements these APIs).
 */
import * as assert from "node:assert/strict";
import { AthenaClient, GetWorkGroupCommand, ListQueryExecutionsCommand, UpdateWorkGroupCommand } from "@aws-sdk/client-athena";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { QuickSightClient, ListDataSetsCommand } from "@aws-sdk/client-quicksight";
import { mockClient } from "aws-sdk-client-mock";
import { run } from "./helpers";

describe("platform brake", () => {
  const state = { workgroup: "DISABLED" };
  const requested: string[] = [];
  const stubs: { restore(): void }[] = [];

  before(() => {
    const lambda = mockClient(LambdaClient);
    const athena = mockClient(AthenaClient);
    const quicksight = mockClient(QuickSightClient);
    stubs.push(lambda, athena, quicksight);
    lambda.on(GetFunctionConfigurationCommand).callsFake((i) => {
      requested.push(i.FunctionName);
      if (i.FunctionName !== "retail-data-platform-prod-spend-brake") throw Object.assign(new Error("Function not found"), { name: "ResourceNotFoundException" });
      return {
        Environment: {
          Variables: {
            SPEND_BRAKE_PLAN: JSON.stringify({ stages: [{ percent: 100, notification: "actual", actions: ["disable-athena-workgroups", "pause-quicksight-refresh"] }], athenaMaxScannedGbPer5Minutes: 50 }),
            SPEND_BRAKE_TARGETS: JSON.stringify({ athenaWorkgroups: ["realtime-analytics-1"], quicksightDataSetPrefix: "retail-data-platform-prod-" }),
            ACCOUNT_ID: "123456789012",
          },
        },
      };
    });
    athena.on(GetWorkGroupCommand).callsFake(() => ({ WorkGroup: { Name: "realtime-analytics-1", State: state.workgroup } }));
    athena.on(UpdateWorkGroupCommand).callsFake((i) => ((state.workgroup = i.State), {}));
    athena.on(ListQueryExecutionsCommand).resolves({ QueryExecutionIds: [] });
    quicksight.on(ListDataSetsCommand).resolves({ DataSetSummaries: [] });
  });
  after(() => stubs.forEach((m) => m.restore()));

  it("status reads the brake function named after the project and stack, and shows each target's state", async () => {
    const r = await run(["brake", "status", "--stack", "prod"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(requested.at(-1), "retail-data-platform-prod-spend-brake");
    assert.match(r.stdout, /^stack prod \(eu-west-3\): spend brake status\n\s+disable-athena-workgroups\s+realtime-analytics-1\s+braked/);
    assert.equal(state.workgroup, "DISABLED");
  });

  it("release re-enables what the brake disabled, and a second release changes nothing", async () => {
    const first = await run(["brake", "release", "--stack", "prod", "--format", "json"]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout).results, [{ action: "disable-athena-workgroups", target: "realtime-analytics-1", state: "released", changed: true }]);
    assert.equal(state.workgroup, "ENABLED");
    const second = JSON.parse((await run(["brake", "release", "--stack", "prod", "--format", "json"])).stdout);
    assert.equal(second.results[0].changed, false);
  });

  it("a stack that is not deployed is one line on stderr and exit 2", async () => {
    const r = await run(["brake", "status", "--stack", "dev"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split("\n").length, 1);
    assert.match(r.stderr, /^platform: brake function retail-data-platform-dev-spend-brake in eu-west-3 cannot be read \(ResourceNotFoundException: Function not found\)/);
  });
});
