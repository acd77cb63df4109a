import assert from "node:assert/strict";
import { daily, DAY, MISSING } from "../../tests/support/test_series.ts";
import { rhythmRatio, seasonalLag } from "./seasonal_lag.ts";
import { createRng } from "../prng.ts";
import type { Series } from "../series/types.ts";

const maxOf = (a: Float64Array, lo: number, hi: number) =>
  Math.max(...a.subarray(lo, hi).filter((x) => x === x));

Deno.test("seasonalLag.fit() returns the documented scale half-life and floor", () => {
  const p = seasonalLag.fit([]);
  assert.equal(p.scaleHalfLife, 3 * DAY);
  assert.equal(p.floor, 0.1);
  assert.equal(seasonalLag.name, "seasonal_lag");
});

Deno.test("seasonalLag.fit() defaults to the documented lags 1, 7 and 14 days", () => {
  assert.deepEqual(seasonalLag.fit([]).lags, [DAY, 7 * DAY, 14 * DAY]);
  assert.equal(seasonalLag.fit([]).minLags, 1);
});

Deno.test("seasonalLag.fit() honours its options", () => {
  const p = seasonalLag.fit([], { lags: [DAY, 2 * DAY], scaleHalfLife: DAY, floor: 0.5, minLags: 2 });
  assert.deepEqual(p.lags, [DAY, 2 * DAY]);
  assert.equal(p.scaleHalfLife, DAY);
  assert.equal(p.floor, 0.5);
  // Shorter lags start scoring earlier: the 2-day expectation exists from i = 48, then the running scale needs
  // 24 updates; i = 54 has no expectation (its 1-day lag, i = 30, is missing), so the 24th update is at i = 72
  // and the first score at i = 73.
  const s = seasonalLag.score(daily(), p);
  assert.equal(s.findIndex((x) => !Number.isNaN(x)), 73);
  // minLags 1 (the default): the 1-day lag alone from i = 24, the scale's 24th update at i = 48 (i = 30 is
  // missing), the first score at i = 49.
  const early = seasonalLag.score(daily(), seasonalLag.fit([], { lags: [DAY, 2 * DAY], scaleHalfLife: DAY }));
  assert.equal(early.findIndex((x) => !Number.isNaN(x)), 49);
});

Deno.test("seasonalLag.score() is |relative deviation| in units of its running scale (hand-computed toy)", () => {
  // Daily step, lags 1 and 2 days, floor 0: e = mean of the two previous values, d = (x − e) / |e|.
  // 10, 12, 10, 12, … gives e = 11 and |d| = 1/11 everywhere, so the scale (warm-up 1 point) is 1/11 and the
  // score 1; the final 30 gives d = (30 − 11) / 11 = 19/11 → score 19.
  const p = seasonalLag.fit([], { lags: [DAY, 2 * DAY], floor: 0, minLags: 2 });
  const cases: Array<{ name: string; values: number[]; want: number[] }> = [
    {
      name: "steady then a spike",
      values: [10, 12, 10, 12, 10, 12, 30],
      // i=0,1: no expectation; i=2: first deviation only warms the scale up
      want: [NaN, NaN, NaN, 1, 1, 1, 19],
    },
    {
      name: "a missing point, and the two points whose lags include it",
      values: [10, 12, 10, NaN, 10, 12, 10, 12],
      want: [NaN, NaN, NaN, NaN, NaN, NaN, 1, 1],
    },
  ];
  for (const { name, values, want } of cases) {
    const s = seasonalLag.score({
      key: "k",
      labels: {},
      start: 0,
      step: DAY,
      values: Float64Array.from(values),
    }, p);
    assert.equal(s.length, want.length, name);
    want.forEach((w, i) => {
      if (Number.isNaN(w)) assert.ok(Number.isNaN(s[i]), `${name}: i=${i} is ${s[i]}`);
      else assert.ok(Math.abs(s[i] - w) < 1e-9, `${name}: i=${i} is ${s[i]}, want ${w}`);
    });
  }
});

Deno.test("seasonalLag.score() is NaN at missing points and during the first two days", () => {
  const s = seasonalLag.score(daily(), seasonalLag.fit([]));
  for (const i of MISSING) assert.ok(Number.isNaN(s[i]), `missing i=${i}`);
  // No default lag can give two lagged values before day 2, so nothing can be said.
  for (let i = 0; i < 48; i++) assert.ok(Number.isNaN(s[i]), `warm-up i=${i}`);
  // Once every lag is available (day 14+), every reported point is scored.
  for (let i = 14 * 24; i < s.length; i++) {
    if (!MISSING.includes(i)) assert.ok(s[i] >= 0, `i=${i} is ${s[i]}`);
  }
});

Deno.test("seasonalLag.score() scores a spike far higher than normal points", () => {
  const base = daily();
  const spiked = daily();
  const at = 18 * 24 + 15;
  spiked.values[at] *= 5;
  const p = seasonalLag.fit([]);
  const s = seasonalLag.score(spiked, p);
  const normal = maxOf(seasonalLag.score(base, p), 0, base.values.length);
  assert.ok(s[at] > 5 * normal, `spike ${s[at]} vs normal max ${normal}`);
  // The previous point cannot know about the spike.
  assert.ok(s[at - 1] <= normal);
});

Deno.test("seasonalLag.score() is scale-free: a series ×1000 scores the same", () => {
  const s = daily();
  const big = { ...s, values: s.values.map((x) => x * 1000) };
  const p = seasonalLag.fit([]);
  const a = seasonalLag.score(s, p), b = seasonalLag.score(big, p);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i])) assert.ok(Number.isNaN(b[i]), `i=${i}`);
    else assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 * Math.max(1, a[i]), `i=${i}: ${a[i]} vs ${b[i]}`);
  }
});

Deno.test("rhythmRatio() is well under 1 for a daily rhythm, about √2 for white noise, null when too short", () => {
  const rng = createRng(3);
  const noise: Series = {
    ...daily(),
    values: Float64Array.from({ length: 20 * 24 }, () => 10 + rng.normal()),
  };
  const r = rhythmRatio([noise], [DAY])!;
  assert.ok(r > 1.2 && r < 1.7, `white noise: ${r}`);
  assert.ok(rhythmRatio([daily()], [DAY])! < 0.7, `daily rhythm: ${rhythmRatio([daily()], [DAY])}`);
  assert.equal(rhythmRatio([daily(7, 1)], [DAY]), null, "a single day: nothing after the lag");
  // A series resting at one value between spikes that do not recur a day later: the lag brings the spikes back.
  const spikes = new Float64Array(20 * 24).fill(1);
  for (let i = 5; i < spikes.length; i += 17) spikes[i] = 9;
  assert.ok(rhythmRatio([{ ...daily(), values: spikes }], [DAY])! > 1.5);
  // fit() records it, as plain JSON.
  const p = seasonalLag.fit([noise]);
  assert.equal(p.rhythm, rhythmRatio([noise], [DAY, 7 * DAY, 14 * DAY]));
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
});

Deno.test("seasonalLag judges a run of deviations together: a ×3 20-minute spike in loud noise, and no longer", () => {
  // 1-minute steps, log-normal noise of σ 0.3 (twice data/'s loudest): each point of a ×3 spike is ~3.7 noise
  // units, as far as the day's own noise reaches; the run of them is far beyond it.
  const step = 60_000, n = 4 * 1440, rng = createRng(5);
  const values = Float64Array.from({ length: n }, () => Math.exp(0.3 * rng.normal()));
  const at = 3 * 1440 + 600;
  for (let i = at; i < at + 20; i++) values[i] = 3;
  const series: Series = { key: "k", labels: {}, start: 0, step, values };
  const withRun = seasonalLag.score(series, seasonalLag.fit([]));
  const alone = seasonalLag.score(series, seasonalLag.fit([], { window: 0 }));
  assert.equal(seasonalLag.fit([]).window, 30 * 60_000);
  const day = (s: Float64Array) => maxOf(s, 2 * 1440, 3 * 1440);
  const spike = (s: Float64Array) => maxOf(s, at, at + 20);
  // Each point alone: the spike no higher than the quiet day before it reaches.
  assert.ok(spike(alone) < 1.5 * day(alone), `alone: spike ${spike(alone)}, day ${day(alone)}`);
  // With its run: clear of the quiet day.
  assert.ok(spike(withRun) > 2 * day(withRun), `with the run: spike ${spike(withRun)}, day ${day(withRun)}`);
  // The run ends with the first value back within its typical deviation: at most a point after the spike the
  // score is back among the day's own (a 30-minute mean would stay up for 30 minutes).
  let back = at + 20;
  while (withRun[back] > day(withRun)) back++;
  assert.ok(back - (at + 20) <= 1, `back to the day's level ${back - (at + 20)} points after the spike`);
  // Points outside any run are judged as before (the score is the larger of the two).
  for (let i = 1440 * 2; i < at; i++) assert.ok(!(withRun[i] < alone[i]), `point ${i}`);
});
