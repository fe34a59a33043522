/**
 * Capacity at peak: every bound the cost ceiling relies on must still carry
 * the declared peak (workload.peakTps x averageRecordBytes), or a bound that
 * keeps the bill small quietly throttles producers and lets records expire.
 * The figures come from the cost engine (cost/capacity): the stream's shards
 * or on-demand maximum, the processor's concurrency x its measured records/s,
 * DynamoDB's throughput maxima against the modelled writes, Firehose Direct PUT.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { WorkloadSchema } from "../environments";
import type { CapacityBound } from "../cost";
import { isUnknown, peek, reportCannotVerify, toStackResource } from "./common";
import { CostContextConfig } from "./cost";
import { AWS_PROVIDER_TYPE } from "../model/types";
import { StackResource } from "../model/resources";

export type CapacityAtPeak = (resources: readonly StackResource[], region: string, workload: ReturnType<typeof WorkloadSchema.parse>) => CapacityBound[];

function defaultCapacity(): CapacityAtPeak | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("../cost") as { capacityAtPeak?: CapacityAtPeak };
    return typeof mod.capacityAtPeak === "function" ? mod.capacityAtPeak : "the cost engine (cost/index.ts) does not export capacityAtPeak";
  } catch (err) {
    return `the cost engine (cost/index.ts) cannot be loaded: ${(err as Error).message.split("\n")[0]}`;
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function makeCapacityAtPeak(engine: () => CapacityAtPeak | string = defaultCapacity): StackValidationPolicy {
  return {
    name: "capacity-at-peak",
    description: "Every bound the cost ceiling relies on must carry the declared peak (peakTps x record size).",
    configSchema: { properties: { region: { type: "string" }, workload: { type: "object" }, limits: { type: "object" }, usage: { type: "object" } } },
    validateStack: (args, report) => {
      const config = args.getConfig<CostContextConfig>();
      if (config.workload === undefined) {
        // Strict defaults (no stack file) declare no peak: say so rather than pass silently.
        reportCannotVerify(report, undefined, "no declared peak to carry: the stack's platform:workload (peakTps, averageRecordBytes) is not known here");
        return;
      }
      const workload = WorkloadSchema.parse(config.workload);
      const provider = args.resources.find((r) => r.type === AWS_PROVIDER_TYPE);
      const providerRegion = provider ? peek(provider.props, "region") : undefined;
      const region = config.region ?? (typeof providerRegion === "string" && !isUnknown(providerRegion) ? providerRegion : undefined);
      if (!region) {
        reportCannotVerify(report, undefined, "no region to read quotas in: set the policy's `region` option or the AWS provider's region");
        return;
      }
      const capacity = engine();
      if (typeof capacity === "string") {
        reportCannotVerify(report, undefined, capacity);
        return;
      }
      for (const b of capacity(args.resources.map(toStackResource), region, workload)) {
        if (b.headroom >= 1) continue;
        report(`${b.name} must carry the declared peak of ${fmt(workload.peakTps)} tx/s: it needs ${fmt(b.needed)} ${b.unit} and allows ${fmt(b.capacity)} (${b.basis}; headroom ${b.headroom.toFixed(2)}x).`, b.urn);
      }
    },
  };
}

export const capacityAtPeak = makeCapacityAtPeak();
