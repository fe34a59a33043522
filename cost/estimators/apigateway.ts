/**
 * Amazon API Gateway REST APIs: API calls received, tiered per million
 * (https://aws.amazon.com/api-gateway/pricing/). No cache is priced: the
 * platform's APIs enable none. Data transfer out is not modelled.
 */
import { Estimator, tieredLines, use } from "./types";

export const apigatewayRestApi: Estimator = {
  usageKeys: {
    monthly_requests: "API calls received a month (throttled and unauthorized calls are not billed).",
  },
  price({ usage, prices }) {
    return tieredLines(prices, "apigateway.rest.requests", "API calls", use(usage, "monthly_requests") / 1e6);
  },
};
