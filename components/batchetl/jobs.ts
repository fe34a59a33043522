/**
 * Transform: three bounded Glue jobs (RAW -> TRANSFORMED, the quality check,
 * TRANSFORMED -> ENRICHED), each with its own least-privilege role, and their
 * failed runs sent to the alert topic.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { glueFailureAlerts, glueRuntimeStatements, glueScriptJob, glueSecurityConfiguration, sparkWritePaths } from "../shared/glue";
import { Statement } from "../shared/iam";
import { SecureBucket } from "../shared/SecureBucket";
import { BatchEtlContext, BatchZones, objectsUnder } from "./context";

export interface BatchJobs {
  readonly transform: aws.glue.Job;
  readonly quality: aws.glue.Job;
  readonly enrich: aws.glue.Job;
}

interface JobSpec {
  readonly suffix: string;
  readonly file: string;
  readonly description: string;
  /** Buckets the job lists, besides the artifacts bucket. */
  readonly zones: SecureBucket[];
  readonly statements: Statement[];
  readonly arguments: Record<string, pulumi.Input<string>>;
  /** Runs in the sources' JDBC connections. */
  readonly withConnections: boolean;
}

const READ_WRITE = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];

export function buildJobs(ctx: BatchEtlContext, zones: BatchZones, connections: aws.glue.Connection[]): BatchJobs {
  const { name, args, opts } = ctx;
  const { raw, transformed, enriched, artifacts } = zones;
  const job = jobBuilder(ctx, zones, connections);
  const transformedPath = pulumi.interpolate`s3://${transformed.bucketName}/`;
  const jobs: BatchJobs = {
    transform: job({
      suffix: "raw-to-transformed", file: "raw_to_transformed.py", description: "Cleans, joins and converts RAW exports to TRANSFORMED Parquet", zones: [raw, transformed], withConnections: true,
      statements: [
        { sid: "ReadRaw", actions: ["s3:GetObject"], resources: [objectsUnder(raw, "incoming/")] },
        { sid: "SetAsideRejected", actions: ["s3:PutObject", "s3:AbortMultipartUpload"], resources: sparkWritePaths(raw.arn, "rejected/") },
        { sid: "WriteTransformed", actions: READ_WRITE, resources: sparkWritePaths(transformed.arn, "sales_lines/") },
      ],
      arguments: { "--RAW_PATH": pulumi.interpolate`s3://${raw.bucketName}/incoming/`, "--TRANSFORMED_PATH": transformedPath, "--REJECTED_PATH": pulumi.interpolate`s3://${raw.bucketName}/rejected/` },
    }),
    quality: job({
      suffix: "quality-check", file: "quality_check.py", description: "Fails the run when TRANSFORMED breaks a quality rule; writes the measured figures", zones: [transformed], withConnections: false,
      statements: [
        { sid: "ReadTransformed", actions: ["s3:GetObject"], resources: sparkWritePaths(transformed.arn, "sales_lines/") },
        { sid: "WriteQualityReport", actions: READ_WRITE, resources: sparkWritePaths(transformed.arn, "_quality/") },
      ],
      arguments: { "--TRANSFORMED_PATH": transformedPath, "--MIN_ROWS": String(ctx.settings.minRowsPerRun), "--MAX_NULL_KEY_RATIO": String(ctx.settings.maxNullKeyRatio) },
    }),
    enrich: job({
      suffix: "transformed-to-enriched", file: "transformed_to_enriched.py", description: "Enriches with reference data and computes daily KPIs into ENRICHED", zones: [transformed, enriched], withConnections: false,
      statements: [
        { sid: "ReadTransformed", actions: ["s3:GetObject"], resources: sparkWritePaths(transformed.arn, "sales_lines/") },
        { sid: "ReadReference", actions: ["s3:GetObject"], resources: [objectsUnder(artifacts, "reference/")] },
        { sid: "WriteEnriched", actions: READ_WRITE, resources: sparkWritePaths(enriched.arn, "daily_kpis/") },
      ],
      arguments: { "--TRANSFORMED_PATH": transformedPath, "--REFERENCE_PATH": pulumi.interpolate`s3://${artifacts.bucketName}/reference/`, "--ENRICHED_PATH": pulumi.interpolate`s3://${enriched.bucketName}/` },
    }),
  };
  glueFailureAlerts(`${name}-glue-failures`, [jobs.transform, jobs.quality, jobs.enrich].map((j) => j.name), [], args.alertTopicArn, opts);
  return jobs;
}

/** Declares one job from its spec, with what every job of the pipeline shares. */
function jobBuilder(ctx: BatchEtlContext, zones: BatchZones, connections: aws.glue.Connection[]): (spec: JobSpec) => aws.glue.Job {
  const { name, args, settings: s, opts, region, accountId } = ctx;
  const artifacts = zones.artifacts;
  const security = glueSecurityConfiguration(`${name}-glue-security`, args.kmsKeyArn, opts);
  const common: Statement[] = [
    { sid: "ReadScripts", actions: ["s3:GetObject"], resources: [objectsUnder(artifacts, "scripts/")] },
    { sid: "UseTemp", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], resources: sparkWritePaths(artifacts.arn, "tmp/") },
    ...glueRuntimeStatements(region, accountId, args.kmsKeyArn),
  ];
  const sources = sourceStatements(ctx, connections);
  return (spec) =>
    glueScriptJob(`${name}-${spec.suffix}`, {
      description: spec.description,
      roleDescription: `Glue job ${spec.suffix} of ${name}`,
      scriptPath: path.join(__dirname, "scripts", spec.file),
      artifactsBucketName: artifacts.bucketName,
      capacity: s.glue,
      securityConfigurationName: security.name,
      kmsKeyArn: args.kmsKeyArn,
      logRetentionDays: args.operations.logRetentionDays,
      tempDir: pulumi.interpolate`s3://${artifacts.bucketName}/tmp/`,
      statements: [
        { sid: "ListZones", actions: ["s3:GetBucketLocation", "s3:ListBucket"], resources: [...spec.zones, artifacts].map((b) => b.arn) },
        ...common,
        ...spec.statements,
        ...(spec.withConnections ? sources : []),
      ],
      arguments: { "--RUN_ID": "manual", ...spec.arguments },
      ...(spec.withConnections ? { connections: connections.map((c) => c.name) } : {}),
    }, opts);
}

/** What a job needs to reach the relational sources: their secrets, connections and network interfaces. */
function sourceStatements({ settings: s, region, accountId }: BatchEtlContext, connections: aws.glue.Connection[]): Statement[] {
  if (s.sources.length === 0) return [];
  return [
    { sid: "ReadSourceSecrets", actions: ["secretsmanager:GetSecretValue"], resources: s.sources.map((x) => x.secretArn) },
    { sid: "ReadConnections", actions: ["glue:GetConnection"], resources: [pulumi.interpolate`arn:aws:glue:${region}:${accountId}:catalog`, ...connections.map((c) => c.arn)] },
    // Glue places network interfaces in the sources' subnets; EC2 scopes Describe* to "*" only.
    { sid: "DescribeNetwork", actions: ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute"], resources: ["*"] },
    {
      sid: "ManageInterfaces",
      actions: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags"],
      resources: [pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:network-interface/*`, pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:subnet/*`, pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:security-group/*`],
    },
  ];
}
