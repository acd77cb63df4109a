import assert from "node:assert/strict";
import { hydrate } from "./hydrate.ts";
import type { Anomaly } from "../detect/types.ts";
import type { Series } from "../series/types.ts";
import { episodeId } from "../detect/anomaly_id.ts";

const H = 3_600_000;
const anomaly = (peak: number, series = "k"): Anomaly => ({
  machine: "n200",
  aggregator: "A",
  timestamp: new Date(peak * H).toISOString(),
  severity: "high",
  id: episodeId("anomaly", series, peak * H),
  series,
  start: peak * H,
  end: peak * H,
  detectedAt: peak * H,
  peakAt: peak * H,
  score: 0.9,
  observed: 1,
  expected: 1,
  reasons: [],
});

Deno.test("hydrate() computes the original scripts' max/avg/valid_pct and more over ±12 h of the peak", () => {
  // 200 hourly points: value = i % 10, hour 100 is the peak; hours 95 and 96 missing.
  const values = Float64Array.from({ length: 200 }, (_, i) => i % 10);
  values[95] = NaN;
  values[96] = NaN;
  values[100] = 50;
  const series: Series[] = [{ key: "k", labels: {}, start: 0, step: H, values }];
  const [h] = hydrate([anomaly(100)], series);
  // Window: hours 88..112 (25 points), 23 valid.
  assert.deepEqual(h.context, { from: 88 * H, to: 112 * H, points: 25 });
  assert.equal(h.valid_pct, 23 / 25);
  assert.equal(h.max_value, 50);
  assert.equal(h.min_value, 0);
  // Valid values: 88..112 minus 95, 96, with 100 → 50. Sum by hand: hours 88..112 of i%10 sum to
  // (8+9) + 45 + 45 + (0+1+2) = 110 (88,89 | 90–99 | 100–109 | 110–112); minus 5 and 6 (hours 95, 96) = 99;
  // hour 100 is 50 instead of 0 → 149. Mean = 149 / 23.
  assert.ok(Math.abs(h.avg_value! - 149 / 23) < 1e-4, `avg ${h.avg_value}`);
  assert.equal(h.value_24h_before, 76 % 10);
  assert.equal(h.value_72h_before, 28 % 10);
  assert.equal(h.flat_pct, 0);
  assert.equal(h.error, undefined);
  assert.equal(h.machine, "n200"); // the original record is kept
});

Deno.test("hydrate() measures the flat fraction and copes with the window's edges", () => {
  const values = new Float64Array(30).fill(3);
  const [h] = hydrate([anomaly(2)], [{ key: "k", labels: {}, start: 0, step: H, values }]);
  // Window −10..14: points outside the series count as missing (15 of 25 exist); all pairs repeat.
  assert.equal(h.context.points, 25);
  assert.equal(h.valid_pct, 15 / 25);
  assert.equal(h.flat_pct, 1);
  assert.equal(h.value_24h_before, null);
});

Deno.test("hydrate() keeps an anomaly whose series is missing, saying so", () => {
  const [h] = hydrate([anomaly(5, "gone")], []);
  assert.equal(h.error, "series gone was not in the source");
  assert.equal(h.max_value, null);
  assert.equal(h.valid_pct, 0);
  assert.equal(h.severity, "high");
});

Deno.test("hydrate() honours a custom window", () => {
  const values = Float64Array.from({ length: 50 }, (_, i) => i);
  const [h] = hydrate([anomaly(20)], [{ key: "k", labels: {}, start: 0, step: H, values }], {
    before: 2 * H,
    after: H,
  });
  assert.deepEqual([h.context.points, h.min_value, h.max_value], [4, 18, 21]);
});
