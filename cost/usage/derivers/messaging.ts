/**
 * Messaging: Amazon SQS (messages from failure destinations, dead-letter
 * redrives, SNS subscriptions and writer functions; three requests each:
 * send, receive, delete), Amazon SNS (publishes from alarms, rules, budgets
 * and functions; one delivery per publish and subscription) and EventBridge
 * custom buses (events the stack's functions publish).
 */
import type { StackResource } from "../../../model/resources";
import { SECONDS_PER_MONTH } from "../../constants";
import { at, numAt, strAt } from "../../estimators/types";
import { Amount, amount, fixed, sumAll, times, unbounded } from "../amount";
import { ASSUMPTIONS } from "../assumptions";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import { spikeEvents } from "../processor";
import { envWriters, safeJson } from "../refs";
import { monthlyRuns } from "../schedule";
import { T } from "../tokens";
import type { Deriver } from "./types";

const NO_PRODUCER = "no producer in the stack bounds it";
const NO_TOPIC = "its topic is not in the stack";

export function queueMessages(ctx: UsageContext, q: StackResource): Amount {
  const g = ctx.graph;
  const producers: Amount[] = [];
  for (const m of g.linking(T.esm, "destinationConfig.onFailure.destinationArn", (x) => [at(x.inputs, "destinationConfig.onFailure.destinationArn")], q)) {
    const fn = g.resolveFrom(m, m.inputs.functionName, T.lambda);
    // Failed batches are exceptions: none expected; at most one per invocation.
    producers.push(fn ? amount(0, ctx.lambda(fn).invocations.c, ctx.lambda(fn).invocations.why) : unbounded(0, "its function is not in the stack"));
  }
  for (const other of g.linking(T.queue, "redrivePolicy.deadLetterTargetArn", (x) => [deadLetterTarget(x)], q)) {
    if (other !== q) producers.push(amount(0, ctx.queueMessages(other).c, ctx.queueMessages(other).why));
  }
  for (const sub of g.linking(T.subscription, "endpoint", (x) => [x.inputs.endpoint], q).filter((x) => strAt(x.inputs, "protocol") === "sqs")) {
    const topic = g.resolveFrom(sub, sub.inputs.topic, T.topic);
    producers.push(topic ? ctx.topicPublishes(topic) : unbounded(0, NO_TOPIC));
  }
  for (const { fn } of envWriters(g, q)) producers.push(ctx.lambda(fn).invocations);
  return producers.length > 0 ? sumAll(producers) : unbounded(0, NO_PRODUCER);
}

function deadLetterTarget(queue: StackResource): unknown {
  const redrive = queue.inputs.redrivePolicy;
  return typeof redrive === "string" ? safeJson(redrive)?.deadLetterTargetArn : undefined;
}

const ALARM_ACTIONS = ["alarmActions", "okActions", "insufficientDataActions"] as const;
const alarmActions = (a: StackResource): unknown[] => ALARM_ACTIONS.flatMap((k) => (Array.isArray(a.inputs[k]) ? (a.inputs[k] as unknown[]) : []));
const budgetTopics = (b: StackResource): unknown[] =>
  (Array.isArray(b.inputs.notifications) ? (b.inputs.notifications as Record<string, unknown>[]) : []).flatMap((x) => (Array.isArray(x.subscriberSnsTopicArns) ? (x.subscriberSnsTopicArns as unknown[]) : []));

export function topicPublishes(ctx: UsageContext, topic: StackResource): Amount {
  const producers = [...alarmPublishes(ctx, topic), ...rulePublishes(ctx, topic), ...budgetPublishes(ctx, topic)];
  for (const { fn } of envWriters(ctx.graph, topic)) producers.push(ctx.lambda(fn).invocations);
  return producers.length > 0 ? sumAll(producers) : unbounded(0, NO_PRODUCER);
}

/** Alarms notifying the topic: an ALARM and an OK a month expected; at most one per evaluation window. */
function alarmPublishes(ctx: UsageContext, topic: StackResource): Amount[] {
  const out: Amount[] = [];
  for (const a of ctx.graph.linking(T.alarm, "actions", alarmActions, topic)) {
    const period = (numAt(a.inputs, "period") ?? 60) * (numAt(a.inputs, "evaluationPeriods") ?? 1);
    out.push(amount(ASSUMPTIONS.alarmNotificationsPerMonth, SECONDS_PER_MONTH / period));
  }
  return out;
}

/** EventBridge rule targets: a scheduled rule's runs, a custom bus's events, or Glue / Step Functions state changes. */
function rulePublishes(ctx: UsageContext, topic: StackResource): Amount[] {
  const g = ctx.graph;
  const out: Amount[] = [];
  for (const t of g.linking(T.target, "arn", (x) => [x.inputs.arn], topic)) {
    const bus = g.resolveFrom(t, t.inputs.eventBusName, T.bus);
    const rule = g.resolveFrom(t, t.inputs.rule, T.rule);
    const scheduled = rule ? monthlyRuns(strAt(rule.inputs, "scheduleExpression")) : undefined;
    const pattern = rule ? safeJson(strAt(rule.inputs, "eventPattern") ?? "") : undefined;
    const sources = Array.isArray(pattern?.source) ? (pattern.source as unknown[]) : [];
    if (scheduled !== undefined) out.push(fixed(scheduled));
    else if (bus) out.push(ctx.busEvents(bus));
    else if (sources.length > 0 && sources.every((x) => x === "aws.glue" || x === "aws.states")) out.push(stateChangeEvents(ctx, sources));
    else out.push(unbounded(0, "a rule on the default bus forwards events nothing in the stack bounds"));
  }
  return out;
}

/** Glue and Step Functions state-change events: none expected (failures are exceptions), at most a few per run. */
function stateChangeEvents(ctx: UsageContext, sources: readonly unknown[]): Amount {
  const g = ctx.graph;
  const glue = sources.includes("aws.glue") ? g.ofType(T.glueJob, T.crawler).reduce((acc, r) => acc + (ctx.glueRuns(r) ?? 0), 0) : 0;
  const machines = sources.includes("aws.states") ? g.ofType(T.sfn).map((m) => ctx.scheduledRuns(m)) : [];
  return machines.some((n) => n === 0)
    ? unbounded(0, "a state machine's executions are not bounded by a schedule in the stack")
    : amount(0, (glue + machines.reduce((a, b) => a + b, 0)) * ASSUMPTIONS.glueEventsPerRun);
}

/** Budgets notifying the topic: none expected, at most one per notification a month. */
function budgetPublishes(ctx: UsageContext, topic: StackResource): Amount[] {
  const out: Amount[] = [];
  for (const b of ctx.graph.linking(T.budget, "notifications.subscriberSnsTopicArns", budgetTopics, topic)) {
    const notes = Array.isArray(b.inputs.notifications) ? (b.inputs.notifications as Record<string, unknown>[]) : [];
    const n = notes.filter((x) => Array.isArray(x.subscriberSnsTopicArns) && (x.subscriberSnsTopicArns as unknown[]).some((y) => ctx.graph.links(b, y, topic))).length;
    if (n > 0) out.push(amount(0, n));
  }
  return out;
}

export function busEvents(ctx: UsageContext, bus: StackResource): Amount {
  const producers: Amount[] = [];
  for (const { fn } of envWriters(ctx.graph, bus)) {
    const f = ctx.lambda(fn);
    // A stream consumer's spike events: at most SPIKE_MAX_ALERTS_PER_MINUTE a minute for the whole stack.
    producers.push(f.batch ? spikeEvents(fn, f) : f.invocations);
  }
  return producers.length > 0 ? sumAll(producers) : unbounded(0, NO_PRODUCER);
}

export const sqsQueue: Deriver = {
  derive(q, ctx) {
    return toDerived({ monthly_requests: times(ctx.queueMessages(q), 3) });
  },
};

export const snsTopic: Deriver = {
  derive(topic, ctx) {
    return toDerived({ monthly_requests: ctx.topicPublishes(topic) });
  },
};

export const snsTopicSubscription: Deriver = {
  derive(sub, ctx) {
    const topic = ctx.graph.resolveFrom(sub, sub.inputs.topic, T.topic);
    return toDerived({ monthly_requests: topic ? ctx.topicPublishes(topic) : unbounded(0, NO_TOPIC) });
  },
};

export const eventBus: Deriver = {
  derive(bus, ctx) {
    return toDerived({ monthly_custom_events: ctx.busEvents(bus) });
  },
};
