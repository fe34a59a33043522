/**
 * Messaging and orchestration: Amazon SQS, Amazon SNS (publishes and
 * deliveries), Amazon EventBridge (custom events, Scheduler) and AWS Step
 * Functions (standard transitions; express requests and GB-seconds).
 */
import { Estimator, boolAt, line, strAt, use } from "./types";

/** SQS, SNS and EventBridge bill each started 64 KB of payload as one request. */
export function chunks64k(sizeKb: number): number {
  return Math.max(1, Math.ceil(sizeKb / 64));
}

export const sqsQueue: Estimator = {
  priceProps: ["fifoQueue"],
  usageKeys: {
    monthly_requests: "API requests a month (send, receive, delete...).",
    request_size_kb: "Average payload size in KB (each 64 KB chunk is one request; default 1).",
  },
  price({ props, usage, prices }) {
    const fifo = boolAt(props, "fifoQueue") === true;
    const requests = use(usage, "monthly_requests") * chunks64k(use(usage, "request_size_kb", 1));
    return line(prices, fifo ? "sqs.fifoRequests" : "sqs.standardRequests", fifo ? "Requests (FIFO)" : "Requests (standard)", requests / 1e6);
  },
};

export const snsTopic: Estimator = {
  usageKeys: {
    monthly_requests: "Publish requests a month.",
    request_size_kb: "Average message size in KB (each 64 KB chunk is one request; default 1).",
  },
  price({ usage, prices }) {
    const requests = use(usage, "monthly_requests") * chunks64k(use(usage, "request_size_kb", 1));
    return line(prices, "sns.publishRequests", "Publish requests", requests / 1e6);
  },
};

/** Deliveries are billed per subscription protocol; deliveries to SQS and Lambda are free. */
export const snsTopicSubscription: Estimator = {
  priceProps: ["protocol"],
  usageKeys: {
    monthly_requests: "Notifications delivered to this subscription a month.",
  },
  price({ props, usage, prices }) {
    const protocol = (strAt(props, "protocol") ?? "").toLowerCase();
    const n = use(usage, "monthly_requests");
    if (protocol === "email" || protocol === "email-json") return line(prices, "sns.emailDeliveries", "Email notifications", n / 1e5);
    if (protocol === "http" || protocol === "https") return line(prices, "sns.httpDeliveries", "HTTP/S notifications", n / 1e6);
    return [];
  },
};

export const eventBus: Estimator = {
  usageKeys: {
    monthly_custom_events: "Custom events published a month (each 64 KB chunk is one event).",
  },
  price({ usage, prices }) {
    return line(prices, "eventbridge.customEvents", "Custom events", use(usage, "monthly_custom_events") / 1e6);
  },
};

export const schedulerSchedule: Estimator = {
  priceProps: ["scheduleExpression"],
  usageKeys: {
    monthly_invocations: "Scheduled invocations a month (derived from scheduleExpression when absent).",
  },
  price({ usage, prices }) {
    return line(prices, "scheduler.invocations", "Scheduled invocations", use(usage, "monthly_invocations") / 1e6);
  },
};

export const stateMachine: Estimator = {
  priceProps: ["type"],
  usageKeys: {
    monthly_transitions: "State transitions a month (Standard workflows).",
    monthly_requests: "Workflow requests a month (Express workflows).",
    memory_mb: "Average memory of an Express workflow in MB (billed in 64 MB steps; default 64).",
    workflow_duration_ms: "Average duration of an Express workflow in ms (billed in 100 ms steps).",
  },
  price({ props, usage, prices }) {
    const express = (strAt(props, "type") ?? "STANDARD").toUpperCase() === "EXPRESS";
    if (!express) return line(prices, "sfn.standardTransitions", "State transitions", use(usage, "monthly_transitions") / 1000);
    const requests = use(usage, "monthly_requests");
    const memGb = (Math.ceil(use(usage, "memory_mb", 64) / 64) * 64) / 1024;
    const seconds = (Math.ceil(use(usage, "workflow_duration_ms") / 100) * 100) / 1000;
    return [
      ...line(prices, "sfn.expressRequests", "Express requests", requests / 1e6),
      ...line(prices, "sfn.expressGbSecond", "Express duration", requests * seconds * memGb),
    ];
  },
};
