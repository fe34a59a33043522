/**
 * Every IAM policy document a stack declares, wherever it lives: identity
 * policies (role inline policies, managed policies), resource policies
 * (bucket, topic, queue, secret, event bus, Lambda permission) and KMS key
 * policies, with the resource each one governs. Pure: reads resource inputs.
 */
import { StackResource } from "./resources";

export type DocumentKind = "identity" | "resource" | "key" | "trust";

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement[];
}

export interface StackPolicyDocument {
  /** The resource that declares the document. */
  readonly urn: string;
  readonly type: string;
  readonly kind: DocumentKind;
  /** The input holding it (`policy`, `assumeRolePolicy`). */
  readonly input: string;
  readonly document: PolicyDocument;
}

/** Where each resource type keeps its policy documents. */
const DOCUMENT_INPUTS: Readonly<Record<string, readonly [string, DocumentKind][]>> = {
  "aws:iam/role:Role": [["assumeRolePolicy", "trust"]],
  "aws:iam/rolePolicy:RolePolicy": [["policy", "identity"]],
  "aws:iam/policy:Policy": [["policy", "identity"]],
  "aws:kms/key:Key": [["policy", "key"]],
  "aws:s3/bucketPolicy:BucketPolicy": [["policy", "resource"]],
  "aws:sns/topicPolicy:TopicPolicy": [["policy", "resource"]],
  "aws:sqs/queuePolicy:QueuePolicy": [["policy", "resource"]],
  "aws:secretsmanager/secretPolicy:SecretPolicy": [["policy", "resource"]],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": [["policy", "resource"]],
};

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
export const actionsOf = (s: PolicyStatement): string[] => asList(s.Action);
export const resourcesOf = (s: PolicyStatement): string[] => asList(s.Resource);

/** A document input as an object: JSON text or an object; anything else (unknown, secret) is skipped. */
function parseDocument(value: unknown): PolicyDocument | undefined {
  let doc = value;
  if (typeof value === "string") {
    try {
      doc = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (doc === null || typeof doc !== "object") return undefined;
  const statements = (doc as { Statement?: unknown }).Statement;
  if (statements === undefined) return undefined;
  const list: PolicyStatement[] = Array.isArray(statements) ? (statements as PolicyStatement[]) : [statements as PolicyStatement];
  return { ...(doc as PolicyDocument), Statement: list };
}

/** A Lambda permission is a one-statement resource policy on its function. */
function permissionDocument(r: StackResource): PolicyDocument | undefined {
  const i = r.inputs;
  const fn = i["function"];
  if (typeof i["action"] !== "string" || typeof fn !== "string") return undefined;
  // `function` takes a name or an ARN; a name means that function of the stack's own account and region.
  const resource = fn.startsWith("arn:") ? fn : `arn:aws:lambda:*:*:function:${fn}`;
  // As Lambda writes the statement: the source ARN and account become conditions.
  const condition = {
    ...(typeof i["sourceArn"] === "string" ? { ArnLike: { "aws:SourceArn": i["sourceArn"] } } : {}),
    ...(typeof i["sourceAccount"] === "string" ? { StringEquals: { "aws:SourceAccount": i["sourceAccount"] } } : {}),
  };
  const principal = String(i["principal"]).endsWith(".amazonaws.com") ? { Service: i["principal"] } : { AWS: i["principal"] };
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: i["action"], Resource: resource, ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}) }] };
}

/** Every policy document of the stack. */
export function policyDocuments(resources: readonly StackResource[]): StackPolicyDocument[] {
  const out: StackPolicyDocument[] = [];
  for (const r of resources) {
    if (r.type === "aws:lambda/permission:Permission") {
      const document = permissionDocument(r);
      if (document) out.push({ urn: r.urn, type: r.type, kind: "resource", input: "action", document });
      continue;
    }
    for (const [input, kind] of DOCUMENT_INPUTS[r.type] ?? []) {
      const document = parseDocument(r.inputs[input]);
      if (document) out.push({ urn: r.urn, type: r.type, kind, input, document });
    }
  }
  return out;
}
