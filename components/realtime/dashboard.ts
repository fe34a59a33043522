/** The live view: a CloudWatch dashboard body. Pure; names come in resolved. */

export interface DashboardNames {
  readonly region: string;
  readonly streamName: string;
  readonly processorName: string;
  readonly tableName: string;
  readonly deliveryStreamName: string;
  /** Namespace of the processor's EMF metrics. */
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

type Metric = (string | Record<string, unknown>)[];

function widget(title: string, metrics: Metric[], x: number, y: number, stat = "Sum", period = 60): Record<string, unknown> {
  return { type: "metric", x, y, width: 12, height: 6, properties: { title, metrics, stat, period, view: "timeSeries", stacked: false } };
}

/** A SEARCH expression over the processor's [service, rule] RejectedRecords metrics. */
export function rejectedByRule(n: Pick<DashboardNames, "metricsNamespace" | "serviceName">): string {
  return `SEARCH('{${n.metricsNamespace},rule,service} MetricName="RejectedRecords" service="${n.serviceName}"', 'Sum', 60)`;
}

export function dashboardBody(n: DashboardNames): string {
  const widgets = [
    widget("Ingest rate (records/min)", [["AWS/Kinesis", "IncomingRecords", "StreamName", n.streamName]], 0, 0),
    widget("Iterator age (ms, max)", [["AWS/Lambda", "IteratorAge", "FunctionName", n.processorName, { stat: "Maximum" }]], 12, 0, "Maximum"),
    // The processor emits RejectedRecords with [service, rule]; CloudWatch matches the exact dimension
    // set, so one SEARCH over that schema charts every rule, including rules added later.
    widget("Rejected records by rule", [[{ expression: rejectedByRule(n), id: "rejected", label: "" }]], 0, 6),
    widget("Transactions per minute (valid, duplicate)", [[n.metricsNamespace, "ValidRecords", "service", n.serviceName], [n.metricsNamespace, "DuplicateRecords", "service", n.serviceName]], 12, 6),
    widget("Spikes detected", [[n.metricsNamespace, "SpikesDetected", "service", n.serviceName]], 0, 12),
    widget("Processor errors and throttles", [["AWS/Lambda", "Errors", "FunctionName", n.processorName], ["AWS/Lambda", "Throttles", "FunctionName", n.processorName]], 12, 12),
    widget("DynamoDB writes (WCU) and throttles", [["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", n.tableName], ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", n.tableName]], 0, 18),
    widget("History delivery freshness (s)", [["AWS/Firehose", "DeliveryToS3.DataFreshness", "DeliveryStreamName", n.deliveryStreamName]], 12, 18, "Maximum"),
  ].map((w) => ({ ...w, properties: { ...(w.properties as object), region: n.region } }));
  return JSON.stringify({ widgets });
}
