/**
 * The named modelling assumptions of usage derivation: every figure the
 * derivers use that does not come from the stack, the workload or the limits.
 * Each is documented here and in docs/cost.md ("Assumptions"); a usage file
 * overrides any result built on them.
 */
import { KB, MB } from "../constants";

/** Modelling assumptions, each documented in docs/cost.md. Override any result with a usage file. */
export const ASSUMPTIONS = {
  /** Record size used for ceilings when no workload is given, in bytes. */
  defaultRecordBytes: 1024,
  /** An on-demand stream starts with 4 shards' capacity (4 MB/s) and grows with the peak. */
  onDemandMinShards: 4,
  /** Lambda polls a shard about once a second when the batching window is 0. */
  pollIntervalSeconds: 1,
  /** Billed duration of a batch invocation: fixed part, ms (plus batchMsPerRecord per record). */
  batchBaseMs: 100,
  /** Billed duration of a batch invocation: per record, ms (on top of batchBaseMs). */
  batchMsPerRecord: 1,
  /** Billed duration of any other invocation, ms. */
  defaultDurationMs: 1000,
  /** Custom metrics a function publishing Powertools/EMF metrics (POWERTOOLS_METRICS_NAMESPACE set) creates. */
  customMetricsPerFunction: 10,
  /** Log bytes one invocation ingests (START/END/REPORT platform lines in JSON plus one application line). */
  logBytesPerInvocation: 1024,
  /** Log bytes one failed Firehose delivery writes (ceiling only: errors are not expected). */
  logBytesPerDeliveryError: 512,
  /** Share of records a validating consumer sets aside (expected); the ceiling sets all aside. */
  rejectedShare: 0.01,
  /** Bytes of one quarantine NDJSON line besides the base64 payload (rule, message, source position). */
  quarantineLineOverheadBytes: 300,
  /** A quarantine body larger than this is split into parts (the processor's MAX_QUARANTINE_OBJECT_BYTES). */
  quarantinePartBytes: 5 * MB,
  /** Parquet (or GZIP/Snappy/ZIP) output size relative to the JSON input. */
  compressedRatio: 0.25,
  /** S3 lifecycle's default minimum object size for transitions (since September 2024), bytes. */
  minTransitionObjectBytes: 128 * KB,
  /** Size of one Athena result or report object written to S3, bytes. */
  resultObjectBytes: 1 * MB,
  /**
   * Bytes of one S3 server access log record (one per request). AWS's first example record
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html) is 564 bytes with no
   * object key; an object request names its key twice (key and Request-URI), ~60 bytes each for ours.
   */
  accessLogRecordBytes: 700,
  /**
   * DynamoDB aggregates written by a stream consumer (docs/design.md): per batch and sales region x
   * minute one new contribution item, per shard and region-minute one minute total. Regions and
   * products are the brief's retailer (4 regions, ~2,000 products).
   * Sales regions, when the consumer's SALES_REGIONS does not say:
   */
  aggregateRegions: 4,
  /** Product buckets of the replays' items, when the consumer's PRODUCT_BUCKETS does not say. */
  aggregateBuckets: 16,
  /** Products in the catalogue (the retailer's, see the comment above). */
  aggregateProducts: 2000,
  /** Zipf exponent of product popularity (the brief's retailer; the benchmark's traffic). */
  aggregateZipfExponent: 1.1,
  /** Item bytes as DynamoDB sizes them for WRU besides sequence keys and products: pk (~23), sk and l names and prefixes (~8), p (3), expiresAt (~16). */
  aggregateItemBaseBytes: 50,
  /** Per product row of the JSON attribute: ["<6-char id>",units,cents,orders], (21 characters on the benchmark's traffic). */
  aggregateBytesPerProduct: 21,
  /** Per sequence key: a 3-digit length + a 56-digit Kinesis sequence number. */
  aggregateMarkBytes: 59,
  /** DynamoDB's per-item storage overhead, bytes. */
  dynamoItemOverheadBytes: 100,
  /** Smallest aggregate item, bytes (the 100-byte DynamoDB overhead included). */
  itemBytes: 256,
  /** DynamoDB: read request units per write for a writer that is not a stream consumer. */
  readsPerWrite: 0.5,
  /** Spike events a stream consumer publishes per invocation (expected); the ceiling allows one per (minute, product, region), at most one per record. */
  spikeEventsPerInvocation: 0.01,
  /** Small UpdateItems (1 WRU each) per spike event: the (minute, region, product) marker and the minute's alert-counter slot. */
  spikeWritesPerEvent: 2,
  /** Alarm notifications a month per alarm (one ALARM and one OK), expected. */
  alarmNotificationsPerMonth: 2,
  /** Months of accumulation assumed for storage that never expires (expected figure only). */
  accumulationMonthsWhenNoExpiry: 12,
  /** State-change events one Glue job or crawler run, or one state machine execution, can emit (ceiling only). */
  glueEventsPerRun: 3,
  /** Log bytes a Glue job writes per minute of run time (continuous logging). */
  glueLogBytesPerMinute: 100 * KB,
  /** Expected minutes of one Glue job run (the ceiling uses the timeout). */
  glueRunMinutes: 10,
  /** Glue's default job timeout, minutes. */
  glueDefaultTimeoutMinutes: 2880,
  /** Lambda's default timeout, seconds. */
  lambdaDefaultTimeoutSeconds: 3,
  /** Redshift Serverless bills at least 60 s per query burst. */
  redshiftSecondsPerQuery: 60,
} as const;
