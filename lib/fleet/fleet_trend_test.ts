import assert from "node:assert/strict";
import { fleetTrend } from "./fleet_trend.ts";
import type { Anomaly } from "../detect/types.ts";
import { createRng, type Rng } from "../synth/prng.ts";

const H = 3_600_000, D = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

const anomaly = (machine: string, start: number, aggregator = "A", end = start + H): Anomaly => ({
  machine,
  aggregator,
  timestamp: new Date(start).toISOString(),
  severity: "low",
  series: `statsd.${machine}.${aggregator}`,
  start,
  end,
  detectedAt: start,
  peakAt: start,
  score: 0.7,
  observed: 1,
  expected: 0.5,
  reasons: [],
});

/** Knuth's Poisson sampler. */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0, p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Anomalies of `shards` shards over `days` days, shard i at a daily rate `rate(i, day)`. */
function history(
  rng: Rng,
  shards: number,
  days: number,
  rate: (i: number, day: number) => number,
): Anomaly[] {
  const out: Anomaly[] = [];
  for (let i = 0; i < shards; i++) {
    for (let d = 0; d < days; d++) {
      for (let k = poisson(rng, rate(i, d)); k > 0; k--) {
        out.push(anomaly(`n${200 + i}`, T0 + d * D + rng.int(0, 23) * H, ["A", "B"][rng.int(0, 1)]));
      }
    }
  }
  return out;
}

Deno.test("fleetTrend() counts anomalies per bucket for the fleet and per aggregator", () => {
  const list = [
    anomaly("n1", T0 + 2 * H),
    anomaly("n1", T0 + 3 * H),
    anomaly("n2", T0 + D + H, "B"),
    anomaly("n2", T0 + 2 * D + H, "B"),
    anomaly("n3", T0 + 2 * D + 5 * H),
    anomaly("n3", T0 + 2 * D + 20 * H), // in the partial last bucket
    anomaly("n4", T0 - H - 2 * H, "A", T0 - 2 * H), // before the period: left out
    anomaly("n5", T0 - H, "C", T0 + H), // still going at `from`: in the first bucket
  ];
  const t = fleetTrend(list, { from: T0, until: T0 + 2 * D + 21 * H });
  assert.deepEqual(t.buckets, [T0, T0 + D, T0 + 2 * D]);
  assert.deepEqual(t.perBucket, [3, 1, 3]);
  assert.deepEqual(t.shardsPerBucket, [2, 1, 2]);
  assert.deepEqual(t.aggregators.map((a) => [a.aggregator, a.anomalies, a.perBucket]), [
    ["A", 4, [2, 0, 2]],
    ["B", 2, [0, 1, 1]],
    ["C", 1, [1, 0, 0]],
  ]);
  assert.equal(t.trend, 0);
  assert.equal(t.aggregators[1].trend, 0.5);
  assert.ok(t.aggregators[1].trendP < 0.5 && t.aggregators[2].trendP > 0.5);
  assert.deepEqual(t.worsening, []);
});

Deno.test("fleetTrend() flags a shard getting steadily worse, not one noisy day", () => {
  const rng = createRng(3);
  // 100 shards at 0.3 anomalies a day for two weeks; n200 rises by one a day (0 to 13); n201 has one day of 12;
  // n202 has two bad days at the end. (Counts of 14 days are noisy: a rise from 0 to 6 a day is found about a
  // third of the time among 100 shards, from 0 to 10 about 70 %).
  const list = history(rng, 100, 14, (i, d) => (i === 0 ? d : 0.3));
  for (let k = 0; k < 12; k++) list.push(anomaly("n201", T0 + 13 * D + k * H));
  for (let k = 0; k < 12; k++) list.push(anomaly("n202", T0 + (12 + (k % 2)) * D + k * H));
  const t = fleetTrend(list, { from: T0, until: T0 + 14 * D });
  assert.deepEqual(t.worsening.map((s) => s.machine), ["n200"]);
  const [w] = t.worsening;
  assert.ok(w.trend > 0.5 && w.trendP < 1e-4, JSON.stringify(w));
  // One noisy day, or two, is not a trend.
  assert.ok(!t.worsening.some((s) => s.machine === "n201" || s.machine === "n202"));
  assert.equal(t.perBucket.length, 14);
  assert.equal(t.perBucket.reduce((x, y) => x + y, 0), list.length);
});

Deno.test("fleetTrend() keeps the fleet's false alarms rare, bursty anomalies included", () => {
  // 2 × 20 fleets of 100 shards with no trend at all — steady Poisson counts, or bursts (a bad hour brings 1 to
  // 5 anomalies): how many fleets flag any shard? Benjamini–Hochberg at 0.05 bounds it at about 5 %.
  const rates = (i: number) => 0.2 + (i % 5) * 0.2;
  let fleetsWithAlarms = 0, alarms = 0;
  for (let seed = 0; seed < 40; seed++) {
    const rng = createRng(100 + seed);
    const list = seed % 2
      ? history(rng, 100, 14, (i) => rates(i))
      : history(rng, 100, 14, () => 0.15).flatMap((a) =>
        Array.from({ length: rng.int(1, 5) }, (_, k) => ({ ...a, start: a.start + k * 60_000 }))
      );
    const { worsening } = fleetTrend(list, { from: T0, until: T0 + 14 * D });
    alarms += worsening.length;
    if (worsening.length) fleetsWithAlarms++;
  }
  assert.ok(fleetsWithAlarms <= 2, `fleets with a false alarm: ${fleetsWithAlarms} of 40 (${alarms} shards)`);
});

Deno.test("fleetTrend() tests only shards with at least minAnomalies anomalies", () => {
  // n1: one anomaly on each of the last two days of 14 — a rise in rank terms, but two anomalies.
  const list = [anomaly("n1", T0 + 12 * D), anomaly("n1", T0 + 13 * D)];
  assert.deepEqual(fleetTrend(list, { from: T0, until: T0 + 14 * D }).worsening, []);
  const loose = fleetTrend(list, { from: T0, until: T0 + 14 * D, minAnomalies: 2 });
  assert.deepEqual(loose.worsening.map((s) => s.machine), ["n1"]);
});

Deno.test("fleetTrend() of nothing is flat", () => {
  const t = fleetTrend([], { from: T0, until: T0 + 3 * D });
  assert.deepEqual(t.perBucket, [0, 0, 0]);
  assert.deepEqual([t.trend, t.trendP, t.aggregators, t.worsening], [0, 0.5, [], []]);
});

Deno.test("fleetTrend() rejects bad options with a clear message", () => {
  const cases: Array<[Record<string, number>, RegExp]> = [
    [
      { from: T0, until: T0 - 1 },
      /^Cannot compute the fleet trend: until must be ≥ from, current value is \d+$/,
    ],
    [
      { from: T0, until: T0 + D, bucket: 0 },
      /^Cannot summarise shards: bucket must be > 0 ms, current value is 0$/,
    ],
    [{ from: T0, until: T0 + D, alpha: 0 }, /alpha must be within \(0, 1\], current value is 0$/],
    [
      { from: T0, until: T0 + D, minAnomalies: 0.5 },
      /minAnomalies must be an integer ≥ 1, current value is 0\.5$/,
    ],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => fleetTrend([], options as { from: number; until: number }),
      (e: Error) => e instanceof RangeError && message.test(e.message),
      String(message),
    );
  }
});
