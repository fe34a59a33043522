/**
 * Amazon Kinesis Data Streams: provisioned (shard-hours, PUT payload units,
 * extended retention) and on-demand Standard (stream-hours, data in, data out).
 * https://aws.amazon.com/kinesis/data-streams/pricing/
 */
import { HOURS_PER_MONTH } from "../constants";
import { Estimator, Props, line, numAt, strAt, use } from "./types";

/** True when the stream is in on-demand mode (`streamModeDetails.streamMode`). */
export function isOnDemandStream(props: Props): boolean {
  return (strAt(props, "streamModeDetails.streamMode") ?? "PROVISIONED").toUpperCase() === "ON_DEMAND";
}

/** Retention beyond the included 24 hours bills extended retention (up to 7 days). */
function extendedRetentionHours(props: Props): number {
  const hours = numAt(props, "retentionPeriod") ?? 24;
  return hours > 24 ? 1 : 0;
}

export const kinesisStream: Estimator = {
  priceProps: ["shardCount", "streamModeDetails", "retentionPeriod"],
  usageKeys: {
    monthly_provisioned_put_units: "PUT payload units a month (provisioned: each record counts one unit per started 25 KB).",
    monthly_on_demand_data_in_gb: "GB written a month (on-demand: each record rounded up to the next 1 KB).",
    monthly_on_demand_data_out_gb: "GB read a month by all standard consumers together (on-demand).",
    shard_count: "Shards billed all month (provisioned); overrides the shardCount prop (the ceiling uses it for maxShards).",
  },
  price({ props, usage, prices }) {
    if (isOnDemandStream(props)) {
      return [
        ...line(prices, "kinesis.onDemand.streamHour", "Stream hours (on-demand)", HOURS_PER_MONTH),
        ...line(prices, "kinesis.onDemand.dataInGb", "Data in (on-demand)", use(usage, "monthly_on_demand_data_in_gb")),
        ...line(prices, "kinesis.onDemand.dataOutGb", "Data out (on-demand)", use(usage, "monthly_on_demand_data_out_gb")),
      ];
    }
    const shards = use(usage, "shard_count", numAt(props, "shardCount") ?? 1);
    return [
      ...line(prices, "kinesis.provisioned.shardHour", "Shard hours", shards * HOURS_PER_MONTH),
      ...line(prices, "kinesis.provisioned.putPayloadUnits", "PUT payload units", use(usage, "monthly_provisioned_put_units") / 1e6),
      ...line(prices, "kinesis.provisioned.extendedRetentionShardHour", "Extended retention (beyond 24 h)", extendedRetentionHours(props) * shards * HOURS_PER_MONTH),
    ];
  },
};
