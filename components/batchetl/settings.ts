/** The batch ETL pipeline's args, and every setting it derives from them, resolved and checked in one place. */
import { PipelineEnvironmentArgs } from "../shared/context";
import { GlueCapacity, resolveGlueCapacity } from "../shared/glue";
import { UsageLimitBreachAction, breachActionFor } from "../shared/ServerlessWarehouse";

/** A relational source described as a Glue JDBC connection. No secret in config: only the secret's ARN. */
export interface JdbcSource {
  /** Short name, e.g. "orders-db" (lower case, digits, -). */
  readonly name: string;
  readonly engine: "postgresql" | "mysql";
  /** e.g. jdbc:postgresql://orders.internal:5432/shop (no credentials in it). */
  readonly jdbcUrl: string;
  /** Secrets Manager secret holding `username` and `password`. */
  readonly secretArn: string;
  /** Where Glue places its network interface to reach the database. */
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly securityGroupIds: readonly string[];
}

export interface BatchEtlPipelineArgs extends PipelineEnvironmentArgs {
  /** Relational sources exported into RAW; each becomes a Glue JDBC connection. Default none. */
  readonly sources?: readonly JdbcSource[];
  /** EventBridge Scheduler expression (UTC) of the nightly run. Default 02:00 daily. */
  readonly schedule?: string;
  /** Largest file the file check accepts, in MB. Default 512. */
  readonly maxFileMb?: number;
  /** CSV header the file check expects, e.g. "order_id,customer_id,ordered_at,region,currency". Optional. */
  readonly expectedHeader?: string;
  /** Usage-limit breach action. Default: "deactivate" without deletion protection (dev), "emit-metric" with it (prod). */
  readonly usageLimitBreachAction?: UsageLimitBreachAction;
  /** Minimum rows a run must produce to pass the quality check. Default 1. */
  readonly minRowsPerRun?: number;
}

export interface ResolvedBatchEtlSettings {
  readonly glue: GlueCapacity;
  readonly schedule: string;
  /** DISABLED when limits.glue.runsPerDay is 0. */
  readonly scheduleState: "ENABLED" | "DISABLED";
  readonly maxFileBytes: number;
  readonly breachAction: UsageLimitBreachAction;
  readonly rawRetentionDays: number;
  readonly quarantineRetentionDays: number;
  readonly zoneRetentionDays: number;
  readonly fileCheckConcurrency: number;
  readonly minRowsPerRun: number;
  readonly maxNullKeyRatio: number;
  readonly sources: readonly JdbcSource[];
}

const MB = 1024 * 1024;

/** Pure; tested directly. */
export function resolveBatchEtlSettings(args: BatchEtlPipelineArgs): ResolvedBatchEtlSettings {
  if (args.quicksight.enabled && args.quicksight.groupName === undefined) {
    throw new Error("BatchEtlPipeline: quicksight.groupName is required when quicksight.enabled is true");
  }
  const glue = resolveGlueCapacity("BatchEtlPipeline", args.limits.glue);
  const maxFileMb = args.maxFileMb ?? 512;
  if (!Number.isInteger(maxFileMb) || maxFileMb < 1 || maxFileMb > 5 * 1024) throw new Error(`BatchEtlPipeline: maxFileMb must be a whole number from 1 to 5120 (got ${maxFileMb})`);
  const sources = args.sources ?? [];
  const names = new Set<string>();
  for (const src of sources) {
    if (!/^[a-z][a-z0-9-]{1,30}$/.test(src.name)) throw new Error(`BatchEtlPipeline: sources name ${src.name} must be lower-case letters, digits and - (2 to 31)`);
    if (names.has(src.name)) throw new Error(`BatchEtlPipeline: sources name ${src.name} is repeated`);
    names.add(src.name);
    if (!src.jdbcUrl.startsWith(`jdbc:${src.engine}://`)) throw new Error(`BatchEtlPipeline: sources ${src.name}.jdbcUrl must start with jdbc:${src.engine}:// (got ${src.jdbcUrl})`);
    if (/password|user(name)?=/i.test(src.jdbcUrl)) throw new Error(`BatchEtlPipeline: sources ${src.name}.jdbcUrl must not carry credentials; put them in the secret named by secretArn`);
    if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(src.secretArn)) throw new Error(`BatchEtlPipeline: sources ${src.name}.secretArn must be a Secrets Manager secret ARN`);
    if (src.securityGroupIds.length === 0) throw new Error(`BatchEtlPipeline: sources ${src.name}.securityGroupIds must list at least one security group`);
  }
  const history = args.workload.historyRetentionDays;
  return {
    glue,
    schedule: args.schedule ?? "cron(0 2 * * ? *)",
    scheduleState: glue.runsPerDay === 0 ? "DISABLED" : "ENABLED",
    maxFileBytes: maxFileMb * MB,
    breachAction: args.usageLimitBreachAction ?? breachActionFor(args.protection),
    rawRetentionDays: Math.max(7, Math.min(history, 30)),
    quarantineRetentionDays: Math.max(14, Math.min(history, 90)),
    zoneRetentionDays: history,
    fileCheckConcurrency: 5,
    minRowsPerRun: args.minRowsPerRun ?? 1,
    maxNullKeyRatio: 0.01,
    sources,
  };
}
