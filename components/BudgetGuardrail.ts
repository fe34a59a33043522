/**
 * The budget guardrail every stack carries: a monthly cost budget filtered by
 * the stack's cost-allocation tag, alerts at 80% and 100% of actual spend and
 * 100% of forecast, and Cost Anomaly Detection on the same tag.
 *
 * A user tag is invisible to Budgets and Cost Explorer until it is activated
 * for cost allocation, so the tag's activation is declared here (status
 * Active). AWS can only activate a tag once it has appeared in the billing
 * data, up to 24 hours after the first tagged resource exists: on a brand-new
 * account the first `pulumi up` may fail on the activation; run it again the
 * next day (docs/design.md, "Cost allocation tag").
 * https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/activating-tags.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface BudgetGuardrailArgs {
  /** Monthly limit in USD. */
  readonly monthlyUsd: number;
  readonly alertEmails: readonly string[];
  /** Alert topic (budgets and anomalies publish to it). */
  readonly alertTopicArn: pulumi.Input<string>;
  /** Tag key and value that mark this stack's spend (a cost-allocation tag). */
  readonly costAllocationTag: { readonly key: string; readonly value: string };
  /** Anomalies whose total impact reaches this many USD are notified. */
  readonly anomalyThresholdUsd: number;
  /**
   * The alert topic's access policy: Budgets and Cost Anomaly Detection check
   * that they may publish when the notification is created, so both wait for it.
   */
  readonly alertTopicPolicy?: pulumi.Resource;
}

/** The notifications a budget sends: [kind, percent]. */
export const BUDGET_NOTIFICATIONS: readonly { type: "ACTUAL" | "FORECASTED"; percent: number }[] = [
  { type: "ACTUAL", percent: 80 },
  { type: "ACTUAL", percent: 100 },
  { type: "FORECASTED", percent: 100 },
];

export function validateBudgetArgs(args: BudgetGuardrailArgs): void {
  if (!(args.monthlyUsd > 0)) throw new Error(`BudgetGuardrail: monthlyUsd must be a positive number (got ${args.monthlyUsd})`);
  if (args.alertEmails.length === 0) throw new Error("BudgetGuardrail: alertEmails must list at least one address");
  // AWS Budgets accepts at most 10 e-mail subscribers per notification.
  if (args.alertEmails.length > 10) throw new Error("BudgetGuardrail: alertEmails must list at most 10 addresses");
}

export class BudgetGuardrail extends pulumi.ComponentResource {
  public readonly budget: aws.budgets.Budget;
  /** The activation of the stack's cost-allocation tag key. */
  public readonly costAllocationTag: aws.costexplorer.CostAllocationTag;
  public readonly budgetName: pulumi.Output<string>;

  public constructor(name: string, args: BudgetGuardrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:guardrails:BudgetGuardrail", name, {}, opts);
    validateBudgetArgs(args);

    // Activation is account-wide and shared by every stack of the account: destroying one stack
    // must not deactivate the tag the others filter on.
    this.costAllocationTag = new aws.costexplorer.CostAllocationTag(`${name}-tag-activation`, {
      tagKey: args.costAllocationTag.key,
      status: "Active",
    }, { parent: this, retainOnDelete: true });
    const afterPublishing = { parent: this, dependsOn: [this.costAllocationTag, ...(args.alertTopicPolicy ? [args.alertTopicPolicy] : [])] };

    this.budget = new aws.budgets.Budget(`${name}-monthly`, {
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: args.monthlyUsd.toFixed(2),
      limitUnit: "USD",
      costFilters: [{ name: "TagKeyValue", values: [`user:${args.costAllocationTag.key}$${args.costAllocationTag.value}`] }],
      notifications: BUDGET_NOTIFICATIONS.map((n) => ({
        comparisonOperator: "GREATER_THAN",
        notificationType: n.type,
        threshold: n.percent,
        thresholdType: "PERCENTAGE",
        subscriberEmailAddresses: [...args.alertEmails],
        subscriberSnsTopicArns: [args.alertTopicArn],
      })),
    }, afterPublishing);
    this.budgetName = this.budget.name;

    const monitor = new aws.costexplorer.AnomalyMonitor(`${name}-anomalies`, {
      monitorType: "CUSTOM",
      monitorSpecification: JSON.stringify({ Tags: { Key: args.costAllocationTag.key, Values: [args.costAllocationTag.value], MatchOptions: ["EQUALS"] } }),
    }, { parent: this, dependsOn: [this.costAllocationTag] });

    new aws.costexplorer.AnomalySubscription(`${name}-anomaly-alerts`, {
      frequency: "IMMEDIATE",
      monitorArnLists: [monitor.arn],
      subscribers: [{ type: "SNS", address: args.alertTopicArn }],
      thresholdExpression: {
        dimension: { key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE", matchOptions: ["GREATER_THAN_OR_EQUAL"], values: [String(args.anomalyThresholdUsd)] },
      },
    }, afterPublishing);

    this.registerOutputs({ budgetName: this.budgetName });
  }
}
