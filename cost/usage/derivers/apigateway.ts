/**
 * Amazon API Gateway: the calls a month a REST API receives. Expected: one per
 * batch file of the workload (an upload gate's API). Ceiling: the stage's
 * method throttle all month, since throttled calls (429) are not billed; the
 * usage plan's quota is not a bound, AWS applies it on a best-effort basis
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
 */
import type { StackResource } from "../../../model/resources";
import { DAYS_PER_MONTH, SECONDS_PER_MONTH } from "../../constants";
import { numAt } from "../../estimators/types";
import { amount, unbounded } from "../amount";
import type { UsageContext } from "../context";
import { toDerived } from "../derived";
import type { Deriver } from "./types";

const METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings";

/** The lowest stage-wide (`*\/*`) throttle rate set on the API, requests a second; undefined when none. */
export function stageThrottleRate(ctx: UsageContext, api: StackResource): number | undefined {
  const rates = ctx.graph
    .linking(METHOD_SETTINGS, "restApi", (m) => [m.inputs.restApi], api)
    .filter((m) => m.inputs.methodPath === "*/*")
    .map((m) => numAt(m.inputs, "settings.throttlingRateLimit"))
    .filter((r): r is number => r !== undefined && r >= 0);
  return rates.length > 0 ? Math.min(...rates) : undefined;
}

export const apigatewayRestApi: Deriver = {
  derive(api, ctx) {
    const files = ctx.workload ? ctx.workload.batchFilesPerDay * DAYS_PER_MONTH : 0;
    const rate = stageThrottleRate(ctx, api);
    const requests = rate === undefined ? unbounded(files, "no stage-wide throttle (MethodSettings */*) bounds the calls") : amount(Math.min(files, rate * SECONDS_PER_MONTH), rate * SECONDS_PER_MONTH);
    return toDerived({ monthly_requests: requests });
  },
};
