import assert from "node:assert/strict";
import { shardSummary } from "./shard_summary.ts";
import type { Anomaly, Severity } from "../detect/types.ts";
import { episodeId } from "../detect/anomaly_id.ts";

const D = 86_400_000;
const a = (
  machine: string,
  day: number,
  severity: Severity = "low",
  aggregator = "P.a",
  score = 0.6,
): Anomaly => ({
  machine,
  aggregator,
  timestamp: "",
  severity,
  id: episodeId("anomaly", `${machine}.${aggregator}`, day * D + 1000),
  series: `${machine}.${aggregator}`,
  start: day * D + 1000,
  end: day * D + 2000,
  detectedAt: day * D + 1000,
  peakAt: day * D + 1500,
  score,
  observed: 1,
  expected: 1,
  reasons: [],
});

Deno.test("shardSummary() counts by severity and aggregator and finds the shards getting worse", () => {
  const list = [
    a("n1", 0, "high", "P.x", 0.9),
    a("n1", 3, "low", "P.y"),
    a("n1", 3, "medium", "P.y"),
    a("n2", 0),
    a("n2", 0),
    a("n2", 1),
    a("n9", 10), // outside the period
  ];
  const [n1, n2] = shardSummary(list, { from: 0, until: 4 * D });
  assert.equal(n1.machine, "n1");
  assert.deepEqual(n1.bySeverity, { high: 1, medium: 1, low: 1 });
  assert.deepEqual(n1.aggregators, ["P.y", "P.x"]);
  assert.deepEqual(n1.perBucket, [1, 0, 0, 2]);
  // Slope of [1, 0, 0, 2] over x = 0..3: mean x 1.5, mean y 0.75; Σ(x−1.5)(y−0.75) = −0.375 + 0.375 − 0.375
  // + 1.875 = 1.5; Σ(x−1.5)² = 5 → 0.3.
  assert.equal(n1.trend, 0.3);
  assert.equal(n1.maxScore, 0.9);
  // n2: [2, 1, 0, 0] → a negative trend; same count as n1, sorted after it by trend.
  assert.equal(n2.machine, "n2");
  assert.ok(n2.trend < 0);
  assert.equal(shardSummary(list, { from: 0, until: 4 * D }).length, 2);
});

Deno.test("shardSummary() of nothing is empty", () => {
  assert.deepEqual(shardSummary([], { from: 0, until: D }), []);
});

Deno.test("shardSummary() marks a shard worsening only when its rise is significant", () => {
  // n1 rises steadily over 10 days (0, 1, 2, … 9 a day); n2 has all its anomalies on the last day; n3 falls.
  const list = [
    ...Array.from({ length: 10 }, (_, d) => Array.from({ length: d }, () => a("n1", d))).flat(),
    ...Array.from({ length: 12 }, () => a("n2", 9)),
    ...Array.from({ length: 10 }, (_, d) => Array.from({ length: 9 - d }, () => a("n3", d))).flat(),
  ];
  const byShard = new Map(shardSummary(list, { from: 0, until: 10 * D }).map((s) => [s.machine, s]));
  const [n1, n2, n3] = ["n1", "n2", "n3"].map((m) => byShard.get(m)!);
  assert.ok(n1.trendP < 1e-4 && n1.worsening, JSON.stringify(n1));
  // One noisy day: a positive slope, but Mann–Kendall S = 9 of 45 pairs, p ≈ 0.08.
  assert.ok(n2.trend > 0 && n2.trendP > 0.05 && !n2.worsening, JSON.stringify(n2));
  assert.ok(n3.trendP > 0.99 && !n3.worsening);
  // The false discovery rate is a knob: at 1 every positive slope is "worsening".
  assert.equal(
    shardSummary(list, { from: 0, until: 10 * D, alpha: 1 }).find((s) => s.machine === "n2")!.worsening,
    true,
  );
});

Deno.test("shardSummary() rejects bad options with a clear message", () => {
  assert.throws(
    () => shardSummary([], { from: 0, until: D, bucket: -1 }),
    /^RangeError: Cannot summarise shards: bucket must be > 0 ms, current value is -1$/,
  );
  assert.throws(
    () => shardSummary([], { from: 0, until: D, alpha: 2 }),
    /alpha must be within \(0, 1\], current value is 2$/,
  );
  assert.throws(
    () => shardSummary([], { from: 0, until: D, minAnomalies: 0 }),
    /minAnomalies must be an integer ≥ 1, current value is 0$/,
  );
});
