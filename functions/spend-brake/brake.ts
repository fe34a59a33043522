/**
 * One brake run: decide which actions the signal calls for (an Athena alarm:
 * the fast Athena brake; a budget notification: every stage the budget's
 * actual or forecasted spend has reached), apply them, log each result and
 * report them on the alert topic. Clients are passed in.
 */
import { BudgetsClient, DescribeBudgetCommand } from "@aws-sdk/client-budgets";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ActionContext, runActions } from "./actions";
import { ActionResult, BrakeActionName, Plan, actionsReached } from "./plan";

export interface Signal {
  /** "alarm": a fast-brake alarm entering ALARM; "budget": a budget notification; "ignore": an alarm returning to OK. */
  readonly kind: "alarm" | "budget" | "ignore";
  /** The action a fast-brake alarm calls for (by its metric's namespace). */
  readonly action?: BrakeActionName;
  readonly detail: string;
}

/** Fast-brake alarms by their metric's namespace. */
const ALARM_ACTIONS: Readonly<Record<string, BrakeActionName>> = { "AWS/Athena": "disable-athena-workgroups", "AWS/Kinesis": "stop-ingestion" };

/** What an SNS message on the signals topic is. */
export function signalOf(message: string): Signal {
  try {
    const m = JSON.parse(message) as { AlarmName?: string; NewStateValue?: string; Trigger?: { Namespace?: string } };
    if (typeof m.AlarmName === "string") {
      const detail = `alarm ${m.AlarmName} ${m.NewStateValue ?? ""}`.trim();
      const action = ALARM_ACTIONS[m.Trigger?.Namespace ?? ""];
      return m.NewStateValue === "ALARM" && action ? { kind: "alarm", action, detail } : { kind: "ignore", detail };
    }
  } catch {
    // Budget notifications are plain text.
  }
  return { kind: "budget", detail: message.split("\n").find((l) => /threshold/i.test(l))?.trim() ?? "budget notification" };
}

export interface BrakeRunDeps {
  readonly ctx: ActionContext;
  readonly plan: Plan;
  readonly budgets: BudgetsClient;
  readonly sns: SNSClient;
  readonly budgetName: string;
  readonly alertTopicArn: string;
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

export interface BrakeRun {
  readonly signal: Signal;
  readonly actions: BrakeActionName[];
  readonly results: ActionResult[];
  readonly failures: { action: BrakeActionName; error: string }[];
}

export async function runBrake(signal: Signal, deps: BrakeRunDeps): Promise<BrakeRun> {
  const actions = signal.kind === "ignore" ? [] : signal.kind === "alarm" ? [signal.action!] : actionsReached(deps.plan, await spendOf(deps));
  const { results, failures } = await runActions(deps.ctx, actions, "apply");
  for (const r of results) deps.log("brake action", { ...r, signal: signal.detail });
  for (const f of failures) deps.log("brake action failed", { ...f, signal: signal.detail });
  const changed = results.filter((r) => r.changed);
  if (changed.length > 0 || failures.length > 0) {
    const lines = [
      `Spend brake (${signal.detail}): ${changed.length} change${changed.length === 1 ? "" : "s"}${failures.length ? `, ${failures.length} failed` : ""}.`,
      ...changed.map((r) => `- ${r.action}: ${r.target}${r.detail ? ` (${r.detail})` : ""}`),
      ...failures.map((f) => `- FAILED ${f.action}: ${f.error}`),
      "Release with: platform brake release --stack <stack> (after the cause is understood).",
    ];
    await deps.sns.send(new PublishCommand({ TopicArn: deps.alertTopicArn, Subject: "Spend brake applied", Message: lines.join("\n") }));
  }
  return { signal, actions, results, failures };
}

async function spendOf(deps: BrakeRunDeps): Promise<{ actualUsd: number; forecastUsd: number | null; budgetUsd: number }> {
  const b = (await deps.budgets.send(new DescribeBudgetCommand({ AccountId: deps.ctx.accountId, BudgetName: deps.budgetName }))).Budget;
  const n = (v: string | undefined) => (v === undefined ? null : Number(v));
  return {
    actualUsd: n(b?.CalculatedSpend?.ActualSpend?.Amount) ?? 0,
    forecastUsd: n(b?.CalculatedSpend?.ForecastedSpend?.Amount),
    budgetUsd: n(b?.BudgetLimit?.Amount) ?? Infinity,
  };
}
