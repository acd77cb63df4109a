import assert from "node:assert/strict";
import { mergePeerOutliers } from "./merge_peer_outliers.ts";
import type { Anomaly } from "../detect/types.ts";
import type { PeerOutlier } from "./types.ts";
import { episodeId } from "../detect/anomaly_id.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 20);

const outlier = (machine: string, start: number, end: number, z: number): PeerOutlier => ({
  machine,
  aggregator: "A",
  series: `s.${machine}.A`,
  start,
  end,
  timestamp: new Date(start).toISOString(),
  peakAt: start + H,
  z,
  observed: 0.3,
  expected: 0.03,
  peers: 99,
  detail: `${machine} at 0.3 vs 0.03 expected from its 99 peers`,
});

const anomaly = (machine: string, start: number, end: number): Anomaly => ({
  machine,
  aggregator: "A",
  timestamp: new Date(start).toISOString(),
  severity: "medium",
  id: episodeId("anomaly", `s.${machine}.A`, start),
  series: `s.${machine}.A`,
  start,
  end,
  detectedAt: start,
  peakAt: start,
  score: 0.9,
  observed: 0.3,
  expected: 0.03,
  reasons: [{ detector: "seasonal_lag", score: 0.9, detail: "0.3 vs 0.03 expected" }],
});

Deno.test("mergePeerOutliers() turns an outlier of its own into an anomaly", () => {
  const [a, ...none] = mergePeerOutliers([], [outlier("n1", T0 + 2 * H, T0 + 4 * H, -7.5)]);
  assert.equal(none.length, 0);
  assert.deepEqual(a, {
    machine: "n1",
    aggregator: "A",
    timestamp: new Date(T0 + 2 * H).toISOString(),
    severity: "low",
    id: episodeId("anomaly", "s.n1.A", T0 + 2 * H),
    series: "s.n1.A",
    start: T0 + 2 * H,
    end: T0 + 4 * H,
    detectedAt: T0 + 4 * H,
    peakAt: T0 + 3 * H,
    score: 0.76, // 1 − 0.3 × 6 / 7.5
    observed: 0.3,
    expected: 0.03,
    reasons: [{
      detector: "peer_outlier",
      score: 0.76,
      detail: "n1 at 0.3 vs 0.03 expected from its 99 peers",
    }],
  });
});

Deno.test("mergePeerOutliers() grades severity by z and duration", () => {
  const severity = (z: number, hours: number) =>
    mergePeerOutliers([], [outlier("n1", T0, T0 + hours * H, z)])[0].severity;
  assert.deepEqual([severity(6, 1), severity(9, 1), severity(12, 1), severity(6, 3), severity(6, 12)], [
    "low",
    "medium",
    "high",
    "medium",
    "high",
  ]);
  assert.equal(mergePeerOutliers([], [outlier("n1", T0, T0 + H, 100)])[0].score, 0.982);
});

Deno.test("mergePeerOutliers() adds a reason to an overlapping anomaly of the same series instead", () => {
  const detected = [anomaly("n1", T0 + 3 * H, T0 + 6 * H), anomaly("n2", T0 + 3 * H, T0 + 6 * H)];
  const before = structuredClone(detected);
  const merged = mergePeerOutliers(detected, [
    outlier("n1", T0 + 2 * H, T0 + 4 * H, 20), // overlaps n1's anomaly
    outlier("n1", T0 + 10 * H, T0 + 12 * H, 8), // same series, later: an anomaly of its own
    outlier("n3", T0, T0 + H, 8), // another series
  ]);
  assert.deepEqual(detected, before, "the inputs are not modified");
  assert.deepEqual(merged.map((a) => [a.machine, (a.start - T0) / H]), [["n3", 0], ["n1", 3], ["n2", 3], [
    "n1",
    10,
  ]]);
  const n1 = merged[1];
  assert.deepEqual(n1.reasons.map((r) => [r.detector, r.score]), [["peer_outlier", 0.91], [
    "seasonal_lag",
    0.9,
  ]]);
  assert.equal(n1.score, 0.9, "the detected anomaly keeps its own score");
  assert.deepEqual(merged[2], detected[1]);
});

Deno.test("mergePeerOutliers() rejects a bad threshold", () => {
  assert.throws(
    () => mergePeerOutliers([], [], { threshold: 0 }),
    /^RangeError: Cannot merge peer outliers: threshold must be > 0, current value is 0$/,
  );
});
