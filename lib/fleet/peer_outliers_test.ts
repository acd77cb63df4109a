import assert from "node:assert/strict";
import { peerOutliers } from "./peer_outliers.ts";
import type { Series } from "../series/types.ts";
import { createRng } from "../prng.ts";
import { crop } from "../series/crop.ts";

const MIN = 60_000, H = 3_600_000, D = 86_400_000;
const STEP = 5 * MIN;
const T0 = Date.UTC(2026, 10, 20);
const FROM = T0 + 2 * D, UNTIL = T0 + 3 * D - STEP;

/**
 * A toy fleet over three days at 5 min: levels spread over two orders of magnitude, a shared business-hours
 * rhythm (peak hour and amplitude vary per shard), log-normal noise and the odd missing point.
 */
function fleet(
  { shards = 30, seed = 1, aggregator = "A", sigma = 0.12, spread = 2, jitter = 1 } = {},
): Series[] {
  const rng = createRng(seed);
  const n = (3 * D) / STEP;
  return Array.from({ length: shards }, (_, s) => {
    const level = 0.002 * Math.pow(10, rng.uniform(0, spread));
    const peak = 15 + jitter * rng.uniform(-2, 2), amp = 0.3 + jitter * rng.uniform(0, 0.3);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const hour = ((i * STEP) / H) % 24;
      const rhythm = 1 + amp * Math.exp(-(((hour - peak) / 4) ** 2));
      values[i] = rng.next() < 0.01 ? NaN : level * rhythm * Math.exp(sigma * rng.normal());
    }
    const machine = `n${200 + s}`;
    return {
      key: `statsd.${machine}.${aggregator}`,
      labels: { machine, aggregator },
      start: T0,
      step: STEP,
      values,
    };
  });
}

/** Multiplies the values of `series` over [t0, t1) by `factor`. */
function scale(series: Series, t0: number, t1: number, factor: number) {
  for (let i = (t0 - series.start) / series.step; i < (t1 - series.start) / series.step; i++) {
    series.values[i] *= factor;
  }
}

const find = (series: Series[], options = {}) =>
  peerOutliers(series, { from: FROM, until: UNTIL, ...options });

Deno.test("peerOutliers() finds one shard diverging while its peers stay normal", () => {
  const series = fleet();
  assert.deepEqual(find(series), [], "a normal fleet has no outliers");
  scale(series[7], FROM + 10 * H, FROM + 13 * H, 6);
  const [o, ...none] = find(series);
  assert.equal(none.length, 0);
  assert.equal(o.machine, "n207");
  assert.equal(o.aggregator, "A");
  assert.equal(o.series, series[7].key);
  assert.ok(Math.abs(o.start - (FROM + 10 * H)) <= 10 * MIN, new Date(o.start).toISOString());
  assert.ok(Math.abs(o.end - (FROM + 13 * H - STEP)) <= 10 * MIN, new Date(o.end).toISOString());
  assert.equal(o.timestamp, new Date(o.start).toISOString());
  assert.ok(o.start <= o.peakAt && o.peakAt <= o.end && (o.peakAt - T0) % STEP === 0);
  assert.ok(o.z >= 6, `z ${o.z}`);
  assert.ok(o.observed / o.expected > 4 && o.observed / o.expected < 9, `${o.observed} vs ${o.expected}`);
  assert.ok(o.peers >= 27 && o.peers <= 29, `peers ${o.peers}`);
  assert.match(
    o.detail,
    /^n207 at \S+ vs \S+ expected from its \d+ peers \(×[\d.]+ their level, robust z [\d.]+\) for 3 h$/,
  );
});

Deno.test("peerOutliers() ignores a fleet-wide shift", () => {
  const series = fleet();
  for (const s of series) scale(s, FROM + 8 * H, FROM + 14 * H, 5);
  assert.deepEqual(find(series), []);
  // Each shard by its own factor, from ×3 to ×6: still moving together.
  const uneven = fleet({ seed: 2 });
  uneven.forEach((s, i) => scale(s, FROM + 8 * H, FROM + 14 * H, 3 + (3 * i) / uneven.length));
  assert.deepEqual(find(uneven), []);
  // One shard ×30 on top of the shift does stand out.
  scale(uneven[3], FROM + 9 * H, FROM + 12 * H, 30 / 3);
  assert.deepEqual(find(uneven).map((o) => o.machine), ["n203"]);
});

Deno.test("peerOutliers() compares each shard with its own level, across two orders of magnitude", () => {
  const series = fleet({ spread: 2, seed: 3 });
  const levels = series.map((s) => s.values.slice(0, 288).filter((v) => v === v).sort()[144]);
  const smallest = levels.indexOf(Math.min(...levels)), largest = levels.indexOf(Math.max(...levels));
  assert.ok(levels[largest] / levels[smallest] > 30, "levels differ by more than ×30");
  assert.deepEqual(find(series), []);
  // The smallest shard ×5: far below the others' level in absolute terms, yet an outlier.
  scale(series[smallest], FROM + 2 * H, FROM + 5 * H, 5);
  assert.deepEqual(find(series).map((o) => o.machine), [series[smallest].labels.machine]);
});

Deno.test("peerOutliers() does not report a shard for missing data and bridges short gaps", () => {
  const series = fleet({ seed: 4 });
  series[0].values.fill(NaN, (FROM - T0) / STEP); // stopped reporting
  series[1].values.fill(NaN); // never reported
  assert.deepEqual(find(series), []);
  // A 3 h divergence with a 10 min hole in it: one episode.
  scale(series[5], FROM + 4 * H, FROM + 7 * H, 8);
  series[5].values.fill(NaN, (FROM + 5 * H - T0) / STEP, (FROM + 5 * H + 10 * MIN - T0) / STEP);
  const [one, ...none] = find(series);
  assert.equal(none.length, 0);
  assert.ok(one.end - one.start >= 3 * H - 20 * MIN);
  // With a 1 h hole: two episodes of about an hour each.
  series[5].values.fill(NaN, (FROM + 5 * H - T0) / STEP, (FROM + 6 * H - T0) / STEP);
  assert.deepEqual(find(series, { minDuration: 50 * MIN }).map((o) => o.machine), ["n205", "n205"]);
  assert.deepEqual(find(series, { maxGap: 70 * MIN }).map((o) => o.machine), ["n205"]);
});

Deno.test("peerOutliers() drops episodes shorter than minDuration", () => {
  const series = fleet({ seed: 5 });
  scale(series[2], FROM + 3 * H, FROM + 3 * H + 40 * MIN, 8);
  assert.deepEqual(find(series), []);
  assert.deepEqual(find(series, { minDuration: 30 * MIN }).map((o) => o.machine), ["n202"]);
});

Deno.test("peerOutliers() floors the peers' spread so a quiet fleet does not magnify noise", () => {
  // Identical shapes and 0.5 % noise: the MAD is tiny, and +30 % would be a z of about 40 without the floor.
  const series = fleet({ seed: 6, sigma: 0.005, jitter: 0 });
  scale(series[4], FROM + 10 * H, FROM + 13 * H, 1.3);
  assert.deepEqual(find(series), []);
  assert.deepEqual(find(series, { minScale: 0.01 }).map((o) => o.machine), ["n204"]);
});

Deno.test("peerOutliers() needs minPeers other shards reporting", () => {
  const series = fleet({ shards: 8, seed: 7 });
  scale(series[1], FROM + 10 * H, FROM + 13 * H, 8);
  assert.deepEqual(find(series), []);
  assert.deepEqual(find(series, { minPeers: 5 }).map((o) => o.machine), ["n201"]);
  // 30 shards, but only 6 reporting during the divergence: not compared then.
  const sparse = fleet({ seed: 7 });
  scale(sparse[1], FROM + 10 * H, FROM + 13 * H, 8);
  for (const s of sparse.slice(7)) {
    s.values.fill(NaN, (FROM + 9 * H - T0) / STEP, (FROM + 14 * H - T0) / STEP);
  }
  assert.deepEqual(find(sparse), []);
});

Deno.test("peerOutliers() reports shards below their peers unless asked for one side", () => {
  const series = fleet({ seed: 8 });
  scale(series[9], FROM + 10 * H, FROM + 13 * H, 0); // drops to 0 while the others carry on
  scale(series[3], FROM + 1 * H, FROM + 4 * H, 8);
  const both = find(series);
  assert.deepEqual(both.map((o) => [o.machine, Math.sign(o.z)]), [["n203", 1], ["n209", -1]]);
  assert.equal(both[1].observed, 0);
  assert.deepEqual(find(series, { direction: "above" }).map((o) => o.machine), ["n203"]);
  assert.deepEqual(find(series, { direction: "below" }).map((o) => o.machine), ["n209"]);
});

Deno.test("peerOutliers() without history normalises each shard by its median over the period", () => {
  const series = fleet({ seed: 9 }).map((s) => crop(s, FROM, UNTIL));
  assert.deepEqual(find(series), []);
  scale(series[6], FROM + 15 * H, FROM + 18 * H, 6);
  assert.deepEqual(find(series).map((o) => o.machine), ["n206"]);
});

Deno.test("peerOutliers() compares shards within one aggregator only", () => {
  const a = fleet({ seed: 10 }), b = fleet({ seed: 11, aggregator: "B" });
  // Aggregator B slows down as a whole: not an outlier against A's shards, nor within B.
  for (const s of b) scale(s, FROM + 8 * H, FROM + 14 * H, 5);
  scale(a[0], FROM + 2 * H, FROM + 5 * H, 8);
  const found = find([...a, ...b]);
  assert.deepEqual(found.map((o) => [o.aggregator, o.machine]), [["A", "n200"]]);
});

Deno.test("peerOutliers() averages finer series to the aggregator's step and leaves out one it cannot", () => {
  const series = fleet({ seed: 12 });
  scale(series[2], FROM + 10 * H, FROM + 13 * H, 8);
  // Shard 5 on a 1-min grid: each 5-min value repeated five times.
  const s5 = series[5];
  series[5] = {
    ...s5,
    step: MIN,
    values: Float64Array.from({ length: s5.values.length * 5 }, (_, i) => s5.values[Math.floor(i / 5)]),
  };
  assert.deepEqual(find(series).map((o) => o.machine), ["n202"]);
  // A shard on a step that does not divide the others' (7 min against 5) is left out, not fatal to the fleet.
  series[5] = { ...s5, step: 7 * MIN };
  assert.deepEqual(find(series).map((o) => o.machine), ["n202"]);
});

Deno.test("peerOutliers() of nothing is empty", () => {
  assert.deepEqual(peerOutliers([], { from: 0, until: D }), []);
  assert.deepEqual(find(fleet({ seed: 13 }), { from: UNTIL + D, until: UNTIL + 2 * D }), []);
});

Deno.test("peerOutliers() rejects bad options with a clear message", () => {
  const series = fleet({ shards: 2 });
  const cases: Array<[unknown, Record<string, unknown>, RegExp, typeof TypeError]> = [
    [
      null,
      { from: 0, until: 1 },
      /^Cannot find peer outliers: series must be an array, current value is object$/,
      TypeError,
    ],
    [series, { from: NaN, until: 1 }, /from must be a time in epoch ms, current value is NaN$/, RangeError],
    [
      series,
      { from: 5, until: 1 },
      /until must be a time in epoch ms ≥ from, current value is 1$/,
      RangeError,
    ],
    [
      series,
      { from: 0, until: 1, minPeers: 1 },
      /minPeers must be an integer ≥ 2, current value is 1$/,
      RangeError,
    ],
    [series, { from: 0, until: 1, threshold: 0 }, /threshold must be > 0, current value is 0$/, RangeError],
    [
      series,
      { from: 0, until: 1, minDuration: -1 },
      /minDuration must be ≥ 0 ms, current value is -1$/,
      RangeError,
    ],
    [series, { from: 0, until: 1, maxGap: NaN }, /maxGap must be ≥ 0 ms, current value is NaN$/, RangeError],
    [series, { from: 0, until: 1, minScale: 0 }, /minScale must be > 0, current value is 0$/, RangeError],
    [
      series,
      { from: 0, until: 1, history: -D },
      /history must be ≥ 0 ms, current value is -86400000$/,
      RangeError,
    ],
    [
      series,
      { from: 0, until: 1, direction: "up" },
      /direction must be "both", "above" or "below", current value is up$/,
      RangeError,
    ],
  ];
  for (const [input, options, message, type] of cases) {
    assert.throws(
      () => peerOutliers(input as Series[], options as { from: number; until: number }),
      (e: Error) => e instanceof type && message.test(e.message),
      String(message),
    );
  }
});
