import assert from "node:assert/strict";
import { daily, DAY, HOUR, MISSING } from "../../tests/support/test_series.ts";
import { createRng } from "../prng.ts";
import { robustZ } from "./robust_z.ts";
import type { Series } from "../series/types.ts";

/** 20 days hourly around 10 with 10 % log-normal noise, no rhythm (robust z's own assumption). */
function level(seed = 5): Series {
  const rng = createRng(seed);
  const values = Float64Array.from({ length: 480 }, () => 10 * Math.exp(0.1 * rng.normal()));
  for (const i of MISSING) values[i] = NaN;
  return { key: "level", labels: {}, start: Date.UTC(2026, 0, 5), step: HOUR, values };
}

Deno.test("robustZ.fit() returns the documented defaults and honours options", () => {
  const p = robustZ.fit([]);
  assert.deepEqual(p, { window: DAY, refreshes: 16 });
  const q = robustZ.fit([], { window: 6 * HOUR, refreshes: 2 });
  assert.deepEqual(q, { window: 6 * HOUR, refreshes: 2 });
  assert.equal(robustZ.name, "robust_z");
});

Deno.test("robustZ.score() is |x − median| / (1.4826 · MAD) over the trailing window (hand-computed toy)", () => {
  // Window 4 points, refreshed every point; scoring starts when half the window (2 points) is behind.
  const p = robustZ.fit([], { window: 4 * HOUR });
  const values = Float64Array.from([1, 2, 3, 4, 100, NaN, 5]);
  const s = robustZ.score({ key: "k", labels: {}, start: 0, step: HOUR, values }, p);
  const den = (mad: number, med: number) => 1.4826 * mad + 1e-3 * Math.abs(med) + 1e-12;
  const want = [
    NaN, // i=0, 1: fewer than 2 points behind
    NaN,
    1.5 / den(0.5, 1.5), // i=2: window 1 2 → median 1.5, MAD median(0.5, 0.5) = 0.5; |3 − 1.5| = 1.5
    2 / den(1, 2), // i=3: window 1 2 3 → median 2, deviations 1 0 1 → MAD 1; |4 − 2| = 2
    97.5 / den(1, 2.5), // i=4: window 1 2 3 4 → median 2.5, deviations 1.5 .5 .5 1.5 → MAD 1; |100 − 2.5|
    NaN, // i=5: missing
    1 / den(1, 4), // i=6: window 3 4 100 NaN → median 4, deviations 1 0 96 → MAD 1; |5 − 4| = 1
  ];
  assert.equal(s.length, want.length);
  want.forEach((w, i) => {
    if (Number.isNaN(w)) assert.ok(Number.isNaN(s[i]), `i=${i} is ${s[i]}`);
    else assert.ok(Math.abs(s[i] - w) < 1e-12 * w, `i=${i} is ${s[i]}, want ${w}`);
  });
  assert.ok(Math.abs(s[4] - 65.65) < 0.01); // 97.5 / 1.4851
});

Deno.test("robustZ.score() is NaN at missing points and until half a window is behind", () => {
  const s = robustZ.score(daily(), robustZ.fit([]));
  for (const i of MISSING) assert.ok(Number.isNaN(s[i]), `missing i=${i}`);
  // Window 24 points: nothing before i = 12 (a MAD of fewer hours misses the daily rhythm's range), then every
  // reported point is scored.
  for (let i = 0; i < 12; i++) assert.ok(Number.isNaN(s[i]), `warm-up i=${i}`);
  for (let i = 12; i < s.length; i++) if (!MISSING.includes(i)) assert.ok(s[i] >= 0, `i=${i} is ${s[i]}`);
});

Deno.test("robustZ.score() scores a spike far higher than normal points", () => {
  const base = level();
  const spiked = level();
  const at = 18 * 24 + 15;
  spiked.values[at] *= 5;
  const p = robustZ.fit([]);
  const normal = Math.max(...robustZ.score(base, p).filter((x) => x === x));
  const s = robustZ.score(spiked, p);
  assert.ok(s[at] > 5 * normal, `spike ${s[at]} vs normal max ${normal}`);
  // The spike is one of 24 window points afterwards: median and MAD barely move.
  assert.ok(s[at + 1] < normal * 1.5, `after the spike ${s[at + 1]}`);
});

Deno.test("robustZ.score() with a constant window stays finite (MAD 0 is floored)", () => {
  const values = new Float64Array(48).fill(2);
  values[40] = 3;
  const s = robustZ.score({ key: "k", labels: {}, start: 0, step: HOUR, values }, robustZ.fit([]));
  assert.equal(s[39], 0);
  // MAD 0: the denominator is 1e-3 · |median| = 0.002 → |3 − 2| / 0.002 = 500
  assert.ok(Math.abs(s[40] - 500) < 1e-6, `${s[40]}`);
});

Deno.test("robustZ.score() on values recorded on a grid: a MAD of 0 counts as half a step of the grid", () => {
  // A quiet shard exported as a one-decimal percentage: 0.3 % most hours, a step either way now and then.
  const rng = createRng(11);
  const values = Float64Array.from({ length: 24 * 10 }, () => {
    const u = rng.uniform(0, 1);
    return u < 0.1 ? 0.002 : u > 0.9 ? 0.004 : 0.003;
  });
  values[24 * 9 + 5] = 0.004; // one step up: as ordinary as it gets
  values[24 * 9 + 12] = 0.013; // ten steps up: a real excursion
  const s = robustZ.score({ key: "k", labels: {}, start: 0, step: HOUR, values }, robustZ.fit([]));
  // The MAD is 0 (over 80 % of the window on 0.003), so without the grid one step was 0.001 / (1e-3 · 0.003) = 333.
  // With it: 0.001 / (1.4826 · 0.0005 + 3e-6) ≈ 1.34, and ten steps ≈ 13.4.
  assert.ok(Math.abs(s[24 * 9 + 5] - 0.001 / (1.4826 * 0.0005 + 3e-6)) < 1e-6, `one step ${s[24 * 9 + 5]}`);
  assert.ok(s[24 * 9 + 12] > 9 * s[24 * 9 + 5], `ten steps ${s[24 * 9 + 12]}`);
  // A series at rest with a few spikes of different sizes is on no grid (its gaps are the spikes' sizes).
  const rest = new Float64Array(24 * 10);
  rest[30] = 3.05;
  rest[100] = 3.22;
  rest[150] = 2.9;
  rest[24 * 9 + 5] = 3.1;
  const r = robustZ.score({ key: "r", labels: {}, start: 0, step: HOUR, values: rest }, robustZ.fit([]));
  assert.ok(r[24 * 9 + 5] > 1e9, `spike from rest ${r[24 * 9 + 5]}`);
});

Deno.test("robustZ.basis() keeps its sorted sample exact: median and MAD as if sorted afresh at every refresh", () => {
  // The sample moves forward by merging the points entering and leaving; a missing or repeated value must
  // neither be lost nor counted twice. Against a reference that sorts each refresh's sample from scratch, at
  // steps where the refresh stride is a multiple of the sampling interval (merged) and where it is not (sorted).
  const rng = createRng(11);
  for (const [step, window, refreshes] of [[60_000, DAY, 16], [7 * 60_000, DAY, 16], [HOUR, 6 * HOUR, 2]]) {
    const n = Math.round((4 * DAY) / step);
    const values = Float64Array.from({ length: n }, () => Math.round(20 * Math.exp(0.3 * rng.normal())) / 10);
    for (let i = 0; i < n; i += 1 + Math.floor(rng.uniform(0, 40))) values[i] = NaN;
    values.fill(NaN, Math.floor(n / 3), Math.floor(n / 3) + Math.round(window / step / 2));
    const { raw, center, unit } = robustZ.basis!({ key: "k", labels: {}, start: 0, step, values }, {
      window,
      refreshes,
    });
    const w = Math.round(window / step), stride = Math.max(1, Math.floor(w / refreshes));
    const every = Math.max(1, Math.ceil(w / 256)), warm = Math.ceil(w / 2);
    let med = NaN, u = NaN, checked = 0;
    for (let i = 0; i < n; i++) {
      if (i % stride === 0 && i >= warm) {
        const sample: number[] = [];
        let tot = 0;
        for (let j = i - 1; j >= Math.max(0, i - w); j -= every, tot++) {
          if (values[j] === values[j]) sample.push(values[j]);
        }
        const median = (a: number[]) => {
          const s = [...a].sort((x, y) => x - y), m = s.length;
          return m % 2 ? s[m >> 1] : (s[m / 2 - 1] + s[m / 2]) / 2;
        };
        const enough = sample.length >= (i < w ? Math.ceil(warm / every) : tot / 2);
        med = enough ? median(sample) : NaN;
        u = enough
          ? 1.4826 * median(sample.map((v) => Math.abs(v - med))) + 1e-3 * Math.abs(med) + 1e-12
          : NaN;
      }
      assert.ok(Object.is(center[i], med) || (center[i] !== center[i] && med !== med), `center ${step} ${i}`);
      assert.ok(Object.is(unit[i], u) || (unit[i] !== unit[i] && u !== u), `unit ${step} ${i}`);
      if (med === med && values[i] === values[i]) {
        assert.equal(raw[i], Math.abs(values[i] - med) / u);
        checked++;
      }
    }
    assert.ok(checked > n / 2, `${checked} of ${n} points checked at step ${step}`);
  }
});
