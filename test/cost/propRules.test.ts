/**
 * `platform cost resource --props`: a priced prop AWS would not accept is one
 * line and exit 2. The accepted and refused values below are read off the AWS
 * pages each rule cites (the boundaries those pages state), not derived from
 * the rules themselves.
 */
import { strict as assert } from "node:assert";
import { memoryIo } from "../../cli/io";
import { main } from "../../cli/main";
import { ESTIMATORS } from "../../cost/estimators";
import { PROP_RULES } from "../../cost/propRules";

async function price(type: string, props: unknown, usage: unknown = {}) {
  const io = memoryIo();
  const code = await main(["cost", "resource", "--type", type, "--props", JSON.stringify(props), "--usage", JSON.stringify(usage)], io);
  return { code, out: io.stdout.join(""), err: io.stderr.join("") };
}

const LAMBDA = "aws:lambda/function:Function";
const USAGE = { monthly_requests: 3_000_000, request_duration_ms: 1000 };

/** [type, prop path, values AWS accepts, values it refuses], from the cited pages. */
const BOUNDARIES: [string, string, unknown[], unknown[]][] = [
  [LAMBDA, "memorySize", [128, 10_240, "512"], [-512, 0, 127, 10_241, 512.5, "abc", null, true]],
  [LAMBDA, "timeout", [1, 900], [0, 901]],
  [LAMBDA, "architectures", [["arm64"], ["x86_64"]], [["arm"], [], ["arm64", "x86_64"], "arm64"]],
  [LAMBDA, "reservedConcurrentExecutions", [-1, 0, 5], [-2]],
  ["aws:kinesis/stream:Stream", "shardCount", [1, 500], [0, -1, 1.5]],
  ["aws:kinesis/stream:Stream", "retentionPeriod", [24, 168, 8760], [23, 8761]],
  ["aws:kinesis/stream:Stream", "streamModeDetails.streamMode", ["ON_DEMAND", "PROVISIONED"], ["on-demand"]],
  ["aws:dynamodb/table:Table", "billingMode", ["PAY_PER_REQUEST", "PROVISIONED"], ["ON_DEMAND"]],
  ["aws:dynamodb/table:Table", "readCapacity", [1, 40_000], [0, -5]],
  ["aws:athena/workgroup:Workgroup", "configuration.bytesScannedCutoffPerQuery", [10_000_000, 1e12], [9_999_999, 0]],
  ["aws:redshiftserverless/workgroup:Workgroup", "baseCapacity", [4, 8, 128, 512, 544, 1024], [0, 6, 12, 520, 1056]],
  ["aws:glue/job:Job", "numberOfWorkers", [2, 10], [0, -1]],
  ["aws:glue/job:Job", "workerType", ["G.1X", "G.2X", "G.025X"], ["G.3X", "g.1x"]],
  ["aws:cloudwatch/logGroup:LogGroup", "retentionInDays", [0, 1, 7, 3653], [2, 4000, -1]],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "period", [10, 20, 30, 60, 300, 86_400], [5, 45, 90, 0]],
  ["aws:sfn/stateMachine:StateMachine", "type", ["STANDARD", "EXPRESS"], ["standard"]],
];

/** Sets a dotted path on a fresh object. */
function propsWith(key: string, value: unknown): Record<string, unknown> {
  const parts = key.split(".");
  const root: Record<string, unknown> = {};
  let node = root;
  for (const p of parts.slice(0, -1)) node = (node[p] = {});
  node[parts[parts.length - 1]] = value;
  return root;
}

describe("cli: platform cost resource --props, validated like usage", () => {
  it("refuses the issue's cases with one line naming the prop, the value, the rule and its source, exit 2", async () => {
    for (const memorySize of [-512, 0]) {
      const r = await price(LAMBDA, { memorySize }, USAGE);
      assert.equal(r.code, 2);
      assert.equal(r.out, "");
      assert.equal(r.err.trim(), `platform: prop "memorySize" of ${LAMBDA} must be an integer from 128 to 10240 (got ${memorySize}; https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html)`);
    }
  });

  for (const [type, key, accepted, refused] of BOUNDARIES) {
    it(`${type} ${key}: accepts ${accepted.map((v) => JSON.stringify(v)).join(", ")}; refuses ${refused.map((v) => JSON.stringify(v)).join(", ")}`, async () => {
      for (const value of accepted) {
        const r = await price(type, propsWith(key, value));
        assert.equal(r.code, 0, `${JSON.stringify(value)}: ${r.err}`);
      }
      for (const value of refused) {
        const r = await price(type, propsWith(key, value));
        assert.equal(r.code, 2, `${JSON.stringify(value)} was accepted`);
        assert.equal(r.err.trim().split("\n").length, 1);
        assert.match(r.err, new RegExp(`^platform: prop "${key.replace(/\./g, "\\.")}" of ${type.replace(/[/.]/g, "\\$&")} must be .* \\(got `));
      }
    });
  }

  it("every rule belongs to a priced type and cites an AWS page; the compute and throughput types have rules", () => {
    for (const [type, rules] of Object.entries(PROP_RULES)) {
      assert.ok(ESTIMATORS[type], `${type} has rules but no estimator`);
      for (const [key, rule] of Object.entries(rules)) assert.match(rule.source, /^https:\/\/docs\.aws\.amazon\.com\//, `${type} ${key}`);
    }
    for (const type of ["aws:lambda/function:Function", "aws:kinesis/stream:Stream", "aws:dynamodb/table:Table", "aws:glue/job:Job", "aws:redshiftserverless/workgroup:Workgroup", "aws:athena/workgroup:Workgroup"]) {
      assert.ok(PROP_RULES[type], type);
    }
  });
});
