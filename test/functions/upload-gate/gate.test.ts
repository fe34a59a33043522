/**
 * The upload gate against the emulators through AWS SDK v3: dynalite for the
 * daily counter (the hard bound, including two concurrent requests for the last
 * slot) and s3rver for the presigned PUT.
 *
 * What s3rver does not check: it does not verify Signature Version 4 at all
 * (node_modules/s3rver/lib/middleware/authentication.js: "Signature version 4
 * calculation is unimplemented"), so it cannot refuse a body of another size;
 * it ignores `If-None-Match` (S3's conditional write, 412 on an existing key)
 * and bucket policies (the gate-only and s3:if-none-match denies). This test
 * asserts what S3 will verify, that content-length and if-none-match are
 * signed headers of the URL; the refusals rest on AWS's documentation, cited in
 * functions/upload-gate/presign.ts and components/shared/UploadGate.ts.
 */
import * as assert from "node:assert/strict";
import { CreateTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { answerUploadRequest } from "../../../functions/upload-gate/gate";
import { landingKey } from "../../../functions/upload-gate/presign";
import { GateEnv, parseUploadRequest } from "../../../functions/upload-gate/request";
import { counterExpiry, takeDailySlot } from "../../../functions/upload-gate/slot";
import { dateOf } from "../../../functions/shared";
import { createBucket, Emulators, startEmulators } from "../../../functions/local/emulators";

const NOW = Date.parse("2026-12-02T03:00:00Z");

describe("upload-gate", function () {
  this.timeout(30_000);
  let emu: Emulators;
  const env = (over: Partial<GateEnv> = {}): GateEnv => ({
    LANDING_BUCKET: "landing",
    LANDING_PREFIX: "incoming/",
    SLOTS_TABLE: "slots",
    MAX_FILES_PER_DAY: 3,
    MAX_FILE_BYTES: 1000,
    URL_EXPIRY_SECONDS: 300,
    ...over,
  });

  before(async () => {
    emu = await startEmulators({ dynamo: true, s3: true });
    await createBucket(emu.s3!, "landing");
    for (const table of ["slots", "race", "day-split"]) {
      await emu.dynamo!.send(
        new CreateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: "day", AttributeType: "S" }], KeySchema: [{ AttributeName: "day", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }),
      );
    }
  });
  after(() => emu.close());

  it("reads requests and names keys (pure)", () => {
    assert.deepEqual(parseUploadRequest('{"fileName":"orders.csv","sizeBytes":12}'), { ok: true, request: { fileName: "orders.csv", sizeBytes: 12 } });
    assert.equal(parseUploadRequest("nope").ok, false);
    assert.match((parseUploadRequest('{"fileName":"a.csv","sizeBytes":1.5}') as { message: string }).message, /whole number of bytes/);
    assert.equal(landingKey("incoming/", "2026-12-02", "../Daily export.csv", "u-1"), "incoming/2026-12-02-u-1-.._Daily_export.csv");
    assert.equal(dateOf(Date.parse("2026-12-02T23:59:59.999Z")), "2026-12-02");
    assert.equal(counterExpiry("2026-12-02"), Date.parse("2026-12-05T00:00:00Z") / 1000);
  });

  it("grants at most MAX_FILES_PER_DAY slots a UTC day, then 429", async () => {
    // prepare
    const io = { ddb: emu.dynamo!, s3: emu.s3!, nowMs: NOW };
    const body = JSON.stringify({ fileName: "orders.csv", sizeBytes: 10 });
    // act
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await answerUploadRequest(io, env(), body));
    // assess
    assert.deepEqual(answers.map((a) => a.statusCode), [200, 200, 200, 429]);
    assert.match((answers[3].body as { message: string }).message, /all 3 upload slots of 2026-12-02/);
    const item = await emu.dynamo!.send(new GetItemCommand({ TableName: "slots", Key: { day: { S: "2026-12-02" } } }));
    assert.equal(item.Item?.n?.N, "3");
    assert.equal(item.Item?.expiresAt?.N, String(counterExpiry("2026-12-02")));
  });

  it("lets exactly one of two concurrent requests take the last slot", async () => {
    // prepare: one slot left of 5
    for (let i = 0; i < 4; i++) assert.ok(await takeDailySlot(emu.dynamo!, "race", "2026-12-02", 5));
    // act
    const both = await Promise.all([takeDailySlot(emu.dynamo!, "race", "2026-12-02", 5), takeDailySlot(emu.dynamo!, "race", "2026-12-02", 5)]);
    // assess
    assert.deepEqual([...both].sort(), [5, undefined]);
  });

  it("counts each UTC day apart", async () => {
    assert.equal(await takeDailySlot(emu.dynamo!, "day-split", "2026-12-02", 1), 1);
    assert.equal(await takeDailySlot(emu.dynamo!, "day-split", "2026-12-02", 1), undefined);
    assert.equal(await takeDailySlot(emu.dynamo!, "day-split", "2026-12-03", 1), 1);
  });

  it("refuses a declared size above the maximum before taking a slot", async () => {
    const answer = await answerUploadRequest({ ddb: emu.dynamo!, s3: emu.s3!, nowMs: NOW + 86_400_000 }, env({ SLOTS_TABLE: "day-split", MAX_FILES_PER_DAY: 1 }), JSON.stringify({ fileName: "big.csv", sizeBytes: 1001 }));
    assert.equal(answer.statusCode, 413);
    // 2026-12-03's only slot is still free? It was taken above; 2026-12-04 must be untouched.
    const item = await emu.dynamo!.send(new GetItemCommand({ TableName: "day-split", Key: { day: { S: "2026-12-03" } } }));
    assert.equal(item.Item?.n?.N, "1");
  });

  it("signs content-length and if-none-match into a URL a producer can PUT the declared body to", async () => {
    // prepare
    const answer = await answerUploadRequest({ ddb: emu.dynamo!, s3: emu.s3!, nowMs: Date.now() }, env({ SLOTS_TABLE: "slots", MAX_FILES_PER_DAY: 1000 }), JSON.stringify({ fileName: "orders.csv", sizeBytes: 12 }));
    assert.equal(answer.statusCode, 200);
    const grant = answer.body as { url: string; key: string; headers: Record<string, string> };
    const signed = new URL(grant.url).searchParams.get("X-Amz-SignedHeaders") ?? "";
    assert.deepEqual(signed.split(";").sort(), ["content-length", "host", "if-none-match"]);
    assert.match(grant.key, /^incoming\/\d{4}-\d{2}-\d{2}-[0-9a-f-]{36}-orders\.csv$/);
    assert.equal(new URL(grant.url).searchParams.get("X-Amz-Expires"), "300");
    // act
    const exact = await fetch(grant.url, { method: "PUT", headers: grant.headers, body: "a,b\n1,2\n3,4\n" });
    // assess
    assert.equal(exact.status, 200, await exact.text());
    const head = await emu.s3!.send(new HeadObjectCommand({ Bucket: "landing", Key: grant.key }));
    assert.equal(head.ContentLength, 12);
  });
});
