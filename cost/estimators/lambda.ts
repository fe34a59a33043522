/**
 * AWS Lambda: requests and duration (GB-seconds), x86_64 and arm64.
 * Memory (`memorySize`, default 128 MB) and architecture (`architectures`,
 * default x86_64) come from the props. https://aws.amazon.com/lambda/pricing/
 */
import { Estimator, Props, at, line, numAt, use } from "./types";

export function lambdaMemoryMb(props: Props): number {
  return numAt(props, "memorySize") ?? 128;
}

export function isArm64(props: Props): boolean {
  const archs = at(props, "architectures");
  return Array.isArray(archs) && archs.includes("arm64");
}

export const lambdaFunction: Estimator = {
  priceProps: ["memorySize", "architectures", "reservedConcurrentExecutions", "timeout"],
  usageKeys: {
    monthly_requests: "Invocations a month.",
    request_duration_ms: "Average billed duration of one invocation, in ms.",
    custom_metrics: "CloudWatch custom metrics the function publishes (e.g. Powertools EMF), billed per metric-month.",
  },
  price({ props, usage, prices }) {
    const requests = use(usage, "monthly_requests");
    const gbSeconds = (requests * use(usage, "request_duration_ms") * lambdaMemoryMb(props)) / 1000 / 1024;
    const arm = isArm64(props);
    return [
      ...line(prices, "lambda.requests", "Requests", requests / 1e6),
      ...line(prices, arm ? "lambda.arm64GbSecond" : "lambda.x86GbSecond", `Duration (${arm ? "arm64" : "x86_64"})`, gbSeconds),
      ...line(prices, "cloudwatch.customMetricMonth", "Custom metrics", use(usage, "custom_metrics")),
    ];
  },
};
