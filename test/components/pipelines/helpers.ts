/**
 * Shared helpers for the pipeline component tests: environments from the real
 * stack files, a program that deploys one pipeline alone (with the core it
 * needs), resource lookups, IAM document parsing, and the real checks
 * (python3 -m py_compile, node-sql-parser, asl-validator).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { Parser } from "node-sql-parser";
import { Environment, PipelineKind, loadStackFile } from "../../../environments";
import { PlatformCore } from "../../../components/PlatformCore";
import { PIPELINES } from "../../../components/registry";
import { StackResource } from "../../../model/resources";
import { all as ofType, loadEnv, PROJECT, REPO_ROOT } from "../../helpers/stacks";
import { PlatformOutputs, platformCoreArgs } from "../../../platform/program";

export { REPO_ROOT, PROJECT, all as ofType } from "../../helpers/stacks";

export function stackEnv(stack: "dev" | "prod", patch: (env: Environment) => Environment = (e) => e): Environment {
  return patch(loadEnv(stack));
}

export function fixtureEnv(file: string): Environment {
  return loadStackFile(path.join(REPO_ROOT, "test", "fixtures", "stacks", file), PROJECT);
}

/** A program that deploys the core and one pipeline, through the registry's create contract. */
export function onePipeline(kind: PipelineKind): (env: Environment) => PlatformOutputs {
  return (env) => {
    const provider = new aws.Provider("aws", { region: env.awsRegion as aws.Region });
    const opts = { providers: { aws: provider } };
    const core = new PlatformCore("core", { ...platformCoreArgs(env), alarmEmails: [], keyDeletionWindowDays: 7 }, opts);
    return PIPELINES[kind].create(env, core, opts);
  };
}

export function one(resources: readonly StackResource[], type: string, nameSuffix?: string): StackResource {
  const found = ofType(resources, type).filter((r) => nameSuffix === undefined || r.name.endsWith(nameSuffix));
  assert.equal(found.length, 1, `expected one ${type}${nameSuffix ? ` named *${nameSuffix}` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0];
}

export function byName(resources: readonly StackResource[], name: string): StackResource {
  const found = resources.find((r) => r.name === name);
  assert.ok(found, `no resource named ${name}`);
  return found;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, unknown>;
}

/** Statements of the inline policy attached to the role named `roleName` (its RolePolicy is `${roleName}-policy`). */
export function rolePolicy(resources: readonly StackResource[], policyName: string): PolicyStatement[] {
  const policy = byName(resources, policyName);
  const doc = JSON.parse(policy.inputs["policy"] as string) as { Statement: PolicyStatement[] };
  return doc.Statement;
}

export function statement(statements: readonly PolicyStatement[], sid: string): PolicyStatement {
  const s = statements.find((x) => x.Sid === sid);
  assert.ok(s, `no statement ${sid} (have ${statements.map((x) => x.Sid).join(", ")})`);
  return s;
}

export function resourcesOf(s: PolicyStatement): string[] {
  return Array.isArray(s.Resource) ? s.Resource : [s.Resource];
}

/** Every resource named `${componentName}-...` descends from the component (parent chain up to it). */
export function assertParentedUnder(resources: readonly StackResource[], componentType: string, componentName: string): void {
  const component = resources.find((r) => r.type === componentType && r.name === componentName);
  assert.ok(component, `no ${componentType} ${componentName}`);
  const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
  const children = resources.filter((r) => r.name.startsWith(`${componentName}-`));
  assert.ok(children.length > 0);
  for (const child of children) {
    let parent = child.parent;
    while (parent !== undefined && parent !== component.urn) parent = byUrn.get(parent)?.parent;
    assert.equal(parent, component.urn, `${child.type} ${child.name} does not descend from ${componentType} ${componentName}`);
  }
}

/** No IAM policy document the component ships grants a wildcard action or a bare "*" on a write. */
export function assertLeastPrivilege(resources: readonly StackResource[], namePrefix: string, resourceStarAllowed: readonly string[]): void {
  for (const r of ofType(resources, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith(namePrefix))) {
    const doc = JSON.parse(r.inputs["policy"] as string) as { Statement: PolicyStatement[] };
    for (const s of doc.Statement) {
      for (const a of s.Action) assert.ok(a !== "*" && !a.endsWith(":*"), `${r.name} ${s.Sid}: wildcard action ${a}`);
      if (resourcesOf(s).includes("*")) {
        for (const a of s.Action) assert.ok(resourceStarAllowed.includes(a), `${r.name} ${s.Sid}: ${a} on "*"`);
      }
    }
  }
}

/** Compiles a Python file with the real interpreter (bytecode goes to a temp dir, not the repo). */
export function pyCompile(file: string): void {
  const result = spawnSync("python3", ["-m", "py_compile", file], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPYCACHEPREFIX: path.join(os.tmpdir(), "platform-pycache") },
  });
  assert.equal(result.status, 0, `py_compile ${path.relative(REPO_ROOT, file)} failed:\n${result.stderr}`);
}

const parser = new Parser();

/** Parses SQL with node-sql-parser in the given dialect; fails the test with the parser's message. */
export function parseSql(sql: string, database: "athena" | "trino" | "redshift" | "postgresql"): unknown {
  try {
    return parser.astify(sql, { database });
  } catch (err) {
    assert.fail(`${database} SQL does not parse: ${(err as Error).message}\n${sql}`);
  }
}
