/**
 * Least-privilege IAM documents: every statement names its actions explicitly
 * and scopes them to resource ARNs. Pure helpers; `*` is refused here so a
 * careless statement fails in tests before the policy pack sees it.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Statement {
  readonly sid?: string;
  readonly effect?: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly resources: readonly pulumi.Input<string>[];
  /** Values may be Outputs (a role's unique ID, an ARN). */
  readonly condition?: Record<string, Record<string, pulumi.Input<unknown>>>;
}

/**
 * Actions that AWS does not scope to a resource: they take `*` by design
 * (the policy pack lists the same exceptions in its config).
 */
export const RESOURCE_LESS_ACTIONS: readonly string[] = ["cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"];

/** A JSON policy document as an Output<string>. */
export function policyDocument(statements: readonly Statement[]): pulumi.Output<string> {
  for (const s of statements) {
    if (s.actions.length === 0) throw new Error(`IAM statement ${s.sid ?? ""} must list at least one action`);
    for (const a of s.actions) {
      if (a === "*" || a.endsWith(":*")) throw new Error(`IAM statement ${s.sid ?? ""} must not grant wildcard action ${a}`);
    }
  }
  return pulumi
    .all([pulumi.all(statements.map((s) => pulumi.all(s.resources.map((r) => pulumi.output(r))))), pulumi.output(statements.map((s) => s.condition ?? null))])
    .apply(([resolved, conditions]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: statements.map((s, i) => ({
          ...(s.sid ? { Sid: s.sid } : {}),
          Effect: s.effect ?? "Allow",
          Action: [...s.actions],
          Resource: resolved[i].length === 1 ? resolved[i][0] : resolved[i],
          ...(conditions[i] ? { Condition: conditions[i] } : {}),
        })),
      }),
    );
}

/** Trust policy letting one AWS service assume a role, limited to this account. */
export function assumeRolePolicy(service: string, accountId?: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(accountId).apply((account) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sts:AssumeRole",
          ...(account ? { Condition: { StringEquals: { "aws:SourceAccount": account } } } : {}),
        },
      ],
    }),
  );
}
