/**
 * The upload gate (API Gateway REST API, Lambda proxy integration): a producer
 * POSTs {fileName, sizeBytes} with its API key and gets one presigned PUT URL
 * for a fresh key in the landing zone, while the day's slots last.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { readEnv } from "../shared";
import { answerUploadRequest } from "./gate";
import { GateEnvSchema } from "./request";

const env = readEnv(GateEnvSchema, process.env);
const logger = new Logger();
const ddb = new DynamoDBClient({});
const s3 = new S3Client({});

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  const answer = await answerUploadRequest({ ddb, s3, nowMs: Date.now() }, env, event.body);
  if (answer.statusCode === 200 && "key" in answer.body) logger.info("upload slot granted", { key: answer.body.key, slot: answer.body.slot, apiKeyId: event.requestContext.identity.apiKeyId });
  else logger.warn("upload refused", { statusCode: answer.statusCode, message: "message" in answer.body ? answer.body.message : "" });
  return { statusCode: answer.statusCode, headers: { "Content-Type": "application/json" }, body: JSON.stringify(answer.body) };
};
