import assert from "node:assert/strict";
import { daily, DAY, finite, HOUR, MISSING } from "../../tests/support/test_series.ts";
import { createRng } from "../prng.ts";
import { normalTailDecades, rhythmLoss, zOfDecades } from "./rhythm_loss.ts";
import type { Series } from "../series/types.ts";

const LOST = 17 * 24; // from day 17 on: the daily mean (10) plus the same 10 % noise, no rhythm

function lost(): Series {
  const s = daily();
  const rng = createRng(99);
  for (let i = LOST; i < s.values.length; i++) {
    if (s.values[i] === s.values[i]) s.values[i] = 10 * Math.exp(0.1 * rng.normal());
  }
  return s;
}

Deno.test("rhythmLoss.fit() returns the documented defaults, honours options and reads the weekly profile", () => {
  const p = rhythmLoss.fit([]);
  assert.equal(p.window, DAY);
  assert.equal(p.days, 14);
  assert.equal(p.weekly, null); // no fleet, no weekly profile
  const q = rhythmLoss.fit([], { window: 12 * HOUR, days: 7 });
  assert.equal(q.window, 12 * HOUR);
  assert.equal(q.days, 7);
  assert.equal(rhythmLoss.name, "rhythm_loss");
});

Deno.test("rhythmLoss.score() is NaN at missing points and until three earlier days make the usual shape", () => {
  const s = rhythmLoss.score(daily(), rhythmLoss.fit([]));
  for (const i of MISSING) assert.ok(Number.isNaN(s[i]), `missing i=${i}`);
  // The usual shape needs 3 earlier days, the window 18 of its 24 hours with one (and the running level its
  // warm-up of 6 points on the first day, so day 4 is the first with 3 earlier days at every hour).
  for (let i = 0; i < 3 * 24 + 17; i++) assert.ok(Number.isNaN(s[i]), `warm-up i=${i}`);
  const first = s.findIndex((x) => !Number.isNaN(x));
  assert.ok(first <= 4 * 24, `first score at ${first}`);
  for (let i = first; i < s.length; i++) {
    if (!MISSING.includes(i)) assert.ok(s[i] >= 0, `i=${i} is ${s[i]}`);
  }
});

Deno.test("rhythmLoss.score() scores a day without rhythm far higher than normal days", () => {
  const p = rhythmLoss.fit([]);
  const normal = Math.max(...finite(rhythmLoss.score(daily(), p)));
  const s = rhythmLoss.score(lost(), p);
  // After a whole day without rhythm (the window holds only flat values).
  const end = LOST + 24 - 1;
  assert.ok(s[end] > 2 * normal, `${s[end]} vs normal max ${normal}`);
  assert.ok(s[LOST - 1] <= normal); // causal: nothing before the change
});

Deno.test("rhythmLoss.score() is 0 once warmed up on a constant series", () => {
  // The expectation is constant too: its variance is 0, so there is no slope to test and the score is 0.
  const values = new Float64Array(10 * 24).fill(5);
  const s = rhythmLoss.score({ key: "k", labels: {}, start: 0, step: HOUR, values }, rhythmLoss.fit([]));
  const f = finite(s);
  assert.ok(f.length > 24);
  assert.ok(f.every((x) => x === 0));
  assert.ok(Number.isNaN(s[0]));
});

Deno.test("rhythmLoss.score() does not score a series that keeps its rhythm at a new level", () => {
  // ×2 from day 17: in logs the intercept takes the new level and the slope on the usual shape stays ≈ 1.
  const p = rhythmLoss.fit([]);
  const normal = Math.max(...finite(rhythmLoss.score(daily(), p)));
  const s = daily();
  for (let i = LOST; i < s.values.length; i++) s.values[i] *= 2;
  const score = rhythmLoss.score(s, p);
  assert.ok(score[LOST + 23] <= normal, `${score[LOST + 23]} vs normal max ${normal}`);
});

Deno.test("rhythmLoss.score() is 0 where the usual shape is not known better than its noise", () => {
  // Noise around a level: the earlier days' spread accounts for all of the shape's variance.
  const rng = createRng(3);
  const values = Float64Array.from({ length: 20 * 24 }, () => 10 * Math.exp(0.3 * rng.normal()));
  const s = finite(
    rhythmLoss.score({ key: "k", labels: {}, start: 0, step: HOUR, values }, rhythmLoss.fit([])),
  );
  assert.ok(s.length > 10 * 24);
  assert.ok(s.filter((x) => x === 0).length > 0.9 * s.length, `${s.filter((x) => x > 0).length} scored`);
});

Deno.test("rhythmLoss.score() reads a 1-minute series by the hour: the same verdict as the hourly one", () => {
  // The hourly test series' shape at 1 minute (each hour's 60 points around its value).
  const hourly = daily(7, 20);
  const rng = createRng(5);
  const values = new Float64Array(hourly.values.length * 60);
  for (let i = 0; i < values.length; i++) {
    const h = hourly.values[Math.floor(i / 60)];
    values[i] = h === h ? h * Math.exp(0.05 * rng.normal()) : NaN;
  }
  for (let i = LOST * 60; i < values.length; i++) values[i] = 10 * Math.exp(0.1 * rng.normal());
  const minute = { ...hourly, step: 60_000, values };
  const s = rhythmLoss.score(minute, rhythmLoss.fit([]));
  const normal = Math.max(...finite(s.subarray(0, LOST * 60)));
  const after = s[(LOST + 24) * 60 - 1];
  assert.ok(after > 2 * normal, `${after} vs normal max ${normal}`);
  // At an hour's last minute the window is the 24 complete hours, as at the hourly step.
  const h = rhythmLoss.score({ ...hourly, values: hourly.values.slice() }, rhythmLoss.fit([]));
  const i = 10 * 24 + 5;
  assert.ok(Math.abs(s[(i + 1) * 60 - 1] - h[i]) < 0.5 * (h[i] + 0.5), `${s[(i + 1) * 60 - 1]} vs ${h[i]}`);
});

Deno.test("rhythmLoss.score() carries the usual shape over the family's weekly profile", () => {
  // Weekends at half the daily swing: read by the weekdays before them, a Saturday looks like a lost rhythm;
  // carried over the day-over-day profile that says so, it does not.
  const start = Date.UTC(2026, 0, 5); // a Monday
  const rng = createRng(11);
  const swing = (i: number) => {
    const dow = Math.floor(i / 24) % 7; // 0 = Monday
    return dow >= 5 ? 0.2 : 0.8;
  };
  const values = Float64Array.from(
    { length: 28 * 24 },
    (_, i) => 10 * Math.exp(swing(i) * Math.sin((2 * Math.PI * i) / 24) + 0.05 * rng.normal()),
  );
  const series = { key: "k", labels: {}, start, step: HOUR, values };
  // The profile: at each hour of the week, log(x_t / x_{t − 1 d}) of the noiseless shape.
  const weekly = Array.from({ length: 168 }, (_, slot) => {
    const i = 7 * 24 + slot; // a Monday of the series
    return (swing(i) - swing(i - 24)) * Math.sin((2 * Math.PI * i) / 24);
  });
  const plain = rhythmLoss.score(series, rhythmLoss.fit([]));
  const carried = rhythmLoss.score(series, { ...rhythmLoss.fit([]), weekly });
  const saturdayEnd = 3 * 7 * 24 + 5 * 24 + 23;
  assert.ok(plain[saturdayEnd] > 5, `plain ${plain[saturdayEnd]}`);
  assert.ok(carried[saturdayEnd] < 2, `carried ${carried[saturdayEnd]}`);
});

Deno.test("normalTailDecades() is −log10 of the normal upper tail, continuous where its two forms meet", () => {
  assert.equal(normalTailDecades(0), 0);
  assert.equal(normalTailDecades(-2), 0);
  assert.equal(normalTailDecades(NaN), 0);
  // P(Z ≥ z) for z = 1.6449, 3, 4, 6: 0.05, 1.3499e-3, 3.1671e-5, 9.8659e-10.
  for (const [z, p] of [[1.6449, 0.05], [3, 1.3499e-3], [4, 3.1671e-5], [6, 9.8659e-10]]) {
    assert.ok(Math.abs(normalTailDecades(z) + Math.log10(p)) < 0.01, `z=${z}: ${normalTailDecades(z)}`);
  }
  assert.ok(Math.abs(normalTailDecades(4.9999) - normalTailDecades(5)) < 0.01);
});

Deno.test("zOfDecades() inverts normalTailDecades(), and rhythmLoss explains a score in standard errors", () => {
  for (const z of [0.5, 2, 4.2, 7]) {
    assert.ok(Math.abs(zOfDecades(normalTailDecades(z)) - z) < 1e-6, `z=${z}`);
  }
  assert.equal(zOfDecades(0), 0);
  const text = rhythmLoss.explain(normalTailDecades(4), 1, 1, rhythmLoss.fit([]), { step: HOUR });
  assert.match(
    text,
    /^the daily rhythm faded over the last 24 h: the day follows the usual daily shape 4 standard errors/,
  );
});

Deno.test("rhythmLoss.score() gives each day in its window its own level: a weekend's lower level is no lost shape", () => {
  // From day 12 (a Saturday) the whole day at 60 % of the level, the shape unchanged, with no weekly profile to
  // say so: a window across midnight holds two levels, each day's own intercept takes them apart.
  const s = daily(7, 14);
  const saturday = 12 * 24;
  for (let i = saturday; i < s.values.length; i++) s.values[i] *= 0.6;
  const p = rhythmLoss.fit([]);
  const normal = Math.max(...finite(rhythmLoss.score(daily(7, 14), p)));
  const score = rhythmLoss.score(s, p);
  const after = Math.max(...finite(score.subarray(saturday, saturday + 24)));
  assert.ok(after <= normal + 0.5, `${after} vs normal max ${normal}`);
});
