/** Visualise (business): QuickSight on Athena over the history, refreshed into SPICE on a schedule. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { athenaDashboardSource } from "../shared/quicksight";
import { RealtimeContext } from "./context";
import { HistoryStage } from "./history";
import { HISTORY_COLUMNS } from "./historySchema";

export function buildQuickSight({ name, args, opts }: RealtimeContext, principalArn: pulumi.Input<string>, workgroup: aws.athena.Workgroup, history: HistoryStage): void {
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  const dataSet = athenaDashboardSource(name, {
    accountId,
    principalArn,
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
