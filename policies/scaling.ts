/**
 * Scaling limits: every autoscaled or usage-billed part carries an explicit
 * upper bound, and the bound is within the environment's limits (policy config;
 * dev.json is tighter than prod.json).
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { checkEach, MB, peek, referrers, resourcesOfType } from "./common";

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined);

// ---- Kinesis ----------------------------------------------------------------------------------

export interface KinesisBoundConfig {
  /** Highest shard count a provisioned stream may have. */
  maxShards: number;
  /** Whether an on-demand stream is allowed at all. */
  allowOnDemand: boolean;
  /** On-demand: the highest write throughput (MB/s) its IncomingBytes alarm may allow. */
  maxOnDemandWriteMBps: number;
}

export const kinesisStreamBounded: StackValidationPolicy = {
  name: "kinesis-stream-bounded",
  description: "Kinesis streams must be bounded: a provisioned shard count within limits, or on-demand with an IncomingBytes alarm at the allowed throughput.",
  configSchema: {
    properties: {
      maxShards: { type: "integer", minimum: 1, default: 2 },
      allowOnDemand: { type: "boolean", default: false },
      maxOnDemandWriteMBps: { type: "number", minimum: 0, default: 0 },
    },
  },
  validateStack: (args, report) => {
    const cfg = args.getConfig<KinesisBoundConfig>();
    const alarms = resourcesOfType(args.resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
    checkEach(resourcesOfType(args.resources, "aws:kinesis/stream:Stream"), report, (stream) => {
      const p = stream.props;
      const mode = peek(p, "streamModeDetails", "streamMode") ?? "PROVISIONED";
      if (mode === "ON_DEMAND") {
        if (!cfg.allowOnDemand) {
          report(`Kinesis stream ${stream.name} must be PROVISIONED with at most ${cfg.maxShards} shards (on-demand is not allowed in this environment).`, stream.urn);
          return;
        }
        const bounds = alarms
          .filter((a) => peek(a.props, "namespace") === "AWS/Kinesis" && peek(a.props, "metricName") === "IncomingBytes")
          .filter((a) => a.dependencies.some((d) => d.urn === stream.urn) || peek(a.props, "dimensions", "StreamName") === peek(stream.props, "name"))
          .map((a) => {
            const threshold = num(peek(a.props, "threshold"));
            const period = num(peek(a.props, "period"));
            return threshold !== undefined && period ? threshold / period / MB : undefined;
          })
          .filter((x): x is number => x !== undefined);
        if (bounds.length === 0) {
          report(`Kinesis stream ${stream.name} is on-demand and must have an IncomingBytes alarm bounding its write throughput (at most ${cfg.maxOnDemandWriteMBps} MB/s).`, stream.urn);
        } else if (Math.min(...bounds) > cfg.maxOnDemandWriteMBps) {
          report(`Kinesis stream ${stream.name} on-demand throughput alarm must fire at or below ${cfg.maxOnDemandWriteMBps} MB/s (got ${Math.min(...bounds).toFixed(1)} MB/s).`, stream.urn);
        }
        return;
      }
      const shards = num(p["shardCount"]);
      if (shards === undefined) report(`Kinesis stream ${stream.name} must set shardCount (provisioned mode).`, stream.urn);
      else if (shards > cfg.maxShards) report(`Kinesis stream ${stream.name} shardCount must be at most ${cfg.maxShards} (got ${shards}).`, stream.urn);
    });
  },
};

// ---- Lambda -----------------------------------------------------------------------------------

export const lambdaConcurrencyBounded: ResourceValidationPolicy = {
  name: "lambda-concurrency-bounded",
  description: "Lambda functions must set a reserved concurrency within the environment's limit.",
  configSchema: { properties: { maxReservedConcurrency: { type: "integer", minimum: 1, default: 10 } } },
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    const { maxReservedConcurrency } = args.getConfig<{ maxReservedConcurrency: number }>();
    const reserved = num(fn.reservedConcurrentExecutions);
    if (reserved === undefined || reserved < 0) report(`Lambda function ${args.name} must set reservedConcurrentExecutions (at most ${maxReservedConcurrency}).`);
    else if (reserved > maxReservedConcurrency) report(`Lambda function ${args.name} reservedConcurrentExecutions must be at most ${maxReservedConcurrency} (got ${reserved}).`);
  }),
};

export interface EventSourceBoundConfig {
  maxBatchSize: number;
  maxParallelizationFactor: number;
  maxRetryAttempts: number;
}

const STREAM_SOURCE = /^arn:aws[a-z-]*:(kinesis|dynamodb):/;

export const lambdaEventSourceBounded: ResourceValidationPolicy = {
  name: "lambda-event-source-bounded",
  description: "Lambda event source mappings must set batch size, parallelization factor and (for streams) retries within the environment's limits.",
  configSchema: {
    properties: {
      maxBatchSize: { type: "integer", minimum: 1, default: 1000 },
      maxParallelizationFactor: { type: "integer", minimum: 1, maximum: 10, default: 1 },
      maxRetryAttempts: { type: "integer", minimum: 0, default: 10 },
    },
  },
  validateResource: validateResourceOfType(aws.lambda.EventSourceMapping, (esm, args, report) => {
    const cfg = args.getConfig<EventSourceBoundConfig>();
    const batch = num(esm.batchSize);
    if (batch === undefined) report(`Event source mapping ${args.name} must set batchSize (at most ${cfg.maxBatchSize}).`);
    else if (batch > cfg.maxBatchSize) report(`Event source mapping ${args.name} batchSize must be at most ${cfg.maxBatchSize} (got ${batch}).`);
    const factor = num(esm.parallelizationFactor) ?? 1;
    if (factor > cfg.maxParallelizationFactor) report(`Event source mapping ${args.name} parallelizationFactor must be at most ${cfg.maxParallelizationFactor} (got ${factor}).`);
    const source = esm.eventSourceArn;
    if (typeof source === "string" && STREAM_SOURCE.test(source)) {
      const retries = num(esm.maximumRetryAttempts);
      if (retries === undefined || retries < 0) report(`Event source mapping ${args.name} must set maximumRetryAttempts for a stream source (at most ${cfg.maxRetryAttempts}; the default retries forever).`);
      else if (retries > cfg.maxRetryAttempts) report(`Event source mapping ${args.name} maximumRetryAttempts must be at most ${cfg.maxRetryAttempts} (got ${retries}).`);
    }
  }),
};

// ---- DynamoDB ---------------------------------------------------------------------------------

export interface DynamoBoundConfig {
  maxReadRequestUnits: number;
  maxWriteRequestUnits: number;
  /** Provisioned mode: the highest capacity (fixed, or autoscaling maxCapacity) per dimension. */
  maxProvisionedCapacity: number;
}

export const dynamodbThroughputBounded: StackValidationPolicy = {
  name: "dynamodb-throughput-bounded",
  description: "DynamoDB tables must bound their throughput: on-demand maximum request units, or provisioned capacity with autoscaling maxCapacity, within limits.",
  configSchema: {
    properties: {
      maxReadRequestUnits: { type: "integer", minimum: 1, default: 200 },
      maxWriteRequestUnits: { type: "integer", minimum: 1, default: 200 },
      maxProvisionedCapacity: { type: "integer", minimum: 1, default: 100 },
    },
  },
  validateStack: (args, report) => {
    const cfg = args.getConfig<DynamoBoundConfig>();
    const targets = resourcesOfType(args.resources, "aws:appautoscaling/target:Target");
    checkEach(resourcesOfType(args.resources, "aws:dynamodb/table:Table"), report, (table) => {
      const p = table.props;
      if ((p["billingMode"] ?? "PROVISIONED") === "PAY_PER_REQUEST") {
        for (const [dim, max] of [["Read", cfg.maxReadRequestUnits], ["Write", cfg.maxWriteRequestUnits]] as const) {
          const units = num(peek(p, "onDemandThroughput", `max${dim}RequestUnits`));
          if (units === undefined || units < 1) report(`DynamoDB table ${table.name} is on-demand and must set onDemandThroughput.max${dim}RequestUnits (at most ${max}).`, table.urn);
          else if (units > max) report(`DynamoDB table ${table.name} onDemandThroughput.max${dim}RequestUnits must be at most ${max} (got ${units}).`, table.urn);
        }
        return;
      }
      const scaling = referrers(args.resources, table, ["aws:appautoscaling/target:Target"], "resourceId").filter((t) => targets.includes(t));
      for (const dim of ["Read", "Write"] as const) {
        const target = scaling.find((t) => isDimension(peek(t.props, "scalableDimension"), dim));
        const capacity = target ? num(peek(target.props, "maxCapacity")) : num(p[`${dim.toLowerCase()}Capacity`]);
        const what = target ? `autoscaling maxCapacity (${target.name})` : `${dim.toLowerCase()}Capacity`;
        if (capacity === undefined) report(`DynamoDB table ${table.name} is provisioned and must set ${dim.toLowerCase()}Capacity or an autoscaling target with maxCapacity (at most ${cfg.maxProvisionedCapacity}).`, table.urn);
        else if (capacity > cfg.maxProvisionedCapacity) report(`DynamoDB table ${table.name} ${dim.toLowerCase()} ${what} must be at most ${cfg.maxProvisionedCapacity} (got ${capacity}).`, table.urn);
      }
    });
  },
};

// ---- Glue -------------------------------------------------------------------------------------

export interface GlueBoundConfig {
  maxWorkers: number;
  maxDpus: number;
  maxTimeoutMinutes: number;
}

export const glueJobBounded: ResourceValidationPolicy = {
  name: "glue-job-bounded",
  description: "Glue jobs must set workers (or DPUs) and a timeout within the environment's limits.",
  configSchema: {
    properties: {
      maxWorkers: { type: "integer", minimum: 1, default: 2 },
      maxDpus: { type: "number", minimum: 0.0625, default: 2 },
      maxTimeoutMinutes: { type: "integer", minimum: 1, default: 30 },
    },
  },
  validateResource: validateResourceOfType(aws.glue.Job, (job, args, report) => {
    const cfg = args.getConfig<GlueBoundConfig>();
    const workers = num(job.numberOfWorkers);
    const dpus = num(job.maxCapacity);
    if (workers !== undefined) {
      if (!job.workerType) report(`Glue job ${args.name} must set workerType with numberOfWorkers.`);
      if (workers > cfg.maxWorkers) report(`Glue job ${args.name} numberOfWorkers must be at most ${cfg.maxWorkers} (got ${workers}).`);
    } else if (dpus !== undefined) {
      if (dpus > cfg.maxDpus) report(`Glue job ${args.name} maxCapacity must be at most ${cfg.maxDpus} DPUs (got ${dpus}).`);
    } else {
      report(`Glue job ${args.name} must set numberOfWorkers (at most ${cfg.maxWorkers}) or maxCapacity (at most ${cfg.maxDpus} DPUs).`);
    }
    const timeout = num(job.timeout);
    if (timeout === undefined) report(`Glue job ${args.name} must set timeout (at most ${cfg.maxTimeoutMinutes} minutes; the default is 48 hours).`);
    else if (timeout > cfg.maxTimeoutMinutes) report(`Glue job ${args.name} timeout must be at most ${cfg.maxTimeoutMinutes} minutes (got ${timeout}).`);
  }),
};

// ---- Redshift Serverless ----------------------------------------------------------------------

export interface RedshiftBoundConfig {
  maxBaseRpu: number;
  maxRpu: number;
  maxMonthlyRpuHours: number;
}

export const redshiftServerlessBounded: StackValidationPolicy = {
  name: "redshift-serverless-bounded",
  description: "Redshift Serverless workgroups must set base and maximum capacity within limits and carry a compute usage limit.",
  configSchema: {
    properties: {
      maxBaseRpu: { type: "integer", minimum: 4, default: 8 },
      maxRpu: { type: "integer", minimum: 4, default: 8 },
      maxMonthlyRpuHours: { type: "number", minimum: 1, default: 100 },
    },
  },
  validateStack: (args, report) => {
    const cfg = args.getConfig<RedshiftBoundConfig>();
    checkEach(resourcesOfType(args.resources, "aws:redshiftserverless/workgroup:Workgroup"), report, (wg) => {
      const base = num(wg.props["baseCapacity"]);
      const max = num(wg.props["maxCapacity"]);
      if (base === undefined) report(`Redshift Serverless workgroup ${wg.name} must set baseCapacity (at most ${cfg.maxBaseRpu} RPUs).`, wg.urn);
      else if (base > cfg.maxBaseRpu) report(`Redshift Serverless workgroup ${wg.name} baseCapacity must be at most ${cfg.maxBaseRpu} RPUs (got ${base}).`, wg.urn);
      if (max === undefined) report(`Redshift Serverless workgroup ${wg.name} must set maxCapacity (at most ${cfg.maxRpu} RPUs).`, wg.urn);
      else if (max > cfg.maxRpu) report(`Redshift Serverless workgroup ${wg.name} maxCapacity must be at most ${cfg.maxRpu} RPUs (got ${max}).`, wg.urn);
      const limits = referrers(args.resources, wg, ["aws:redshiftserverless/usageLimit:UsageLimit"], "resourceArn").filter(
        (l: PolicyResource) => (peek(l.props, "usageType") ?? "serverless-compute") === "serverless-compute",
      );
      if (limits.length === 0) {
        report(`Redshift Serverless workgroup ${wg.name} must have a serverless-compute usage limit (aws.redshiftserverless.UsageLimit, at most ${cfg.maxMonthlyRpuHours} RPU-hours a month).`, wg.urn);
        return;
      }
      for (const l of limits) {
        const amount = num(peek(l.props, "amount"));
        const period = peek(l.props, "period") ?? "monthly";
        const monthly = amount === undefined ? undefined : period === "daily" ? amount * 31 : period === "weekly" ? (amount * 31) / 7 : amount;
        if (monthly !== undefined && monthly > cfg.maxMonthlyRpuHours) {
          report(`Redshift Serverless usage limit ${l.name} must allow at most ${cfg.maxMonthlyRpuHours} RPU-hours a month (got ${monthly.toFixed(0)}).`, l.urn);
        }
      }
    });
  },
};

// ---- Athena -----------------------------------------------------------------------------------

export const athenaWorkgroupBounded: ResourceValidationPolicy = {
  name: "athena-workgroup-bounded",
  description: "Athena workgroups must enforce their configuration and cancel queries past a bytes-scanned cutoff within limits.",
  configSchema: { properties: { maxBytesScannedPerQueryMb: { type: "integer", minimum: 10, default: 1024 } } },
  validateResource: validateResourceOfType(aws.athena.Workgroup, (wg, args, report) => {
    const { maxBytesScannedPerQueryMb } = args.getConfig<{ maxBytesScannedPerQueryMb: number }>();
    const c = wg.configuration;
    if (c?.enforceWorkgroupConfiguration === false) report(`Athena workgroup ${args.name} must set configuration.enforceWorkgroupConfiguration to true (clients could override the cutoff).`);
    const cutoff = num(c?.bytesScannedCutoffPerQuery);
    if (cutoff === undefined) report(`Athena workgroup ${args.name} must set configuration.bytesScannedCutoffPerQuery (at most ${maxBytesScannedPerQueryMb} MB).`);
    else if (cutoff > maxBytesScannedPerQueryMb * MB) {
      report(`Athena workgroup ${args.name} configuration.bytesScannedCutoffPerQuery must be at most ${maxBytesScannedPerQueryMb} MB (got ${Math.round(cutoff / MB)} MB).`);
    }
  }),
};

export const scalingPolicies = [
  kinesisStreamBounded,
  lambdaConcurrencyBounded,
  lambdaEventSourceBounded,
  dynamodbThroughputBounded,
  glueJobBounded,
  redshiftServerlessBounded,
  athenaWorkgroupBounded,
];

/** True for the DynamoDB table dimension `dynamodb:table:<dim>CapacityUnits`. */
function isDimension(value: unknown, dim: "Read" | "Write"): boolean {
  return typeof value === "string" && value.startsWith("dynamodb:table:") && value.endsWith(`${dim}CapacityUnits`);
}
