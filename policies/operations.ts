/**
 * Operations: logs expire (every log group has a retention, every function
 * logs to a managed group), and the alarms a small team needs exist: the
 * stream's iterator age and each function's errors, wired to an action.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { checkEach, dependentsOrNamed, peek, resourcesOfType } from "./common";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

export interface LogRetentionConfig {
  minRetentionDays: number;
  maxRetentionDays: number;
}

export const logGroupRetention: StackValidationPolicy = {
  name: "log-group-retention",
  description: "Log groups must set a retention within limits, and Lambda functions must log to a log group the stack manages.",
  configSchema: {
    properties: {
      minRetentionDays: { type: "integer", minimum: 1, default: 1 },
      maxRetentionDays: { type: "integer", minimum: 1, default: 3653 },
    },
  },
  validateStack: (args, report) => {
    const cfg = args.getConfig<LogRetentionConfig>();
    const groups = resourcesOfType(args.resources, LOG_GROUP);
    checkEach(groups, report, (g) => {
      const days = peek(g.props, "retentionInDays");
      if (typeof days !== "number" || days <= 0) report(`Log group ${g.name} must set retentionInDays (${cfg.minRetentionDays} to ${cfg.maxRetentionDays} days; the default keeps logs forever).`, g.urn);
      else if (days < cfg.minRetentionDays || days > cfg.maxRetentionDays) report(`Log group ${g.name} retentionInDays must be from ${cfg.minRetentionDays} to ${cfg.maxRetentionDays} (got ${days}).`, g.urn);
    });
    const groupNames = new Set(groups.map((g) => peek(g.props, "name")).filter((n): n is string => typeof n === "string"));
    const unnamedGroups = new Set(groups.filter((g) => peek(g.props, "name") === undefined).map((g) => g.urn));
    checkEach(resourcesOfType(args.resources, "aws:lambda/function:Function"), report, (fn) => {
      const configured = peek(fn.props, "loggingConfig", "logGroup");
      const name = peek(fn.props, "name");
      const target = typeof configured === "string" ? configured : typeof name === "string" ? `/aws/lambda/${name}` : undefined;
      const managed = target !== undefined && (groupNames.has(target) || fn.dependencies.some((d) => unnamedGroups.has(d.urn)));
      if (!managed) report(`Lambda function ${fn.name} must log to a log group this stack manages (loggingConfig.logGroup naming an aws.cloudwatch.LogGroup with a retention).`, fn.urn);
    });
  },
};

/** Alarms on `namespace`/`metricName` that watch `target` (by dependency or by dimension value) and notify someone. */
function alarmsOn(resources: readonly PolicyResource[], target: PolicyResource, namespace: string, metricName: string, dimension: string): PolicyResource[] {
  return dependentsOrNamed(resources, target, ALARM, ["dimensions", dimension], peek(target.props, "name")).filter(
    (a) => peek(a.props, "namespace") === namespace && peek(a.props, "metricName") === metricName,
  );
}

const hasActions = (a: PolicyResource) => {
  const actions = peek(a.props, "alarmActions");
  return Array.isArray(actions) && actions.length > 0;
};

export const kinesisIteratorAgeAlarm: StackValidationPolicy = {
  name: "kinesis-iterator-age-alarm",
  description: "Kinesis streams must have an iterator-age alarm with an action, at or below the environment's threshold.",
  configSchema: { properties: { maxThresholdMs: { type: "integer", minimum: 1000, default: 300000 } } },
  validateStack: (args, report) => {
    const { maxThresholdMs } = args.getConfig<{ maxThresholdMs: number }>();
    checkEach(resourcesOfType(args.resources, "aws:kinesis/stream:Stream"), report, (stream) => {
      const alarms = alarmsOn(args.resources, stream, "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName").filter(hasActions);
      if (alarms.length === 0) {
        report(`Kinesis stream ${stream.name} must have a GetRecords.IteratorAgeMilliseconds alarm with an alarm action (threshold at most ${maxThresholdMs} ms).`, stream.urn);
        return;
      }
      const thresholds = alarms.map((a) => Number(a.props["threshold"]));
      if (Math.min(...thresholds) > maxThresholdMs) report(`Kinesis stream ${stream.name} iterator-age alarm threshold must be at most ${maxThresholdMs} ms (got ${Math.min(...thresholds)}).`, stream.urn);
    });
  },
};

export const lambdaErrorAlarm: StackValidationPolicy = {
  name: "lambda-error-alarm",
  description: "Lambda functions must have an Errors alarm with an alarm action.",
  validateStack: (args, report) => {
    checkEach(resourcesOfType(args.resources, "aws:lambda/function:Function"), report, (fn) => {
      if (alarmsOn(args.resources, fn, "AWS/Lambda", "Errors", "FunctionName").filter(hasActions).length === 0) {
        report(`Lambda function ${fn.name} must have an AWS/Lambda Errors alarm (dimension FunctionName) with an alarm action.`, fn.urn);
      }
    });
  },
};

export const operationsPolicies = [logGroupRetention, kinesisIteratorAgeAlarm, lambdaErrorAlarm];
