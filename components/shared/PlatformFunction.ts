/**
 * A Lambda function the platform's way: code bundled from `functions/<name>`,
 * arm64 on a supported Node.js runtime, its own role with explicit least-privilege
 * statements, a log group with retention, JSON logs, and a reserved concurrency
 * that bounds what it can cost.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, policyDocument, Statement } from "./iam";
import { functionArchive, LAMBDA_NODE_RUNTIME } from "./lambdaBundle";

export interface PlatformFunctionArgs {
  /** Folder under `functions/` holding `index.ts` with an exported `handler`. */
  readonly code: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Hard ceiling on concurrent executions (and so on cost). */
  readonly reservedConcurrency: number;
  readonly environment: Record<string, pulumi.Input<string>>;
  /** Permissions beyond writing its own logs. */
  readonly statements: readonly Statement[];
  readonly logRetentionDays: number;
  /** Encrypts the log group and the function's environment variables. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Node.js flags (NODE_OPTIONS), e.g. a larger young generation for batch-heavy handlers. */
  readonly nodeOptions?: string;
  /** A fixed function name, for functions an operator's tool finds by name (default: auto-named). */
  readonly functionName?: string;
  /**
   * An execution role created before the function (see `lambdaRole`), for a role another resource
   * must name first: the upload gate's, which its landing bucket's policy names. Default: its own.
   */
  readonly role?: aws.iam.Role;
}

/** A role Lambda may assume, named `${name}-role` as PlatformFunction names its own. */
export function lambdaRole(name: string, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  return new aws.iam.Role(`${name}-role`, { description: `Execution role of ${name}`, assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com") }, opts);
}

export class PlatformFunction extends pulumi.ComponentResource {
  public readonly function: aws.lambda.Function;
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly arn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;

  public constructor(name: string, args: PlatformFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:compute:Function", name, {}, opts);
    if (args.reservedConcurrency < 1) throw new Error(`PlatformFunction ${name}: reservedConcurrency must be at least 1`);
    const parent = { parent: this };

    this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
      name: `/platform/${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
      retentionInDays: args.logRetentionDays,
      kmsKeyId: args.kmsKeyArn,
    }, parent);

    this.role = args.role ?? lambdaRole(name, parent);

    new aws.iam.RolePolicy(`${name}-policy`, {
      role: this.role.id,
      policy: policyDocument([
        { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [pulumi.interpolate`${this.logGroup.arn}:*`] },
        ...args.statements,
      ]),
    }, parent);

    this.function = new aws.lambda.Function(name, {
      ...(args.functionName !== undefined ? { name: args.functionName } : {}),
      description: args.description,
      runtime: LAMBDA_NODE_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      code: functionArchive(args.code),
      role: this.role.arn,
      memorySize: args.memoryMb,
      timeout: args.timeoutSeconds,
      reservedConcurrentExecutions: args.reservedConcurrency,
      kmsKeyArn: args.kmsKeyArn,
      environment: { variables: { ...(args.nodeOptions ? { NODE_OPTIONS: args.nodeOptions } : {}), ...args.environment } },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
    }, { parent: this, dependsOn: [this.logGroup] });

    this.arn = this.function.arn;
    this.functionName = this.function.name;
    this.registerOutputs({ arn: this.arn, functionName: this.functionName });
  }
}
