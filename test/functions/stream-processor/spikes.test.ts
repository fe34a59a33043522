import * as assert from "node:assert/strict";
import { baselineOf, isSpike } from "../../../functions/stream-processor/spikes";

describe("stream-processor/spikes (pure)", () => {
  const settings = { ratio: 3, minUnits: 20, baselineMinutes: 15 };

  it("averages over the minutes with traffic recorded, a minute without a sale counting as 0", () => {
    // prepare: 4 minutes with traffic, the product sold in 2 of them
    const units = [10, undefined, 6, undefined];
    // act
    const baseline = baselineOf(units, 4);
    // assess
    assert.equal(baseline, 4);
    assert.equal(baselineOf([undefined], 0), 0);
  });

  it("fires above ratio x baseline once the minimum volume is reached", () => {
    assert.equal(isSpike(25, 8, settings), true);
    assert.equal(isSpike(24, 8, settings), false);
    assert.equal(isSpike(19, 0, settings), false);
    assert.equal(isSpike(20, 0, settings), true);
  });
});
