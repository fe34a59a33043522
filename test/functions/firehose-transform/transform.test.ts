import * as assert from "node:assert/strict";
import { transformRecord } from "../../../functions/firehose-transform/transform";
import { hashEmail, HASH_PREFIX } from "../../../functions/shared";
import { fixture, HASH_KEY, validationContext } from "../helpers";

type FirehoseEvent = { records: { recordId: string; data: string; approximateArrivalTimestamp: number }[] };

describe("firehose-transform/transformRecord", () => {
  const record = (payload: unknown) => {
    const event = fixture<FirehoseEvent>("firehose-event.json");
    const r = event.records[0];
    return { ...r, data: Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload)).toString("base64") };
  };

  it("outputs one snake_case history row per valid record, e-mail hashed, newline-terminated", () => {
    // prepare
    const input = record({ ...fixture<object>("transaction.valid.json"), occurredAt: "2026-11-28T19:00:12.345+01:00" });
    // act
    const { output, rule } = transformRecord(input, validationContext(), HASH_KEY);
    // assess
    assert.equal(rule, undefined);
    assert.equal(output.result, "Ok");
    assert.equal(output.recordId, input.recordId);
    const text = Buffer.from(output.data, "base64").toString("utf8");
    assert.ok(text.endsWith("}\n"));
    assert.deepEqual(JSON.parse(text), {
      transaction_id: "T-0001",
      occurred_at: "2026-11-28T18:00:12.345Z",
      occurred_date: "2026-11-28",
      customer_id: "C-42",
      customer_email_hash: hashEmail(HASH_KEY, "jane.doe@example.com"),
      customer_country: "FR",
      region: "EMEA",
      currency: "EUR",
      items: [
        { product_id: "P00001", category: "shoes", unit_price: 19.99, quantity: 2 },
        { product_id: "P00002", category: "toys", unit_price: 5.5, quantity: 1 },
      ],
      item_count: 2,
      total_amount: 45.48,
      ingested_at: "2026-11-28T18:00:13.123Z",
    });
  });

  it("writes null for a missing e-mail", () => {
    // prepare
    const tx = fixture<{ customer: Record<string, unknown> }>("transaction.valid.json");
    delete tx.customer.email;
    // act
    const { output } = transformRecord(record(tx), validationContext(), HASH_KEY);
    // assess
    assert.equal(JSON.parse(Buffer.from(output.data, "base64").toString("utf8")).customer_email_hash, null);
  });

  it("marks an invalid record ProcessingFailed with the rule and a redacted payload", () => {
    // prepare
    const input = record({ ...fixture<object>("transaction.valid.json"), totalAmount: 99 });
    // act
    const { output, rule, message } = transformRecord(input, validationContext(), HASH_KEY);
    // assess
    assert.equal(output.result, "ProcessingFailed");
    assert.equal(rule, "price-inconsistent");
    const reason = JSON.parse(Buffer.from(output.data, "base64").toString("utf8"));
    assert.equal(reason.rule, "price-inconsistent");
    assert.equal(reason.message, message);
    const payload = Buffer.from(reason.payloadBase64, "base64").toString("utf8");
    assert.ok(payload.includes(HASH_PREFIX) && !payload.includes("Example.com"));
  });
});
