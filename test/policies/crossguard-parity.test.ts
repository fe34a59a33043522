/**
 * Parity with CrossGuard itself: the analyzer functions of @pulumi/policy's
 * server (the code `pulumi preview --policy-pack` talks to over gRPC) run the
 * pack over the same resources as the offline evaluator, and both must report
 * the same violations and the same "cannot verify" entries.
 * The gRPC requests are faked with objects answering the getters the server calls.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadStackFile } from "../../environments";
import { providerUrnOf, StackResource, stackOfUrn } from "../../model/resources";
import { readResourceDocument } from "../../model/sources";
import { synthesizeStack } from "../../platform/synth";
import { CANNOT_VERIFY_PREFIX } from "../../policies/common";
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ALL_POLICIES, GuardrailPolicy, PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "../../policies/pack";
import { evaluatePolicies, PolicyPackConfig, POLICY_NAMES, resolvePolicyConfig } from "../../policies/offline";
import { fromStackFile, GuardrailsByStack, guardrailsOfEnvironment, StackFileGuardrails, strictDefaults } from "../../policies/stackFile";
import { copyProject } from "../helpers/stacks";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const protoutil = require("@pulumi/policy/protoutil") as { mapEnforcementLevel(l: string): number; convertEnforcementLevel(n: number): string };

const ROOT = path.resolve(__dirname, "..", "..");

type Handler = (call: unknown, cb: (err: unknown, resp?: unknown) => void) => Promise<void>;

/**
 * The analyzer service exactly as `serve()` registers it for the CLI, captured
 * by intercepting grpc's addService; bindAsync is stubbed so no port opens.
 */
function analyzerService(policies: readonly GuardrailPolicy[] = ALL_POLICIES): Record<"analyze" | "analyzeStack" | "configure", Handler> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/policy/server"))] })) as { Server: { prototype: Record<string, unknown> } };
  const proto = grpc.Server.prototype;
  const { addService, bindAsync } = proto;
  let captured: Record<string, Handler> | undefined;
  proto["addService"] = function (_service: unknown, impl: Record<string, Handler>) {
    captured = impl;
  };
  proto["bindAsync"] = () => undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("@pulumi/policy/server") as { serve: (...a: unknown[]) => void }).serve(PACK_NAME, "0.1.0", PACK_ENFORCEMENT_LEVEL, { policies: [...policies] }, undefined);
  } finally {
    proto["addService"] = addService;
    proto["bindAsync"] = bindAsync;
  }
  return captured as Record<"analyze" | "analyzeStack" | "configure", Handler>;
}
let service: ReturnType<typeof analyzerService> | undefined;

/** The project folder whose stack files the served pack reads; a test points it elsewhere. */
let projectDir = ROOT;
const byDir = new Map<string, StackFileGuardrails>();
const guardrailsHere: GuardrailsByStack = {
  forStack: (stack) => {
    let g = byDir.get(projectDir);
    if (!g) byDir.set(projectDir, (g = new StackFileGuardrails(projectDir)));
    return g.forStack(stack);
  },
};
const NOW = new Date("2026-11-28T12:00:00Z");

/** A policy whose check is async, like awsguard's kms-key-rotation: CrossGuard awaits it, and so must we. */
const asyncKeyRotation: ResourceValidationPolicy = {
  name: "async-kms-key-rotation",
  description: "KMS keys must rotate (checked asynchronously).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.kms.Key, async (key, args, report) => {
    await new Promise((resolve) => setImmediate(resolve));
    if (key.enableKeyRotation !== true) report(`KMS key ${args.name} must enable key rotation.`);
  }),
};
/** Our pack plus the async policy, both sides judge with it (no stack file names it: mandatory). */
const ASYNC_PACK: readonly GuardrailPolicy[] = [...ALL_POLICIES, asyncKeyRotation];
/** The pack exactly as policies/index.ts builds it, plus the async policy (only one pack may be served per process). */
const SERVED_PACK: readonly GuardrailPolicy[] = ASYNC_PACK.map((p) => fromStackFile(p, guardrailsHere));

interface Diagnostic {
  getPolicyname(): string;
  getUrn(): string;
  getMessage(): string;
  getEnforcementlevel(): number;
}

const struct = (v: Readonly<Record<string, unknown>>) => ({ toJavaScript: () => structuredClone(v) });

function options(r: StackResource) {
  return {
    getProtect: () => false,
    getIgnorechangesList: () => [],
    getAliasesList: () => [],
    getCustomtimeouts: () => undefined,
    getAdditionalsecretoutputsList: () => [],
    getDeletebeforereplacedefined: () => false,
    getDeletebeforereplace: () => false,
    getParent: () => r.parent ?? "",
  };
}

function request(r: StackResource, byUrn: Map<string, StackResource>) {
  const p = byUrn.get(providerUrnOf(r.provider) ?? "");
  return {
    getType: () => r.type,
    getProperties: () => struct(r.inputs),
    getUrn: () => r.urn,
    getName: () => r.name,
    getOptions: () => options(r),
    getProvider: () => (p ? { getType: () => p.type, getProperties: () => struct(p.inputs), getUrn: () => p.urn, getName: () => p.name } : undefined),
    getParent: () => r.parent ?? "",
    getDependenciesList: () => [...r.dependencies],
    getPropertydependenciesMap: () => new Map(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, { getUrnsList: () => [...urns] }])),
  };
}

const call = <T>(fn: Handler, request: unknown): Promise<T> =>
  new Promise((resolve, reject) => void fn({ request }, (err, resp) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(resp as T))));

type Entry = string;

/** Runs the pack through CrossGuard's analyzer functions: Analyze per resource, then AnalyzeStack. */
async function crossGuard(resources: readonly StackResource[], config: PolicyPackConfig | undefined): Promise<{ violations: Entry[]; cannotVerify: Entry[] }> {
  // What the CLI sends in Configure: every policy with its level and options (defaults applied);
  // without --policy-pack-config, an empty map.
  const resolved = config === undefined ? [] : resolvePolicyConfig(config, "policy pack config", ASYNC_PACK);
  const map = new Map(
    resolved.map((r) => [r.policy.name, { getProperties: () => struct(r.options), getEnforcementlevel: () => protoutil.mapEnforcementLevel(r.level) }]),
  );
  service ??= analyzerService(SERVED_PACK);
  await call(service.configure, { getPolicyconfigMap: () => map });
  const { analyze, analyzeStack } = service;
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const diagnostics: { d: Diagnostic; urn: string | null }[] = [];
  for (const r of resources) {
    const resp = await call<{ getDiagnosticsList(): Diagnostic[] }>(analyze, request(r, byUrn));
    diagnostics.push(...resp.getDiagnosticsList().map((d) => ({ d, urn: d.getUrn() || r.urn })));
  }
  const stackResp = await call<{ getDiagnosticsList(): Diagnostic[] }>(analyzeStack, { getResourcesList: () => resources.map((r) => request(r, byUrn)) });
  diagnostics.push(...stackResp.getDiagnosticsList().map((d) => ({ d, urn: d.getUrn() || null })));

  const violations: Entry[] = [];
  const cannotVerify: Entry[] = [];
  for (const { d, urn } of diagnostics) {
    const policy = ASYNC_PACK.find((p) => p.name === d.getPolicyname())!;
    // String reports read "<description>\n<message>"; object reports carry the message alone.
    const message = d.getMessage().startsWith(`${policy.description}\n`) ? d.getMessage().slice(policy.description.length + 1) : d.getMessage();
    if (message.startsWith(CANNOT_VERIFY_PREFIX) || message.startsWith("can't run policy")) cannotVerify.push(`${policy.name} ${urn}`);
    else violations.push(`${policy.name} ${protoutil.convertEnforcementLevel(d.getEnforcementlevel())} ${urn} ${message}`);
  }
  return { violations: violations.sort(), cannotVerify: cannotVerify.sort() };
}

async function offline(resources: readonly StackResource[], config: PolicyPackConfig) {
  const report = await evaluatePolicies(resources, { config, now: NOW, policies: ASYNC_PACK });
  return {
    violations: report.violations.map((v) => `${v.policy} ${v.level} ${v.urn} ${v.message}`).sort(),
    cannotVerify: report.cannotVerify.map((c) => `${c.policy} ${c.urn}`).sort(),
  };
}

describe("parity with CrossGuard's analyzer (@pulumi/policy server)", function () {
  this.timeout(60_000);
  let realNow: DateConstructor;

  // CrossGuard reads the real clock; pin it so runtime deprecations agree.
  before(() => {
    realNow = global.Date;
    const fixed = NOW.getTime();
    global.Date = class extends realNow {
      constructor(...args: unknown[]) {
        super(...((args.length ? args : [fixed]) as []));
      }
      static override now() {
        return fixed;
      }
    } as DateConstructor;
  });
  after(() => {
    global.Date = realNow;
  });

  const synth = async (stack: string) => (await synthesizeStack(loadStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), "retail-data-platform"))).resources;
  const fixture = (name: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, "test/fixtures/policies", name), "utf8")) as { resources: StackResource[] }).resources;
  /** The guardrails offline plan applies to these resources: their stack's file, else strict defaults. */
  const offlineConfig = (resources: readonly StackResource[]) => guardrailsHere.forStack(resources.map((r) => stackOfUrn(r.urn)).find((x) => x !== undefined) ?? "unknown").config;

  afterEach(() => {
    projectDir = ROOT;
  });

  describe("without a policy config file: the pack reads each stack's own stack file", () => {
    for (const stack of ["dev", "prod"]) {
      it(`judges ${stack} as Pulumi.${stack}.yaml says, as plan does`, async () => {
        const resources = await synth(stack);
        const expected = await crossGuard(resources, undefined);
        const actual = await offline(resources, guardrailsOfEnvironment(loadStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`), "retail-data-platform")).config);
        assert.deepEqual(expected.violations, actual.violations);
        assert.deepEqual(expected.cannotVerify, actual.cannotVerify);
      });
    }

    it("judges a new stack file (a copy of prod: $50 budget, PITR off) strictly, with its own limits", async () => {
      const dir = copyProject({ "Pulumi.staging.yaml": (doc) => {
        const config = doc["config"] as Record<string, Record<string, unknown>>;
        config["platform:budget"]["monthlyUsd"] = 50;
        config["platform:protection"]["pointInTimeRecovery"] = false;
        delete config["platform:guardrails"];
      } }, "Pulumi.prod.yaml");
      const env = loadStackFile(path.join(dir, "Pulumi.staging.yaml"), "retail-data-platform");
      const resources = (await synthesizeStack(env)).resources;
      projectDir = dir;
      const expected = await crossGuard(resources, undefined);
      const actual = await offline(resources, guardrailsOfEnvironment(env).config);
      assert.deepEqual(expected.violations, actual.violations);
      const mandatory = [...new Set(expected.violations.filter((v) => v.split(" ")[1] === "mandatory").map((v) => v.split(" ")[0]))].sort();
      assert.deepEqual(mandatory, ["budget-ceiling-cost", "budget-expected-cost", "dynamodb-point-in-time-recovery"]);
      for (const bound of ["kinesis-stream-bounded", "lambda-concurrency-bounded", "athena-workgroup-bounded", "dynamodb-throughput-bounded"]) {
        assert.ok(!expected.violations.some((v) => v.startsWith(`${bound} `)), `${bound} judged by limits other than the stack's own:\n${expected.violations.join("\n")}`);
      }
    });

    it("judges a stack with no stack file by the strict defaults, mandatory", async () => {
      const resources = fixture("misconfigured-stack.json");
      const expected = await crossGuard(resources, undefined);
      const actual = await offline(resources, strictDefaults("misconfigured").config);
      assert.deepEqual(expected.violations, actual.violations);
      assert.ok(expected.violations.some((v) => v.startsWith("s3-versioning mandatory ")), "versioning is mandatory under strict defaults");
      // capacity-at-peak needs a declared peak, which only a stack file gives: it says it cannot verify.
      const needsPeak = "capacity-at-peak";
      assert.deepEqual([...new Set(expected.violations.map((v) => v.split(" ")[0]))].filter((p) => p !== asyncKeyRotation.name).sort(), POLICY_NAMES.filter((n) => n !== needsPeak).sort(), "every other policy trips on the misconfigured stack");
      assert.ok(expected.cannotVerify.some((v) => v.startsWith(`${needsPeak} `)), expected.cannotVerify.join("\n"));
      assert.ok(expected.violations.some((v) => v.startsWith(`${asyncKeyRotation.name} mandatory `)), "the async policy trips on its unrotated key too");
    });

    it("awaits an async policy (awsguard's key-rotation style) as CrossGuard does: dev with a key's rotation off", async () => {
      const resources = (await synth("dev")).map((r) => (r.type === "aws:kms/key:Key" ? { ...r, inputs: { ...r.inputs, enableKeyRotation: false } } : r));
      const expected = await crossGuard(resources, undefined);
      const actual = await offline(resources, guardrailsOfEnvironment(loadStackFile(path.join(ROOT, "Pulumi.dev.yaml"), "retail-data-platform")).config);
      assert.deepEqual(expected.violations, actual.violations);
      assert.deepEqual(expected.cannotVerify, actual.cannotVerify);
      assert.ok(expected.violations.some((v) => v.startsWith("async-kms-key-rotation mandatory ")), expected.violations.join("\n"));
    });

    it("reports preview unknowns as cannot verify, the same way", async () => {
      const resources = readResourceDocument(path.join(ROOT, "test/fixtures/policies/preview.json"));
      const expected = await crossGuard(resources, undefined);
      const actual = await offline(resources, offlineConfig(resources));
      assert.deepEqual(expected.violations, actual.violations);
      assert.deepEqual(expected.cannotVerify, actual.cannotVerify);
      assert.ok(expected.cannotVerify.length >= 2, expected.cannotVerify.join("\n"));
    });
  });
});
