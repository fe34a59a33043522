/** Visualise (business): QuickSight on Athena over the history, refreshed into SPICE on a schedule. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { athenaDashboardSource } from "../shared/quicksight";
import { RealtimeContext } from "./context";
import { HistoryStage } from "./history";
import { ReportsStage } from "./reports";
import { HISTORY_COLUMNS } from "./historySchema";

export function buildQuickSight({ name, args, opts }: RealtimeContext, principalArn: pulumi.Input<string>, reports: Pick<ReportsStage, "workgroup" | "resultsBucket">, history: HistoryStage): void {
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  const { workgroup, resultsBucket } = reports;
  const dataSet = athenaDashboardSource(name, {
    accountId,
    principalArn,
    access: {
      workgroupArn: workgroup.arn,
      catalogArns: [history.catalogArns.catalog, history.catalogArns.database, history.catalogArns.table],
      dataBucketArn: history.historyBucket.arn,
      dataObjectsArn: pulumi.interpolate`${history.historyBucket.arn}/history/*`,
      resultsBucketArn: resultsBucket.arn,
      resultObjectsArn: pulumi.interpolate`${resultsBucket.arn}/athena/*`,
      kmsKeyArn: args.kmsKeyArn,
    },
    workgroupName: workgroup.name,
    database: history.database.name,
    table: history.historyTable.name,
    // SPICE takes no arrays: the line items stay in Athena.
    columns: HISTORY_COLUMNS.filter((c) => !c.type.startsWith("array")),
    dataSourceName: `Retail history (${pulumi.getStack()})`,
    dataSetName: `Retail transactions (${pulumi.getStack()})`,
    dataSetKey: "transactions",
  }, opts);
  new aws.quicksight.RefreshSchedule(`${name}-quicksight-refresh`, {
    awsAccountId: accountId,
    dataSetId: dataSet.dataSetId,
    scheduleId: `${name}-refresh`,
    schedule: {
      refreshType: "FULL_REFRESH",
      scheduleFrequency: args.quicksight.refreshIntervalHours >= 24 ? { interval: "DAILY", timeOfTheDay: "05:00" } : { interval: "HOURLY" },
    },
  }, opts);
}
