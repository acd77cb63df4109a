import assert from "node:assert/strict";
import { daily, finite, MISSING } from "../../tests/support/test_series.ts";
import { hourlyLevel, hourlyMedian, levelShift } from "./level_shift.ts";
import { medianOf } from "../series/robust.ts";
import { createRng } from "../prng.ts";

Deno.test("levelShift.fit() returns the documented defaults and honours options", () => {
  const p = levelShift.fit([]);
  assert.equal(p.drift, 2);
  assert.equal(p.clip, 6);
  const q = levelShift.fit([], { drift: 1, clip: 3 });
  assert.equal(q.drift, 1);
  assert.equal(q.clip, 3);
  assert.equal(levelShift.name, "level_shift");
});

Deno.test("levelShift.score() is NaN at missing points and for the first two weeks", () => {
  const s = levelShift.score(daily(7, 30), levelShift.fit([]));
  for (const i of MISSING) assert.ok(Number.isNaN(s[i]), `missing i=${i}`);
  // The log ratio needs the robust expectation (1 d / 7 d / 14 d), then its scale warms up over 6 points.
  for (let i = 0; i < 14 * 24 + 6; i++) assert.ok(Number.isNaN(s[i]), `warm-up i=${i}`);
  // From then on, every point whose 1 d, 7 d and 14 d lags all exist is scored (a median of two is not robust).
  const lagMissing = (i: number) => [24, 168, 336].some((l) => MISSING.includes(i - l));
  for (let i = 14 * 24 + 6; i < s.length; i++) {
    if (!MISSING.includes(i) && !lagMissing(i)) assert.ok(s[i] >= 0, `i=${i} is ${s[i]}`);
  }
});

Deno.test("levelShift.score() accumulates a sustained ×3 far above normal", () => {
  const p = levelShift.fit([]);
  const at = 22 * 24;
  const shifted = daily(7, 30);
  for (let i = at; i < shifted.values.length; i++) shifted.values[i] *= 3;
  const normal = Math.max(...finite(levelShift.score(daily(7, 30), p)));
  const s = levelShift.score(shifted, p);
  // ln 3 ≈ 1.1 is many running scales of a 10 % noise log ratio, so z is clipped at 6 and each shifted point adds
  // exactly clip − drift = 6 − 2 = 4 to the upward sum.
  for (let k = 1; k <= 6; k++) {
    assert.ok(Math.abs(s[at + k] - s[at + k - 1] - 4) < 1e-9, `k=${k}: ${s[at + k - 1]} → ${s[at + k]}`);
  }
  assert.ok(s[at + 6] > 5 * normal, `after 6 h: ${s[at + 6]} vs normal max ${normal}`);
});

Deno.test("levelShift.score() lets one spike add at most clip − drift", () => {
  for (const opts of [{}, { drift: 1, clip: 3 }]) {
    const p = levelShift.fit([], opts);
    const spiked = daily(7, 30);
    const at = 24 * 24 + 15;
    spiked.values[at] *= 20;
    const s = levelShift.score(spiked, p);
    assert.ok(
      s[at] <= s[at - 1] + (p.clip - p.drift) + 1e-9,
      `${JSON.stringify(opts)}: ${s[at - 1]} → ${s[at]}`,
    );
    assert.ok(s[at] > s[at - 1], "the spike does add");
  }
});

Deno.test("levelShift.score() is 0 everywhere once drift ≥ clip", () => {
  // Each point adds at most clip − drift ≤ 0 to either sum, so neither can leave 0.
  const shifted = daily(7, 30);
  for (let i = 16 * 24; i < shifted.values.length; i++) shifted.values[i] *= 3;
  const s = levelShift.score(shifted, levelShift.fit([], { drift: 6, clip: 6 }));
  const f = finite(s);
  assert.ok(f.length > 200);
  assert.ok(f.every((x) => x === 0));
});

Deno.test("levelShift.score() also accumulates a sustained drop (two-sided)", () => {
  const p = levelShift.fit([]);
  const at = 22 * 24;
  const dropped = daily(7, 30);
  for (let i = at; i < dropped.values.length; i++) dropped.values[i] /= 3;
  const normal = Math.max(...finite(levelShift.score(daily(7, 30), p)));
  const s = levelShift.score(dropped, p);
  assert.ok(s[at + 6] > 3 * normal, `after 6 h: ${s[at + 6]} vs normal max ${normal}`);
});

Deno.test("levelShift.score() at a 5-minute step sums hourly levels: minutes of outliers add nothing, a sustained ×3 all", () => {
  // 20 days at 5 minutes: a daily rhythm with 5 % noise per point.
  const rng = createRng(4);
  const values = Float64Array.from(
    { length: 20 * 288 },
    (_, i) => 10 * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 288)) * Math.exp(0.05 * rng.normal()),
  );
  const at = 17 * 288 + 100;
  const blip = Float64Array.from(values);
  blip[at] *= 10, blip[at + 1] *= 10; // ten minutes at ×10: a spike, not a level
  const shift = Float64Array.from(values);
  for (let i = at; i < at + 6 * 12; i++) shift[i] *= 3; // six hours at ×3
  const series = (v: Float64Array) => ({ key: "k", labels: {}, start: 0, step: 300_000, values: v });
  const p = levelShift.fit([]);
  const base = levelShift.score(series(values), p), b = levelShift.score(series(blip), p);
  const s = levelShift.score(series(shift), p);
  // Point by point, the two would add 2 · (clip − drift) / 12 ≈ 0.67; the hour's median barely moves.
  let most = 0;
  for (let i = at; i < at + 24; i++) most = Math.max(most, b[i] - base[i]);
  assert.ok(most < 0.1, `the blip added ${most}`);
  assert.ok(
    s[at + 6 * 12 - 1] > 4 * 5,
    `six hours of ×3 sum about (clip − drift) an hour: ${s[at + 6 * 12 - 1]}`,
  );
});

Deno.test("hourlyMedian() is the median of the valid values among the last k, as computed from scratch", () => {
  const rng = createRng(1);
  for (const k of [1, 2, 5, 12, 60]) {
    // Ties (rounded values) and 10 % missing points.
    const x = Float64Array.from(
      { length: 3000 },
      () => (rng.next() < 0.1 ? NaN : Math.round(rng.normal() * 5)),
    );
    const got = hourlyMedian(x, k);
    const buf = new Float64Array(k);
    for (let i = 0; i < x.length; i++) {
      let m = 0;
      for (let j = Math.max(0, i - k + 1); j <= i; j++) if (x[j] === x[j]) buf[m++] = x[j];
      const want = x[i] !== x[i] || 2 * m < k ? NaN : medianOf(buf, m);
      assert.ok(
        got[i] === want || (got[i] !== got[i] && want !== want),
        `k=${k} i=${i}: ${got[i]} vs ${want}`,
      );
    }
  }
});

Deno.test("hourlyLevel() is the median of the hour's clock-aligned block means, as computed from scratch", () => {
  const rng = createRng(2);
  for (const [k, offset] of [[60, 0], [60, 3], [60, -7], [120, 1234567], [24, 5]]) {
    const b = k / 12;
    // Ties, 10 % missing points, and a whole missing hour (fewer than half the points valid).
    const x = Float64Array.from(
      { length: 3000 },
      (_, i) => (rng.next() < 0.1 || (i >= 1000 && i < 1000 + k) ? NaN : Math.round(rng.normal() * 5)),
    );
    const got = hourlyLevel(x, k, offset);
    for (let i = 0; i < x.length; i++) {
      // The block holding i starts at the last clock boundary: (offset + j) a multiple of b.
      let first = i;
      while (((offset + first) % b + b) % b !== 0 && first > 0) first--;
      const blockMeans: number[] = [];
      let valid = 0;
      for (let q = 0; q < 12; q++) {
        const lo = q === 0 ? first : first - q * b, hi = q === 0 ? i : first - (q - 1) * b - 1;
        const vals = [];
        for (let j = Math.max(0, lo); j <= hi; j++) if (x[j] === x[j]) vals.push(x[j]);
        valid += vals.length;
        if (vals.length) blockMeans.push(vals.reduce((a, c) => a + c, 0) / vals.length);
      }
      const want = x[i] !== x[i] || 2 * valid < k
        ? NaN
        : medianOf(Float64Array.from(blockMeans), blockMeans.length);
      assert.ok(
        Math.abs(got[i] - want) < 1e-9 || (got[i] !== got[i] && want !== want),
        `k=${k} offset=${offset} i=${i}: ${got[i]} vs ${want}`,
      );
    }
  }
  // At 5 minutes and coarser (k ≤ 12), the median of the points.
  const x = Float64Array.from({ length: 200 }, () => rng.normal());
  assert.deepEqual(hourlyLevel(x, 12, 7), hourlyMedian(x, 12));
});

Deno.test("levelShift.score() sees a lost rhythm in the second week once the family's weekly rhythm is known", () => {
  // 12 hourly series from Monday 2026-01-05 with a daily swing; weekends at 40% of weekdays.
  const start = Date.UTC(2026, 0, 5);
  const rng = createRng(3);
  const level = (i: number) =>
    ([5, 6].includes(Math.floor(i / 24) % 7) ? 4 : 10) * (1 + 0.6 * Math.sin((2 * Math.PI * i) / 24));
  const family = Array.from({ length: 12 }, (_, k) => ({
    key: `s${k}`,
    labels: {},
    start,
    step: 3_600_000,
    values: Float64Array.from({ length: 24 * 11 }, (_, i) => level(i) * Math.exp(0.1 * rng.normal())),
  }));
  const known = levelShift.fit(family.map((s) => ({ ...s, values: s.values.slice(0, 24 * 9) })));
  assert.ok(known.weekly && known.weekly.length === 168, "a weekly profile from 9 days of 12 series");
  // Days 9 and 10 (Wednesday, Thursday) of one series lose their rhythm: flat near the daily peak.
  const lost = { ...family[0], values: family[0].values.slice() };
  for (let i = 24 * 9; i < 24 * 11; i++) lost.values[i] = 15 * Math.exp(0.1 * rng.normal());
  const s = levelShift.score(lost, known);
  // The first three days have no baseline; then the weekend and the Monday after it are expected.
  for (let i = 0; i < 3 * 24; i++) assert.ok(Number.isNaN(s[i]), `i=${i} ${s[i]}`);
  const normal = Math.max(...finite(s.subarray(0, 24 * 9)));
  const during = Math.max(...finite(s.subarray(24 * 9, 24 * 11)));
  assert.ok(during > 3 * normal, `lost rhythm ${during} vs normal days (weekend included) ${normal}`);
  // Without a known profile (no training family), nothing before two weeks, as a Monday could be a shift.
  const unknown = levelShift.score(lost, levelShift.fit([]));
  assert.ok(unknown.every((x) => Number.isNaN(x)));
});
