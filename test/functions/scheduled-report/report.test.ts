/** The scheduled report: Athena and SNS through aws-sdk-client-mock (no emulator), S3 on s3rver. */
import * as assert from "node:assert/strict";
import { AthenaClient, GetNamedQueryCommand, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { AwsStub, mockClient } from "aws-sdk-client-mock";
import { createBucket, Emulators, startEmulators } from "../../../functions/local/emulators";
import { ReportQueryFailedError, reportKey, runReport } from "../../../functions/scheduled-report/report";

describe("scheduled-report/runReport", function () {
  this.timeout(20_000);
  let emu: Emulators;
  let athena: AwsStub<any, any, any>;
  let sns: AwsStub<any, any, any>;
  const creds = { region: "eu-west-3", credentials: { accessKeyId: "x", secretAccessKey: "x" } };

  before(async () => {
    athena = mockClient(AthenaClient);
    sns = mockClient(SNSClient);
    emu = await startEmulators({ s3: true });
    await createBucket(emu.s3!, "reports");
  });
  after(async () => {
    athena.restore();
    sns.restore();
    await emu.close();
  });
  beforeEach(() => {
    athena.reset();
    sns.reset();
  });

  it("runs each named query, writes the report to S3, publishes a short summary, then fails the invocation for the failed query", async () => {
    // prepare: one query succeeds after a RUNNING poll, one fails
    athena.on(GetNamedQueryCommand, { NamedQueryId: "q1" }).resolves({ NamedQuery: { Name: "top-products", QueryString: "SELECT 1", Database: "retail" } });
    athena.on(GetNamedQueryCommand, { NamedQueryId: "q2" }).resolves({ NamedQuery: { Name: "daily-revenue", QueryString: "SELECT 2", Database: "retail" } });
    athena.on(StartQueryExecutionCommand, { QueryString: "SELECT 1" }).resolves({ QueryExecutionId: "e1" });
    athena.on(StartQueryExecutionCommand, { QueryString: "SELECT 2" }).resolves({ QueryExecutionId: "e2" });
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: "e1" })
      .resolvesOnce({ QueryExecution: { Status: { State: "RUNNING" } } })
      .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: 2048 } } });
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: "e2" }).resolves({ QueryExecution: { Status: { State: "FAILED", StateChangeReason: "TABLE_NOT_FOUND" } } });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: "e1" }).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: "product_id", Type: "varchar" }, { Name: "units", Type: "bigint" }] },
        Rows: [{ Data: [{ VarCharValue: "product_id" }, { VarCharValue: "units" }] }, { Data: [{ VarCharValue: "P00001" }, { VarCharValue: "42" }] }],
      },
    });
    sns.on(PublishCommand).resolves({ MessageId: "m1" });
    const at = new Date("2026-11-28T06:00:00Z");
    const settings = { workgroup: "retail", database: "retail", namedQueryIds: ["q1", "q2"], bucket: "reports", prefix: "reports/", topicArn: "arn:aws:sns:eu-west-3:1:reports" };
    const sleeps: number[] = [];
    // act
    const failure = await runReport({ athena: new AthenaClient(creds), s3: emu.s3!, sns: new SNSClient(creds), sleep: async (ms) => void sleeps.push(ms) }, settings, at).then(
      () => assert.fail("a FAILED query must fail the invocation"),
      (err: unknown) => err,
    );
    // assess
    assert.ok(failure instanceof ReportQueryFailedError);
    assert.equal(failure.message, "1 of 2 report queries did not succeed: daily-revenue FAILED (TABLE_NOT_FOUND)");
    const { report, key } = failure;
    assert.equal(key, "reports/dt=2026-11-28/report-2026-11-28T06-00-00-000Z.json");
    assert.equal(key, reportKey("reports/", at.toISOString()));
    assert.deepEqual(report.queries.map((q) => [q.name, q.state, q.rows]), [["top-products", "SUCCEEDED", [{ product_id: "P00001", units: "42" }]], ["daily-revenue", "FAILED", []]]);
    assert.deepEqual(sleeps, [500]);
    const stored = JSON.parse(await (await emu.s3!.send(new GetObjectCommand({ Bucket: "reports", Key: key }))).Body!.transformToString());
    assert.equal(stored.queries[0].bytesScanned, 2048);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    assert.deepEqual([start.WorkGroup, start.QueryExecutionContext?.Database], ["retail", "retail"]);
    const published = sns.commandCalls(PublishCommand)[0].args[0].input;
    assert.equal(published.Subject, "Retail sales report 2026-11-28T06:00Z (1 failed)");
    assert.ok(published.Message!.includes('- top-products: 1 rows; first: {"product_id":"P00001","units":"42"}'));
    assert.ok(published.Message!.includes("- daily-revenue: FAILED (TABLE_NOT_FOUND)"));
    assert.ok(published.Message!.includes(`s3://reports/${key}`));
  });

  function oneQuery(state: "SUCCEEDED" | "CANCELLED", reason?: string): void {
    athena.on(GetNamedQueryCommand).resolves({ NamedQuery: { Name: "top-products", QueryString: "SELECT 1", Database: "retail" } });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "e1" });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: state, StateChangeReason: reason } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: "n", Type: "bigint" }] }, Rows: [{ Data: [{ VarCharValue: "n" }] }, { Data: [{ VarCharValue: "1" }] }] } });
    sns.on(PublishCommand).resolves({ MessageId: "m1" });
  }
  const settings = { workgroup: "retail", database: "retail", namedQueryIds: ["q1"], bucket: "reports", prefix: "reports/", topicArn: "arn:aws:sns:eu-west-3:1:reports" };

  it("a CANCELLED query (e.g. past the workgroup's bytes-scanned cutoff) fails the invocation too, after the summary is sent", async () => {
    // prepare
    oneQuery("CANCELLED", "Query exhausted resources or was cancelled");
    // act
    const run = runReport({ athena: new AthenaClient(creds), s3: emu.s3!, sns: new SNSClient(creds) }, settings, new Date("2026-11-28T07:00:00Z"));
    // assess
    await assert.rejects(run, (err: unknown) => err instanceof ReportQueryFailedError && /top-products CANCELLED \(Query exhausted/.test(err.message));
    assert.equal(sns.commandCalls(PublishCommand).length, 1);
  });

  it("all queries SUCCEEDED: the invocation succeeds with the report", async () => {
    // prepare
    oneQuery("SUCCEEDED");
    // act
    const { report } = await runReport({ athena: new AthenaClient(creds), s3: emu.s3!, sns: new SNSClient(creds) }, settings, new Date("2026-11-28T08:00:00Z"));
    // assess
    assert.deepEqual(report.queries.map((q) => [q.state, q.rows]), [["SUCCEEDED", [{ n: "1" }]]]);
  });
});
