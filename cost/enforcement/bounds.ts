/**
 * The bound of each priced part: how its ceiling is enforced, in words and as
 * a figure from enforced bounds only, and its maximum rate (USD an hour) for
 * the brake's worst case. One rule per kind of part. Pure.
 */
import { StackResource } from "../../model/resources";
import { GB, HOURS_PER_MONTH, MB, SECONDS_PER_MONTH } from "../constants";
import { athenaBilledGbPerQuery } from "../estimators/analytics";
import { ESTIMATORS } from "../estimators";
import { isProvisionedTable } from "../estimators/dynamodb";
import { isOnDemandStream } from "../estimators/kinesis";
import { at, numAt, strAt } from "../estimators/types";
import { PriceBook } from "../prices/catalogue";
import { quota } from "../quotas";
import { ResourceCostItem, Usage } from "../types";
import { gatesOf } from "../usage/gates";
import { ResourceGraph } from "../usage/graph";
import { Activity, DriverGraph, SETTING, activityKind } from "./drivers";
import { T } from "../usage/tokens";
import { BrakePlan, CeilingEnforcement } from "./types";

export interface PartBound {
  /** null: nothing enforces the ceiling (a workload figure, an alarm, or nothing at all). */
  readonly enforcement: CeilingEnforcement | null;
  /** What bounds it, in one phrase. */
  readonly bound: string;
  /** The ceiling from enforced bounds only (null when nothing enforces it). */
  readonly enforcedUsd: number | null;
  /** USD an hour at the part's maximum rate, for the brake's worst case (null: none known). */
  readonly ratePerHourUsd: number | null;
  /** Added once to the worst case: what is already in flight when the brake acts (Athena queries). */
  readonly inFlightUsd: number;
  /** The part of the ceiling no brake action stops (a provisioned stream's shard-hours). */
  readonly unstoppableUsd?: number;
}

export interface BoundContext {
  readonly g: ResourceGraph;
  readonly drivers: DriverGraph;
  readonly region: string;
  readonly prices: PriceBook;
  readonly plan?: BrakePlan;
}

const FIXED: Readonly<Record<string, string>> = {
  "aws:cloudwatch/metricAlarm:MetricAlarm": "a fixed monthly price per alarm metric",
  "aws:cloudwatch/dashboard:Dashboard": "a fixed monthly price",
  "aws:budgets/budget:Budget": "a fixed daily price",
  "aws:ec2/eip:Eip": "a fixed hourly price",
  "aws:kms/key:Key": "a fixed monthly price per key (API requests are not modelled)",
  "aws:secretsmanager/secret:Secret": "a fixed monthly price per secret (API calls are not modelled)",
  "aws:glue/catalogDatabase:CatalogDatabase": "one Data Catalog object",
  "aws:glue/catalogTable:CatalogTable": "one Data Catalog object",
  "aws:quicksight/dataSet:DataSet": "SPICE capacity fixed by the data set",
};

function price(ctx: BoundContext, r: StackResource, usage: Usage): number {
  const e = ESTIMATORS[r.type];
  return e ? e.price({ props: r.inputs, usage, prices: ctx.prices }).reduce((a, l) => a + l.monthlyUsd, 0) : 0;
}

const enforced = (enforcement: CeilingEnforcement, bound: string, usd: number, inFlightUsd = 0): PartBound => ({ enforcement, bound, enforcedUsd: usd, ratePerHourUsd: usd / HOURS_PER_MONTH, inFlightUsd });
const notEnforced = (bound: string, ratePerHourUsd: number | null = null, inFlightUsd = 0): PartBound => ({ enforcement: null, bound, enforcedUsd: null, ratePerHourUsd, inFlightUsd });

/** The bound of one priced part. */
export function boundOf(item: ResourceCostItem, r: StackResource, ctx: BoundContext): PartBound {
  const fixed = FIXED[r.type];
  if (fixed !== undefined) return enforced("fixed", fixed, item.ceilingMonthlyUsd ?? item.expectedMonthlyUsd);
  const own = ownBound(item, r, ctx);
  if (own) return own;
  if (item.ceilingMonthlyUsd === null) return notEnforced(`not bounded: ${item.unboundedReason ?? "no upper bound"}`, ratePerHourOf(item, r, ctx));
  const upstream = upstreamBound([...ctx.drivers.of(r)], ctx);
  return upstream.ok ? enforced(upstream.quota ? "aws-quota" : "aws-setting", upstream.bound, item.ceilingMonthlyUsd) : notEnforced(upstream.bound, ratePerHourOf(item, r, ctx));
}

/** Parts whose own settings bound them, whatever feeds them. */
function ownBound(item: ResourceCostItem, r: StackResource, ctx: BoundContext): PartBound | undefined {
  const c = item.ceilingMonthlyUsd;
  switch (r.type) {
    case T.lambda: {
      const reserved = numAt(r.inputs, "reservedConcurrentExecutions");
      return reserved !== undefined && reserved >= 0 && c !== null ? enforced("aws-setting", `reserved concurrency ${reserved} x 730 h`, c) : undefined;
    }
    case T.table: {
      if (c === null) return undefined;
      if (isProvisionedTable(r.inputs)) return enforced("aws-setting", "provisioned capacity at its autoscaling maximum", c);
      const w = numAt(r.inputs, "onDemandThroughput.maxWriteRequestUnits");
      const rd = numAt(r.inputs, "onDemandThroughput.maxReadRequestUnits");
      return enforced("aws-setting", `onDemandThroughput maxima ${w} WRU/s, ${rd} RRU/s`, c);
    }
    case T.stream:
      return streamBound(item, r, ctx);
    case T.workgroup:
      return athenaBound(r, ctx);
    case T.rsWorkgroup:
      return c === null ? undefined : enforced("aws-setting", "maxCapacity RPUs, or the usage limit that deactivates it", c);
    case "aws:scheduler/schedule:Schedule":
      return c === null ? undefined : enforced("aws-setting", "its schedule expression", c);
    case "aws:sfn/stateMachine:StateMachine":
      return c === null ? undefined : enforced("aws-setting", "executions fixed by the schedules that start it", c);
    case "aws:quicksight/dataSource:DataSource":
      return c === null ? undefined : enforced("aws-setting", "the QuickSight seats the account subscribes", c);
    case "aws:apigateway/restApi:RestApi":
      return c === null ? undefined : enforced("aws-setting", "the stage's throttle all month (throttled calls are not billed)", c);
    case T.glueJob:
      return c !== null && glueRunsLinked(r, ctx.g) ? enforced("aws-setting", "workers x timeout x the runs its schedules and triggers start", c) : undefined;
    default:
      return undefined;
  }
}

function streamBound(item: ResourceCostItem, s: StackResource, ctx: BoundContext): PartBound {
  if (!isOnDemandStream(s.inputs)) {
    const shards = numAt(s.inputs, "shardCount") ?? 1;
    const usd = item.ceilingMonthlyUsd ?? item.expectedMonthlyUsd;
    // Shard-hours bill whether or not producers write; only the PUT payload units stop with ingestion.
    const hours = item.ceiling.filter((l) => !/PUT payload/.test(l.component)).reduce((a, l) => a + l.monthlyUsd, 0);
    return { ...enforced("aws-setting", `${shards} provisioned shards (scaling bounded by limits.kinesis.maxShards)`, usd), ratePerHourUsd: (usd - hours) / HOURS_PER_MONTH, unstoppableUsd: hours };
  }
  // On-demand: AWS scales the stream to the regional maximum; price it there.
  const mibps = quota(ctx.region, "kinesis.onDemand.maxWriteMiBps");
  const gbIn = (mibps * MB * SECONDS_PER_MONTH) / GB;
  const consumers = ctx.g.ofType(T.esm).filter((m) => ctx.g.links(m, m.inputs.eventSourceArn, s)).length + ctx.g.ofType(T.firehose).filter((f) => ctx.g.links(f, at(f.inputs, "kinesisSourceConfiguration.kinesisStreamArn"), s)).length;
  const usd = price(ctx, s, { monthly_on_demand_data_in_gb: gbIn, monthly_on_demand_data_out_gb: gbIn * consumers });
  return enforced("aws-quota", `on-demand at the regional maximum of ${mibps} MiB/s (quota)`, usd);
}

/**
 * Athena: each query is cut off at bytesScannedCutoffPerQuery (a setting), and queries start at most at
 * StartQueryExecution's rate (a quota). With the fast brake, the workgroups' ProcessedBytes alarm disables
 * them past X GB in 5 minutes: the sustained rate is X per 5 minutes, plus what is in flight until the alarm
 * sees it (queries started in one alarm period plus the DML timeout, each at most the cutoff).
 */
function athenaBound(wg: StackResource, ctx: BoundContext): PartBound {
  const cutoffBytes = numAt(wg.inputs, "configuration.bytesScannedCutoffPerQuery");
  if (cutoffBytes === undefined) return notEnforced("not bounded: no bytesScannedCutoffPerQuery");
  const cutoffGb = athenaBilledGbPerQuery(cutoffBytes / GB);
  const starts = quota(ctx.region, "athena.startQueryExecutionPerSecond");
  const scanned = (queries: number, gbPerQuery: number) => price(ctx, wg, { monthly_queries: queries, data_scanned_gb_per_query: gbPerQuery });
  const fast = ctx.plan?.athenaMaxScannedGbPer5Minutes;
  if (fast !== undefined && ctx.plan?.stages.some((s) => s.actions.includes("disable-athena-workgroups"))) {
    const windowSeconds = 300 + quota(ctx.region, "athena.dmlQueryTimeoutMinutes") * 60;
    const inFlight = scanned(starts * windowSeconds, cutoffGb);
    const perHour = scanned(12, fast);
    return { enforcement: "brake", bound: `the fast brake: at most ${fast} GB per 5 minutes, plus ${starts} queries/s x ${windowSeconds} s in flight at the ${Math.round(cutoffBytes / MB)} MB cutoff`, enforcedUsd: perHour * HOURS_PER_MONTH + inFlight, ratePerHourUsd: perHour, inFlightUsd: inFlight };
  }
  const usd = scanned(starts * SECONDS_PER_MONTH, cutoffGb);
  return { enforcement: "aws-quota", bound: `${starts} queries/s (StartQueryExecution quota) x the ${Math.round(cutoffBytes / MB)} MB cutoff`, enforcedUsd: usd, ratePerHourUsd: usd / HOURS_PER_MONTH, inFlightUsd: 0 };
}

/** USD an hour at the maximum rate of a part nothing else bounds, when its driver has a known rate. */
function ratePerHourOf(item: ResourceCostItem, r: StackResource, ctx: BoundContext): number | null {
  const kinds = [...ctx.drivers.of(r)].map(activityKind);
  if (!T.buckets.includes(r.type as (typeof T.buckets)[number]) || !kinds.includes("athena") || !kinds.every((k) => k === "athena" || k === SETTING)) return null;
  // What settings drive (a scheduled report's objects) runs on: counted at the part's whole ceiling rate, conservatively.
  const settingPart = kinds.includes(SETTING) && item.ceilingMonthlyUsd !== null ? item.ceilingMonthlyUsd / HOURS_PER_MONTH : 0;
  // Query results: one ~1 MB object per query, at the queries/s the Athena bound allows.
  const starts = quota(ctx.region, "athena.startQueryExecutionPerSecond");
  const fast = ctx.plan?.athenaMaxScannedGbPer5Minutes;
  const queriesPerHour = fast !== undefined ? Math.min(starts * 3600, (12 * fast * GB) / (10 * MB)) : starts * 3600;
  // Results kept at most the month (conservative): GB-month = GB written.
  return settingPart + price(ctx, r, { "standard.monthly_tier_1_requests": queriesPerHour, "standard.storage_gb": (queriesPerHour * MB) / GB });
}

/** The bound a part inherits from what drives it. */
function upstreamBound(activities: readonly Activity[], ctx: BoundContext): { ok: boolean; quota: boolean; bound: string } {
  const phrases: string[] = [];
  let quotaBased = false;
  for (const a of activities) {
    const [kind, urn] = [activityKind(a), a.slice(a.indexOf(":") + 1)];
    const src = urn ? ctx.g.resources.find((x) => x.urn === urn) : undefined;
    switch (kind) {
      case SETTING:
        phrases.push("settings (schedules, alarm periods, caps)");
        break;
      case "stream":
        if (src && isOnDemandStream(src.inputs)) return { ok: false, quota: false, bound: `follows on-demand stream ${src.name}, priced at limits.kinesis.maxWriteMBps (an alarm threshold)` };
        phrases.push(`stream ${src?.name ?? "?"}'s provisioned shards`);
        break;
      case "redshift":
        phrases.push("the Redshift usage limit");
        break;
      case "glue":
        if (src && src.type === T.glueJob && glueRunsLinked(src, ctx.g)) phrases.push(`Glue job ${src.name}'s workers x timeout x scheduled runs`);
        else return { ok: false, quota: false, bound: `${src?.name ?? "a Glue job"} runs are not fixed by a schedule or trigger` };
        break;
      case "athena":
        return { ok: false, quota: false, bound: `queries a month are the workload's figure (${src?.name ?? "Athena"})` };
      case "landing": {
        const gates = src ? gatesOf(ctx.g, src) : [];
        if (gates.length === 0) return { ok: false, quota: false, bound: `uploads to landing zone ${src?.name ?? "?"} come from outside the stack` };
        phrases.push(`upload gate ${gates.map((x) => x.fn.name).join(", ")}'s daily slots (DynamoDB counter) x signed Content-Length`);
        break;
      }
      case "directput":
        // AWS throttles Direct PUT producers at the region's per-stream quota (cost/quotas/quotas.json).
        quotaBased = true;
        phrases.push(`the Direct PUT quota of ${src?.name ?? "?"}`);
        break;
      default:
        return { ok: false, quota: false, bound: `${a}` };
    }
  }
  return { ok: true, quota: quotaBased, bound: [...new Set(phrases)].join(", ") };
}

/** True when a Glue job's runs are fixed by its schedule, triggers or scheduled state machines. */
function glueRunsLinked(job: StackResource, g: ResourceGraph): boolean {
  if (strAt(job.inputs, "schedule") !== undefined) return true;
  const triggered = g.ofType("aws:glue/trigger:Trigger").some((t) => (Array.isArray(t.inputs.actions) ? (t.inputs.actions as Record<string, unknown>[]) : []).some((a) => g.links(t, a.jobName, job)));
  const orchestrated = g.ofType("aws:sfn/stateMachine:StateMachine").some((sm) => {
    const scheduled = g.ofType("aws:scheduler/schedule:Schedule", "aws:cloudwatch/eventTarget:EventTarget").some((s) => g.links(s, at(s.inputs, "target.arn") ?? s.inputs.arn, sm));
    return scheduled && stateMachineJobNames(strAt(sm.inputs, "definition") ?? "").some((n) => g.refersTo(n, job));
  });
  return triggered || orchestrated;
}


/** The Glue job names a state machine's definition starts (`"JobName": "..."` in glue:startJobRun tasks). */
function stateMachineJobNames(definition: string): string[] {
  return [...definition.matchAll(/"JobName"\s*:\s*"([^"]+)"/g)].map((m) => m[1]);
}
