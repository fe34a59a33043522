/**
 * The Pulumi program itself (index.ts), imported after mocks are set, as
 * `pulumi up -s <stack>` would run it: config comes from the engine.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockResourceState } from "../platform/mocks";
import { rawConfig } from "./helpers/stacks";

function engineConfig(config: Record<string, unknown>): Record<string, string> {
  // The engine hands structured config to the program as JSON text.
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

async function runProgram(stack: string, config: Record<string, unknown>, types: string[] = []): Promise<{ types: string[]; outputs: Record<string, unknown> }> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        types.push(args.type);
        return mockResourceState(args, "eu-west-3");
      },
      call: (args) => mockCall(args.token, args.inputs, "eu-west-3"),
    },
    "retail-data-platform",
    stack,
  );
  pulumi.runtime.setAllConfig(engineConfig(config));
  const modulePath = require.resolve("../index");
  delete require.cache[modulePath];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../index") as { outputs: Record<string, pulumi.Output<unknown>> };
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(program.outputs)) outputs[k] = await new Promise((resolve) => v.apply(resolve));
  await pulumi.runtime.disconnect();
  return { types, outputs };
}

describe("index.ts: the Pulumi program", () => {
  for (const stack of ["dev", "prod"]) {
    it(`deploys ${stack}: the budget guardrail and the selected pipelines, exporting their names`, async () => {
      const { types, outputs } = await runProgram(stack, rawConfig(stack));
      assert.ok(types.includes("aws:budgets/budget:Budget"));
      assert.ok(types.includes("platform:pipelines:Realtime"));
      assert.ok(types.includes("aws:kinesis/stream:Stream"));
      assert.match(outputs["realtime.streamName"] as string, /^realtime-transactions-/);
      assert.match(outputs["budgetName"] as string, /^budget-monthly/);
    });
  }

  it("stops with one line, before declaring any resource, when the stack config is invalid", async () => {
    const config = structuredClone(rawConfig("dev")) as Record<string, any>;
    config["platform:budget"].monthlyUsd = -5;
    const types: string[] = [];
    await assert.rejects(
      () => runProgram("dev", config, types),
      (err: unknown) => {
        assert.ok(err instanceof pulumi.RunError, `a RunError prints without a stack trace (got ${String(err)})`);
        assert.equal((err).message, "Pulumi.dev.yaml: platform:budget.monthlyUsd must be a positive number (got -5)");
        return true;
      },
    );
    assert.deepEqual(types, []);
    await pulumi.runtime.disconnect();
  });
});
