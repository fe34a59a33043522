/**
 * IAM simulation (@cloud-copilot/iam-simulate, AGPL-3.0, a dev dependency
 * used here only) of every synthesized stack: each call the functions made in
 * the emulator tests is allowed by their synthesized role policy plus the
 * resource and key policies; each call AWS services make for the stack
 * (./calls.ts, with the documentation page of each) is allowed; and calls
 * outside each role's job are denied. The emulator tests are loaded here so
 * that this file also records their calls when it runs alone.
 */
import "../functions/stream-processor/processor.integration.test";
import "../functions/file-check/check.test";
import { strict as assert } from "node:assert";
import { Test } from "mocha";
import { DENIED_CALLS, functionCalls, SERVICE_CALLS } from "./calls";
import { STACK_NAMES, synthesizedStack } from "./helpers";
import { recordedCalls } from "./recorder";
import { SimCall, StackIam } from "./stackIam";

const show = (c: SimCall) => `${c.principal.split("/").pop()} ${c.action} ${c.resource}`;
const totals = { allowedFunctionCalls: 0, allowedServiceCalls: 0, denied: 0, byValue: 0 };

describe("IAM simulation of the synthesized stacks", () => {
  after(() => console.log(`      simulated: ${totals.allowedFunctionCalls} recorded function calls and ${totals.allowedServiceCalls} service calls allowed, ${totals.denied} calls denied, ${totals.byValue} statements checked by value`));

  for (const stack of STACK_NAMES) {
    describe(stack, () => {
      let iam: StackIam;
      const notApplicable: string[] = [];
      before(async function () {
        const { env, resources } = await synthesizedStack(stack);
        iam = new StackIam(resources, env.awsRegion);
        // An entry is a test of this stack only where the stack holds what it names (P3's roles are not in dev):
        // entries are added once the stack is synthesized, and the rest are listed, not skipped.
        const suite = this.test!.parent!;
        for (const entry of SERVICE_CALLS) {
          const calls = entry.calls(iam);
          if (calls === undefined) notApplicable.push(`allows: ${entry.name}`);
          else suite.addTest(new Test(`allows: ${entry.name} (${entry.doc})`, () => expectDecisions(calls, "Allowed", "allowedServiceCalls")));
        }
        for (const entry of DENIED_CALLS) {
          const calls = entry.calls(iam);
          if (calls === undefined) notApplicable.push(`denies: ${entry.name}`);
          else suite.addTest(new Test(`denies: ${entry.name}`, () => expectDecisions(calls, "Denied", "denied")));
        }
        if (notApplicable.length > 0) console.log(`      ${stack}: ${notApplicable.length} of ${SERVICE_CALLS.length + DENIED_CALLS.length} entries name resources the stack does not deploy`);
      });

      /** Every call decided as `want` ("Denied" means anything but Allowed); counted in the totals. */
      async function expectDecisions(calls: SimCall[], want: "Allowed" | "Denied", total: "allowedServiceCalls" | "denied"): Promise<void> {
        const wrong: string[] = [];
        for (const call of calls) if (((await iam.decide(call)) === "Allowed") !== (want === "Allowed")) wrong.push(show(call));
        assert.deepEqual(wrong, []);
        totals[total] += calls.length;
      }

      it("every entry applies to this stack or names resources it does not deploy (the all-pipelines fixture deploys them all)", () => {
        if (stack === "all") assert.deepEqual(notApplicable, []);
        assert.ok(notApplicable.length < SERVICE_CALLS.length + DENIED_CALLS.length);
      });

      it("allows every AWS call the functions made in the emulator tests", async () => {
        const recorded = recordedCalls();
        assert.ok(recorded.some((c) => c.fn === "stream-processor") && recorded.some((c) => c.fn === "file-check"), "the emulator tests ran and their calls were recorded");
        const calls = functionCalls(iam, recorded);
        const unique = [...new Map(calls.map((c) => [show(c.call) + JSON.stringify(c.call.context ?? {}), c])).values()];
        const refused: string[] = [];
        for (const { source, call } of unique) if ((await iam.decide(call)) !== "Allowed") refused.push(`${source} -> ${show(call)}`);
        assert.deepEqual(refused, []);
        assert.ok(unique.length > 0);
        totals.allowedFunctionCalls += unique.length;
      });

      it("CloudWatch Logs may use the key only for this account's log groups: checked by value (the simulator ignores kms:EncryptionContext:*)", () => {
        const key = iam.resources.find((r) => r.type === "aws:kms/key:Key")!;
        const statements = JSON.parse(String(key.inputs["policy"])).Statement as { Sid?: string; Principal?: { Service?: string }; Condition?: Record<string, Record<string, string>> }[];
        const logs = statements.filter((s) => String(s.Principal?.Service ?? "").startsWith("logs."));
        assert.equal(logs.length, 1);
        assert.equal(logs[0].Principal!.Service, `logs.${iam.region}.amazonaws.com`);
        assert.deepEqual(logs[0].Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${iam.region}:123456789012:log-group:*` } });
        totals.byValue += logs.length;
      });
    });
  }
});
