/** The P3 file check against s3rver. */
import * as assert from "node:assert/strict";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { checkCsvHeader, checkFile, decodeS3Key, formatOf, quarantineFile } from "../../../functions/file-check/check";
import { createBucket, Emulators, startEmulators } from "../../../functions/local/emulators";
import { fixture } from "../helpers";

describe("file-check", function () {
  this.timeout(20_000);
  let emu: Emulators;
  const settings = { maxFileBytes: 1000, quarantinePrefix: "quarantine/", expectedHeader: ["transaction_id", "amount"] };

  before(async () => {
    emu = await startEmulators({ s3: true });
    await createBucket(emu.s3!, "raw-zone");
  });
  after(() => emu.close());

  const put = (key: string, body: string | Buffer) => emu.s3!.send(new PutObjectCommand({ Bucket: "raw-zone", Key: key, Body: Buffer.from(body) }));

  it("knows formats by extension and checks CSV headers (pure)", () => {
    assert.equal(formatOf("a/b.CSV"), "csv");
    assert.equal(formatOf("a/b.ndjson"), "json");
    assert.equal(formatOf("a/b.parquet"), "parquet");
    assert.equal(formatOf("a/b.xlsx"), undefined);
    assert.deepEqual(checkCsvHeader("transaction_id,amount", settings.expectedHeader), { ok: true, format: "csv" });
    assert.equal((checkCsvHeader("1,2", undefined) as { reason: string }).reason, "missing-header");
    assert.equal((checkCsvHeader("id,total", settings.expectedHeader) as { reason: string }).reason, "header-mismatch");
    assert.equal(decodeS3Key(fixture<{ Records: { s3: { object: { key: string } } }[] }>("s3-event.json").Records[0].s3.object.key.replace("REPLACED_BY_TEST", "daily+export%3D1.csv")), "daily export=1.csv");
  });

  const cases: [string, string | Buffer, string | undefined][] = [
    ["orders/good.csv", "transaction_id,amount\nT1,10.5\n", undefined],
    ["orders/good.json", '{"a":1}\n{"a":2}\n', undefined],
    ["orders/good.parquet", Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(20), Buffer.from("PAR1")]), undefined],
    ["orders/big.csv", `transaction_id,amount\n${"T1,1\n".repeat(300)}`, "too-large"],
    ["orders/empty.csv", "", "empty"],
    ["orders/notes.txt", "hello", "unsupported-format"],
    ["orders/latin1.csv", Buffer.from("transaction_id,amount\nT1,caf\xe9\n", "latin1"), "not-utf8"],
    ["orders/noheader.csv", "T1,10.5\n", "header-mismatch"],
    ["orders/bad.json", "hello", "not-json"],
    ["orders/fake.parquet", "not parquet at all", "not-parquet"],
  ];
  for (const [key, body, reason] of cases) {
    it(`${reason ? `sets aside ${key} as ${reason}` : `accepts ${key}`}`, async () => {
      // prepare
      await put(key, body);
      // act
      const verdict = await checkFile(emu.s3!, "raw-zone", key, settings);
      // assess
      assert.equal(verdict.ok ? undefined : verdict.reason, reason);
    });
  }

  it("moves a bad file under quarantine/<reason>/ with a reason document and deletes the original", async () => {
    // prepare
    await put("orders/2026-11-28/broken.json", "oops");
    const verdict = await checkFile(emu.s3!, "raw-zone", "orders/2026-11-28/broken.json", settings);
    assert.equal(verdict.ok, false);
    // act
    const target = await quarantineFile(emu.s3!, "raw-zone", "orders/2026-11-28/broken.json", verdict, "quarantine/", new Date("2026-11-28T18:00:00Z"));
    // assess
    assert.equal(target, "quarantine/not-json/orders/2026-11-28/broken.json");
    const moved = await (await emu.s3!.send(new GetObjectCommand({ Bucket: "raw-zone", Key: target }))).Body!.transformToString();
    assert.equal(moved, "oops");
    const reason = JSON.parse(await (await emu.s3!.send(new GetObjectCommand({ Bucket: "raw-zone", Key: `${target}.reason.json` }))).Body!.transformToString());
    assert.deepEqual(reason, { reason: "not-json", message: "the file does not start with a JSON object or array", originalKey: "orders/2026-11-28/broken.json", quarantinedAt: "2026-11-28T18:00:00.000Z" });
    await assert.rejects(emu.s3!.send(new HeadObjectCommand({ Bucket: "raw-zone", Key: "orders/2026-11-28/broken.json" })));
  });
});
