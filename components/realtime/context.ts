import * as pulumi from "@pulumi/pulumi";
import { StageContext } from "../shared/context";
import { RealtimeAnalyticsPipelineArgs, ResolvedRealtimeSettings } from "./settings";

export interface RealtimeContext extends StageContext<RealtimeAnalyticsPipelineArgs, ResolvedRealtimeSettings> {
  readonly region: pulumi.Output<string>;
  /** EMF namespace of the platform's own metrics for this stack. */
  readonly metricsNamespace: string;
  /** Powertools service name (a metric dimension) of the stream processor. */
  readonly serviceName: string;
}
