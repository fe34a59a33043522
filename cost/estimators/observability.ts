/**
 * Amazon CloudWatch: log ingestion and storage, alarms, dashboards.
 * https://aws.amazon.com/cloudwatch/pricing/
 */
import { Estimator, at, line, numAt, use } from "./types";

export const logGroup: Estimator = {
  priceProps: ["retentionInDays"],
  usageKeys: {
    monthly_data_ingested_gb: "GB of logs ingested a month.",
    storage_gb: "GB of logs stored (average over the month).",
  },
  price({ usage, prices }) {
    return [
      ...line(prices, "cloudwatch.logsIngestGb", "Logs ingested", use(usage, "monthly_data_ingested_gb")),
      ...line(prices, "cloudwatch.logsStorageGbMonth", "Logs stored", use(usage, "storage_gb")),
    ];
  },
};

/**
 * An alarm is billed per metric it evaluates: one for a plain alarm, one per
 * metric of a metric-math alarm (`metricQueries` entries with a `metric`).
 * A period under 60 s makes it a high-resolution alarm.
 */
export const metricAlarm: Estimator = {
  priceProps: ["period", "metricQueries"],
  usageKeys: {},
  price({ props, prices }) {
    const queries = at(props, "metricQueries");
    const metrics = Array.isArray(queries) && queries.length > 0 ? Math.max(1, queries.filter((q) => q && typeof q === "object" && "metric" in q && (q as { metric?: unknown }).metric).length) : 1;
    const period = numAt(props, "period") ?? 60;
    const highRes = period < 60;
    return line(prices, highRes ? "cloudwatch.alarmHighResMetric" : "cloudwatch.alarmStandardMetric", highRes ? "High-resolution alarm metrics" : "Standard alarm metrics", metrics);
  },
};

export const dashboard: Estimator = {
  usageKeys: {},
  price({ prices }) {
    return line(prices, "cloudwatch.dashboardMonth", "Dashboard", 1);
  },
};
