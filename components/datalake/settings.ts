/** The data lake's args, and every setting it derives from them, resolved and checked in one place. */
import { PipelineEnvironmentArgs } from "../shared/context";
import { GlueCapacity, glueScheduleExpression, resolveGlueCapacity } from "../shared/glue";
import { projectionParameters } from "./curated";

export interface DataLakePipelineArgs extends PipelineEnvironmentArgs {
  /** Glue/Athena-safe prefix for catalog names, e.g. "retail_data_platform_dev". */
  readonly catalogPrefix: string;
  /** First date the curated partition projection covers (yyyy-MM-dd). Default 2025-01-01. */
  readonly projectionStartDate?: string;
  /** How long raw exports are kept, in days. Default: the history retention, capped at 90. */
  readonly rawRetentionDays?: number;
}

export interface ResolvedDataLakeSettings {
  readonly glue: GlueCapacity;
  /** Glue cron (UTC) of the crawl-then-transform workflow; undefined: on demand only. */
  readonly schedule?: string;
  readonly rawRetentionDays: number;
  readonly curatedRetentionDays: number;
  readonly rejectedRetentionDays: number;
  readonly athenaResultsRetentionDays: number;
  readonly tempRetentionDays: number;
  readonly bytesScannedCutoffPerQuery: number;
  readonly projectionStartDate: string;
  readonly databaseName: string;
}

const MB = 1024 * 1024;

/** Resolves defaults and rejects contradictions before any resource exists. Pure; tested directly. */
export function resolveDataLakeSettings(args: DataLakePipelineArgs): ResolvedDataLakeSettings {
  if (args.quicksight.enabled && args.quicksight.groupName === undefined) {
    throw new Error("DataLakePipeline: quicksight.groupName is required when quicksight.enabled is true");
  }
  const history = args.workload.historyRetentionDays;
  const raw = args.rawRetentionDays ?? Math.min(history, 90);
  if (!Number.isInteger(raw) || raw < 1) throw new Error(`DataLakePipeline: rawRetentionDays must be a whole number of days of 1 or more (got ${raw})`);
  const glue = resolveGlueCapacity("DataLakePipeline", args.limits.glue);
  const schedule = glueScheduleExpression(glue.runsPerDay);
  const projectionStartDate = args.projectionStartDate ?? "2025-01-01";
  projectionParameters("validation", projectionStartDate);
  return {
    glue,
    ...(schedule !== undefined ? { schedule } : {}),
    rawRetentionDays: raw,
    curatedRetentionDays: history,
    rejectedRetentionDays: Math.max(14, Math.min(history, 90)),
    athenaResultsRetentionDays: Math.min(history, 30),
    tempRetentionDays: 7,
    bytesScannedCutoffPerQuery: args.limits.athena.bytesScannedCutoffPerQueryMb * MB,
    projectionStartDate,
    databaseName: `${args.catalogPrefix.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_lake`,
  };
}
