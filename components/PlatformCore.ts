/**
 * What every stack shares, whatever pipelines it selects: one KMS key for data
 * at rest, the alert topic (budgets, anomalies, alarms, spikes) and the
 * per-stack key that hashes customer e-mail addresses, and the bucket that
 * receives every pipeline bucket's server access logs (SecureBucket.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureBucket } from "./shared/SecureBucket";

export interface PlatformCoreArgs {
  /** Who receives operational alarms by e-mail. */
  readonly alarmEmails: readonly string[];
  /** Deletion window of the KMS key; longer in prod gives time to undo a mistake. */
  readonly keyDeletionWindowDays: number;
  /** The access-log bucket: how long logs are kept (the stack's log retention) and the stack's protection. */
  readonly accessLogs: { readonly retentionDays: number; readonly versioning: boolean; readonly forceDestroy: boolean };
}

/** Services that publish to the alert topic, and so need to use the key. */
const PUBLISHING_SERVICES = ["budgets.amazonaws.com", "costalerts.amazonaws.com", "cloudwatch.amazonaws.com", "events.amazonaws.com"];

export class PlatformCore extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly keyArn: pulumi.Output<string>;
  public readonly alertTopic: aws.sns.Topic;
  public readonly alertTopicArn: pulumi.Output<string>;
  /** Who may publish to the alert topic: services that check it at creation wait for it. */
  public readonly alertTopicPolicy: aws.sns.TopicPolicy;
  /** Secrets Manager secret holding the HMAC key for e-mail hashing. */
  public readonly emailHashSecretArn: pulumi.Output<string>;
  public readonly accountId: pulumi.Output<string>;
  public readonly region: pulumi.Output<string>;
  /** Server access logs of the pipeline buckets (SSE-S3: the only encryption S3 delivers access logs to). */
  public readonly accessLogBucket: SecureBucket;

  public constructor(name: string, args: PlatformCoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:core:PlatformCore", name, {}, opts);
    const parent = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, parent);
    const region = aws.getRegionOutput({}, parent);
    this.accountId = identity.accountId;
    this.region = region.region;

    this.key = new aws.kms.Key(`${name}-key`, {
      description: `Data-at-rest key of ${pulumi.getProject()}/${pulumi.getStack()}`,
      enableKeyRotation: true,
      deletionWindowInDays: args.keyDeletionWindowDays,
      policy: pulumi.all([identity.accountId, region.region]).apply(([account, reg]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            // The account administers the key through IAM, as in AWS's default key policy.
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            {
              Sid: "LogsEncryptLogGroups",
              Effect: "Allow",
              Principal: { Service: `logs.${reg}.amazonaws.com` },
              Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
              Resource: "*",
              Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${reg}:${account}:log-group:*` } },
            },
            {
              Sid: "AlertPublishersUseKey",
              Effect: "Allow",
              Principal: { Service: PUBLISHING_SERVICES },
              Action: ["kms:Decrypt", "kms:GenerateDataKey"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
          ],
        }),
      ),
    }, parent);
    this.keyArn = this.key.arn;
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${pulumi.getProject()}-${pulumi.getStack()}`, targetKeyId: this.key.keyId }, parent);

    this.alertTopic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: this.key.arn, displayName: `Alerts ${pulumi.getStack()}` }, parent);
    this.alertTopicArn = this.alertTopic.arn;
    this.alertTopicPolicy = new aws.sns.TopicPolicy(`${name}-alerts-policy`, {
      arn: this.alertTopic.arn,
      policy: pulumi.all([this.alertTopic.arn, identity.accountId]).apply(([arn, account]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "AlertPublishers",
              Effect: "Allow",
              Principal: { Service: PUBLISHING_SERVICES },
              Action: "sns:Publish",
              Resource: arn,
              Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "sns:Publish",
              Resource: arn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      ),
    }, parent);
    args.alarmEmails.forEach((email, i) =>
      new aws.sns.TopicSubscription(`${name}-alerts-email-${i}`, { topic: this.alertTopic.arn, protocol: "email", endpoint: email }, parent),
    );

    this.accessLogBucket = new SecureBucket(`${name}-access-logs`, {
      serverAccessLogTarget: { accountId: identity.accountId },
      versioning: args.accessLogs.versioning,
      forceDestroy: args.accessLogs.forceDestroy,
      lifecycle: [{ id: "expire-access-logs", expireAfterDays: args.accessLogs.retentionDays }],
    }, parent);

    // The key is generated once by AWS at creation and never read back into config or state diffs.
    const secret = new aws.secretsmanager.Secret(`${name}-email-hash-key`, {
      description: "HMAC-SHA256 key that pseudonymises customer e-mail addresses in the history and quarantine",
      kmsKeyId: this.key.arn,
      recoveryWindowInDays: args.keyDeletionWindowDays,
    }, parent);
    const random = aws.secretsmanager.getRandomPasswordOutput({ passwordLength: 64, excludePunctuation: true }, parent);
    new aws.secretsmanager.SecretVersion(`${name}-email-hash-key-v1`, {
      secretId: secret.id,
      secretString: pulumi.secret(random.randomPassword),
    }, { parent: this, ignoreChanges: ["secretString"] });
    this.emailHashSecretArn = secret.arn;

    this.registerOutputs({ keyArn: this.keyArn, alertTopicArn: this.alertTopicArn, emailHashSecretArn: this.emailHashSecretArn });
  }
}
