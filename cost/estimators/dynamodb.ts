/**
 * Amazon DynamoDB: on-demand and provisioned request units, storage,
 * point-in-time recovery and streams. Billing mode and capacities come from
 * the props. https://aws.amazon.com/dynamodb/pricing/
 */
import { HOURS_PER_MONTH } from "../constants";
import { Estimator, Props, boolAt, line, numAt, strAt, use } from "./types";

export function isProvisionedTable(props: Props): boolean {
  return (strAt(props, "billingMode") ?? "PROVISIONED").toUpperCase() === "PROVISIONED";
}

export const dynamodbTable: Estimator = {
  priceProps: ["billingMode", "readCapacity", "writeCapacity", "pointInTimeRecovery", "onDemandThroughput", "ttl"],
  usageKeys: {
    monthly_write_request_units: "Write request units a month (on-demand).",
    monthly_read_request_units: "Read request units a month (on-demand).",
    storage_gb: "Table storage in GB (average over the month).",
    pitr_backup_storage_gb: "Point-in-time recovery storage in GB (billed when PITR is enabled).",
    monthly_streams_read_request_units: "DynamoDB Streams read request units a month.",
    write_capacity_units: "Provisioned WCUs held on average over the month (overrides writeCapacity).",
    read_capacity_units: "Provisioned RCUs held on average over the month (overrides readCapacity).",
  },
  price({ props, usage, prices }) {
    const lines = isProvisionedTable(props)
      ? [
          ...line(prices, "dynamodb.provisioned.wcuHour", "Provisioned write capacity", use(usage, "write_capacity_units", numAt(props, "writeCapacity") ?? 0) * HOURS_PER_MONTH),
          ...line(prices, "dynamodb.provisioned.rcuHour", "Provisioned read capacity", use(usage, "read_capacity_units", numAt(props, "readCapacity") ?? 0) * HOURS_PER_MONTH),
        ]
      : [
          ...line(prices, "dynamodb.onDemand.writeRequestUnits", "Write request units (on-demand)", use(usage, "monthly_write_request_units") / 1e6),
          ...line(prices, "dynamodb.onDemand.readRequestUnits", "Read request units (on-demand)", use(usage, "monthly_read_request_units") / 1e6),
        ];
    const pitr = boolAt(props, "pointInTimeRecovery.enabled") === true;
    return [
      ...lines,
      ...line(prices, "dynamodb.storageGbMonth", "Storage", use(usage, "storage_gb")),
      ...(pitr ? line(prices, "dynamodb.pitrGbMonth", "Point-in-time recovery", use(usage, "pitr_backup_storage_gb")) : []),
      ...line(prices, "dynamodb.streamsReadRequestUnits", "Streams read request units", use(usage, "monthly_streams_read_request_units") / 1e6),
    ];
  },
};
