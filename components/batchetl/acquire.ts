/**
 * Acquire: the file check on every new RAW object (format, header, encoding,
 * size; bad files quarantined with the reason), and the relational sources
 * described as Glue JDBC connections whose credentials stay in Secrets Manager.
 */
import * as aws from "@pulumi/aws";
import { lambdaErrorsAlarm } from "../shared/alarms";
import { PlatformFunction } from "../shared/PlatformFunction";
import { BatchEtlContext, BatchZones, objectsUnder } from "./context";

export function buildFileCheck({ name, args, settings: s, opts, accountId }: BatchEtlContext, zones: BatchZones): PlatformFunction {
  const raw = zones.raw;
  const fileCheck = new PlatformFunction(`${name}-file-check`, {
    code: "file-check",
    description: "Checks format, header, encoding and size of incoming exports; quarantines bad files with the reason",
    memoryMb: 512,
    timeoutSeconds: 120,
    reservedConcurrency: s.fileCheckConcurrency,
    logRetentionDays: args.operations.logRetentionDays,
    kmsKeyArn: args.kmsKeyArn,
    environment: {
      MAX_FILE_BYTES: String(s.maxFileBytes),
      QUARANTINE_PREFIX: "quarantine/",
      ...(args.expectedHeader !== undefined ? { EXPECTED_HEADER: args.expectedHeader } : {}),
      POWERTOOLS_SERVICE_NAME: `${name}-file-check`,
    },
    statements: [
      { sid: "ReadAndRemoveIncoming", actions: ["s3:GetObject", "s3:DeleteObject"], resources: [objectsUnder(raw, "incoming/")] },
      { sid: "Quarantine", actions: ["s3:PutObject"], resources: [objectsUnder(raw, "quarantine/")] },
      { sid: "UseDataKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [args.kmsKeyArn] },
    ],
  }, opts);
  lambdaErrorsAlarm(`${name}-file-check-errors`, args.alertTopicArn, {
    description: "The file check failed invocations: incoming files may be neither checked nor quarantined",
    functionName: fileCheck.functionName,
  }, opts);
  const invoke = new aws.lambda.Permission(`${name}-file-check-from-s3`, {
    action: "lambda:InvokeFunction",
    function: fileCheck.functionName,
    principal: "s3.amazonaws.com",
    sourceArn: raw.arn,
    sourceAccount: accountId,
  }, opts);
  new aws.s3.BucketNotification(`${name}-raw-events`, {
    bucket: raw.bucketName,
    lambdaFunctions: [{ lambdaFunctionArn: fileCheck.arn, events: ["s3:ObjectCreated:*"], filterPrefix: "incoming/" }],
  }, { ...opts, dependsOn: [invoke] });
  return fileCheck;
}

export function buildSourceConnections({ name, settings: s, opts }: BatchEtlContext): aws.glue.Connection[] {
  return s.sources.map(
    (src) =>
      new aws.glue.Connection(`${name}-source-${src.name}`, {
        description: `${src.engine} source ${src.name}; credentials in Secrets Manager`,
        connectionType: "JDBC",
        connectionProperties: { JDBC_CONNECTION_URL: src.jdbcUrl, SECRET_ID: src.secretArn, JDBC_ENFORCE_SSL: "true" },
        physicalConnectionRequirements: { subnetId: src.subnetId, availabilityZone: src.availabilityZone, securityGroupIdLists: [...src.securityGroupIds] },
      }, opts),
  );
}
