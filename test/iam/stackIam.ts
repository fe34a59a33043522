/**
 * A synthesized stack's IAM as the simulator needs it: each role's identity
 * policies, each resource's resource policy (bucket, topic, queue, Lambda
 * permissions) and each key's key policy, by ARN; and `decide(call)`, which
 * runs @cloud-copilot/iam-simulate (AGPL-3.0: a dev dependency, used by
 * tests only, never bundled into a function or the CLI).
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument, policyDocuments } from "../../model/iamDocuments";
import { StackResource } from "../../model/resources";
import { MOCK_ACCOUNT_ID, mockResourceState } from "../../platform/mocks";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface SimCall {
  /** A role ARN, or a service principal such as `sns.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

export const ACCOUNT = MOCK_ACCOUNT_ID;

export class StackIam {
  private readonly arns = new Map<string, string>();
  private readonly states = new Map<string, Record<string, unknown>>();
  private readonly identity = new Map<string, { name: string; policy: PolicyDocument }[]>();
  private readonly resourcePolicies = new Map<string, PolicyDocument["Statement"]>();

  public constructor(
    public readonly resources: readonly StackResource[],
    public readonly region: string,
  ) {
    for (const r of resources) {
      const state = mockResourceState({ type: r.type, name: r.name, inputs: r.inputs }, region).state;
      this.states.set(r.urn, state);
      this.arns.set(r.urn, state["arn"] as string);
    }
    for (const d of policyDocuments(resources)) {
      const r = resources.find((x) => x.urn === d.urn)!;
      if (d.kind === "identity" && r.type === "aws:iam/rolePolicy:RolePolicy") {
        const roleUrn = r.propertyDependencies?.["role"]?.[0];
        const role = roleUrn ? this.arns.get(roleUrn) : undefined;
        if (role) this.identity.set(role, [...(this.identity.get(role) ?? []), { name: r.name, policy: d.document }]);
      } else if (d.kind === "resource" || d.kind === "key") {
        const target = this.governed(r);
        if (target) this.resourcePolicies.set(target, [...(this.resourcePolicies.get(target) ?? []), ...d.document.Statement]);
      }
    }
  }

  /** The ARN of the resource whose policy this is. */
  private governed(r: StackResource): string | undefined {
    switch (r.type) {
      case "aws:kms/key:Key":
        return this.arns.get(r.urn);
      case "aws:s3/bucketPolicy:BucketPolicy":
        return `arn:aws:s3:::${String(r.inputs["bucket"])}`;
      case "aws:sns/topicPolicy:TopicPolicy":
        return String(r.inputs["arn"]);
      case "aws:lambda/permission:Permission": {
        const fn = String(r.inputs["function"]);
        return fn.startsWith("arn:") ? fn : `arn:aws:lambda:${this.region}:${ACCOUNT}:function:${fn}`;
      }
      default:
        return undefined;
    }
  }

  public arnOf(type: string, name: string): string {
    const r = this.resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`no ${type} named ${name} in the stack`);
    return this.arns.get(r.urn)!;
  }

  /** A resource's outputs as the mocks answer them (e.g. a role's uniqueId). */
  public outputOf(type: string, name: string, key: string): unknown {
    const r = this.resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`no ${type} named ${name} in the stack`);
    return this.states.get(r.urn)![key];
  }

  public has(type: string, name: string): boolean {
    return this.resources.some((x) => x.type === type && x.name === name);
  }

  public inputsOf(type: string, name: string): Readonly<Record<string, unknown>> {
    const r = this.resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`no ${type} named ${name} in the stack`);
    return r.inputs;
  }

  /** The role a Lambda function runs as. */
  public functionRole(name: string): string {
    return String(this.inputsOf("aws:lambda/function:Function", name)["role"]);
  }

  /** The resource policy that governs an ARN (an object's is its bucket's). */
  public resourcePolicyOf(arn: string): PolicyDocument | undefined {
    const owner = arn.startsWith("arn:aws:s3:::") ? `arn:aws:s3:::${arn.slice("arn:aws:s3:::".length).split("/")[0]}` : arn;
    const statements = this.resourcePolicies.get(owner);
    return statements ? { Version: "2012-10-17", Statement: statements } : undefined;
  }

  /** The role's identity statements (for by-value checks of what the simulator ignores). */
  public identityStatements(roleArn: string): PolicyDocument["Statement"] {
    return (this.identity.get(roleArn) ?? []).flatMap((p) => p.policy.Statement);
  }

  public async decide(call: SimCall): Promise<Decision> {
    const isRole = call.principal.startsWith("arn:");
    const resourcePolicy = this.resourcePolicyOf(call.resource);
    const simulation = {
      identityPolicies: isRole ? (this.identity.get(call.principal) ?? []).map((p) => ({ name: p.name, policy: p.policy })) : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
      request: {
        principal: call.principal,
        action: call.action,
        resource: { resource: call.resource, accountId: ACCOUNT },
        contextVariables: { "aws:SecureTransport": "true", ...(isRole ? { "aws:PrincipalAccount": ACCOUNT } : {}), ...(call.context ?? {}) },
      },
    } as unknown as Simulation;
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") throw new Error(`simulation of ${call.action} on ${call.resource} is invalid: ${JSON.stringify(result.errors)}`);
    return result.overallResult;
  }
}
