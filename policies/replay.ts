/**
 * Replay window: a batch Lambda gives up on (at most maxRecordAgeSeconds after
 * its records arrived) can be replayed from the stream only while the stream
 * still holds it. The stream's retention must cover the record age plus the
 * replay window the team sets in its stack file (platform:operations.replayWindowHours,
 * read from the stack file by policies/guardrails.ts).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { checkEach, peek, resourcesOfType } from "./common";

export interface ReplayWindowConfig {
  replayWindowHours: number;
}

export const kinesisRetentionCoversReplay: StackValidationPolicy = {
  name: "kinesis-retention-covers-replay",
  description: "Kinesis streams consumed by Lambda must keep records for the event source mapping's maximum record age plus the replay window.",
  configSchema: { properties: { replayWindowHours: { type: "number", minimum: 1, default: 12 } } },
  validateStack: (args, report) => {
    const { replayWindowHours } = args.getConfig<ReplayWindowConfig>();
    const streams = resourcesOfType(args.resources, "aws:kinesis/stream:Stream");
    checkEach(resourcesOfType(args.resources, "aws:lambda/eventSourceMapping:EventSourceMapping"), report, (mapping) => {
      const stream = streams.find((s) => mapping.dependencies.some((d) => d.urn === s.urn) || (peek(s.props, "arn") !== undefined && peek(s.props, "arn") === peek(mapping.props, "eventSourceArn")));
      if (!stream) return;
      // Kinesis keeps records 24 hours unless retentionPeriod says more; Lambda's default maximum record age is -1 (until they expire).
      const retentionHours = Number(peek(stream.props, "retentionPeriod") ?? 24);
      const maxAge = Number(peek(mapping.props, "maximumRecordAgeInSeconds") ?? -1);
      if (maxAge < 0) {
        report(`Event source mapping ${mapping.name} must set maximumRecordAgeInSeconds so that a failed batch leaves ${replayWindowHours} h to replay it within the stream's ${retentionHours} h retention.`, mapping.urn);
        return;
      }
      const needed = maxAge / 3600 + replayWindowHours;
      if (retentionHours < needed) {
        report(
          `Kinesis stream ${stream.name} retentionPeriod must be at least ${Math.ceil(needed)} h (maximumRecordAgeInSeconds ${maxAge} s of ${mapping.name} plus a ${replayWindowHours} h replay window); got ${retentionHours} h.`,
          stream.urn,
        );
      }
    });
  },
};

export const replayPolicies = [kinesisRetentionCoversReplay];
