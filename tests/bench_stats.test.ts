import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LatencyHistogram, median } from "../scripts/bench/stats.ts";

describe("benchmark statistics", () => {
  it("a histogram's percentiles are within 1% of the recorded latencies", () => {
    const histogram = new LatencyHistogram();
    // 1..1000 ms: the p-th percentile is p × 1000 ms.
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    assert.equal(histogram.count, 1000);
    for (const [p, expected] of [[0.5, 500], [0.99, 990], [1, 1000]]) {
      const value = histogram.percentile(p);
      assert.ok(
        Math.abs(value - expected) / expected <= 0.01,
        `p${p * 100} = ${value}, expected ${expected}`,
      );
    }
  });

  it("sub-microsecond latencies land in the first bucket and an empty histogram reports 0", () => {
    const histogram = new LatencyHistogram();
    assert.equal(histogram.percentile(0.5), 0);
    histogram.record(0);
    histogram.record(0.0001);
    assert.ok(histogram.percentile(1) <= 0.0011);
    histogram.reset();
    assert.equal(histogram.count, 0);
    assert.equal(histogram.percentile(0.99), 0);
  });

  it("the median of an odd count is the middle value, of an even count the mean of the middle two", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});
