/**
 * Amazon Data Firehose: ingestion (tiered, each record rounded up to the next
 * 5 KB), format conversion to Parquet/ORC and dynamic partitioning.
 * https://aws.amazon.com/firehose/pricing/
 */
import { KB } from "../constants";
import { Estimator, Props, at, boolAt, line, tieredLines, use } from "./types";

/** Firehose bills each record rounded up to the next 5 KB (5,120 bytes). */
export const FIREHOSE_RECORD_ROUNDING_BYTES = 5 * KB;

/** Billed bytes of one record: its size rounded up to the next 5 KB. */
export function firehoseBilledBytes(recordBytes: number): number {
  return Math.ceil(recordBytes / FIREHOSE_RECORD_ROUNDING_BYTES) * FIREHOSE_RECORD_ROUNDING_BYTES;
}

export function hasFormatConversion(props: Props): boolean {
  const block = at(props, "extendedS3Configuration.dataFormatConversionConfiguration");
  return block !== undefined && block !== null && boolAt(props, "extendedS3Configuration.dataFormatConversionConfiguration.enabled") !== false;
}

export function hasDynamicPartitioning(props: Props): boolean {
  return boolAt(props, "extendedS3Configuration.dynamicPartitioningConfiguration.enabled") === true;
}

export const firehoseDeliveryStream: Estimator = {
  priceProps: ["extendedS3Configuration.dataFormatConversionConfiguration", "extendedS3Configuration.dynamicPartitioningConfiguration"],
  usageKeys: {
    monthly_data_ingested_gb: "GB ingested a month, already rounded up to 5 KB per record.",
    monthly_delivered_objects: "S3 objects delivered a month (billed only with dynamic partitioning).",
  },
  price({ props, usage, prices }) {
    const gb = use(usage, "monthly_data_ingested_gb");
    return [
      ...tieredLines(prices, "firehose.ingestionGb", "Data ingested", gb),
      ...(hasFormatConversion(props) ? line(prices, "firehose.formatConversionGb", "Format conversion", gb) : []),
      ...(hasDynamicPartitioning(props)
        ? [
            ...line(prices, "firehose.dynamicPartitioningGb", "Dynamic partitioning", gb),
            ...line(prices, "firehose.dynamicPartitioningObjects", "Dynamic partitioning objects", use(usage, "monthly_delivered_objects") / 1000),
          ]
        : []),
    ];
  },
};
