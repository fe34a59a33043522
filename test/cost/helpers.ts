/** Small factories for cost tests: StackResource fixtures, a workload and limits. */
import type { Limits, Workload } from "../../environments/schema";
import { StackResource } from "../../model/resources";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-3";

/** A custom resource as the mocks would register it. */
export function res(type: string, name: string, inputs: Record<string, unknown> = {}, extra: Partial<StackResource> = {}): StackResource {
  return { urn: `urn:pulumi:test::platform::${type}::${name}`, type, name, custom: true, dependencies: [], inputs, ...extra };
}

/** The ARN our mocks give a resource (enough for references to resolve). */
export function arn(service: string, kind: string, name: string): string {
  return `arn:aws:${service}:${REGION}:${ACCOUNT}:${kind}/${name}`;
}

export function workload(over: Partial<Workload> = {}): Workload {
  return {
    averageTps: 100,
    peakTps: 1000,
    peakHoursPerDay: 2,
    averageRecordBytes: 900,
    itemsPerTransaction: 2.5,
    hotRetentionDays: 7,
    historyRetentionDays: 30,
    queriesPerDay: 10,
    scannedGbPerQuery: 1,
    dashboardUsers: 5,
    dashboardAuthors: 1,
    batchFilesPerDay: 24,
    batchFileMb: 50,
    ...over,
  };
}

export function limits(over: Partial<Limits> = {}): Limits {
  return {
    kinesis: { mode: "provisioned", shards: 2, minShards: 1, maxShards: 4 },
    lambda: { reservedConcurrency: 5, memoryMb: 512, timeoutSeconds: 60, batchSize: 100, batchingWindowSeconds: 0, parallelizationFactor: 1, maxRetries: 5, maxRecordAgeSeconds: 3600 },
    dynamodb: { billingMode: "on-demand", maxWriteRequestUnits: 100, maxReadRequestUnits: 100 },
    firehose: { bufferingSeconds: 300, bufferingMb: 64 },
    glue: { workerType: "G.1X", maxWorkers: 4, timeoutMinutes: 30, runsPerDay: 2 },
    redshift: { baseRpu: 8, maxRpu: 32, monthlyRpuHours: 400 },
    athena: { bytesScannedCutoffPerQueryMb: 1024 },
    ...over,
  };
}
