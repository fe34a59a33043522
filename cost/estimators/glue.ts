/**
 * AWS Glue: ETL jobs and crawlers (DPU-hours) and the Data Catalog (objects,
 * requests). https://aws.amazon.com/glue/pricing/
 */
import { Estimator, Props, line, numAt, strAt, use } from "./types";

/** DPUs of one worker, by worker type (Glue documentation, "Defining job properties"). */
export const GLUE_WORKER_DPU: Readonly<Record<string, number>> = {
  "G.025X": 0.25,
  "G.1X": 1,
  "G.2X": 2,
  "G.4X": 4,
  "G.8X": 8,
  "Z.2X": 2,
  Standard: 1,
};

/** DPUs a crawler run is billed for when the usage file does not say (the AWS crawler example uses 2). */
export const CRAWLER_DEFAULT_DPUS = 2;

/** A job's DPUs: `maxCapacity`, else `numberOfWorkers` x the worker type's DPUs, else Glue's default of 10 DPUs. */
export function glueJobDpus(props: Props, workers?: number): number {
  const maxCapacity = numAt(props, "maxCapacity");
  const n = workers ?? numAt(props, "numberOfWorkers");
  const type = strAt(props, "workerType");
  if (n !== undefined && type !== undefined) return n * (GLUE_WORKER_DPU[type] ?? 1);
  if (maxCapacity !== undefined) return maxCapacity;
  return 10;
}

export const glueJob: Estimator = {
  priceProps: ["maxCapacity", "numberOfWorkers", "workerType", "timeout"],
  usageKeys: {
    monthly_hours: "Hours the job runs a month (all runs together).",
    monthly_runs: "Runs a month (applies the 1-minute minimum per run).",
    workers: "Workers per run (overrides numberOfWorkers; the ceiling uses limits.glue.maxWorkers).",
  },
  price({ props, usage, prices }) {
    const hours = Math.max(use(usage, "monthly_hours"), use(usage, "monthly_runs") / 60);
    return line(prices, "glue.etlDpuHour", "ETL job DPU-hours", hours * glueJobDpus(props, usage.workers));
  },
};

export const glueCrawler: Estimator = {
  usageKeys: {
    monthly_hours: "Hours the crawler runs a month (all runs together).",
    monthly_runs: "Runs a month (applies the 10-minute minimum per run).",
    dpus: `DPUs a run uses (default ${CRAWLER_DEFAULT_DPUS}).`,
  },
  price({ usage, prices }) {
    const hours = Math.max(use(usage, "monthly_hours"), (use(usage, "monthly_runs") * 10) / 60);
    return line(prices, "glue.crawlerDpuHour", "Crawler DPU-hours", hours * use(usage, "dpus", CRAWLER_DEFAULT_DPUS));
  },
};

/** A catalog database or table is one Data Catalog object (partitions and versions are more). */
export const glueCatalogObject: Estimator = {
  usageKeys: {
    monthly_objects: "Data Catalog objects this resource stores (default 1: itself; add partitions and table versions).",
    monthly_requests: "Data Catalog requests a month.",
  },
  price({ usage, prices }) {
    return [
      ...line(prices, "glue.catalogObjectMonth", "Data Catalog objects", use(usage, "monthly_objects", 1)),
      ...line(prices, "glue.catalogRequests", "Data Catalog requests", use(usage, "monthly_requests") / 1e6),
    ];
  },
};
