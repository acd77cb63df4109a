import assert from "node:assert/strict";
import { daily, DAY, finite, HOUR, MISSING } from "../../tests/support/test_series.ts";
import { createRng } from "../prng.ts";
import { rhythmLoss } from "./rhythm_loss.ts";
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

Deno.test("rhythmLoss.fit() returns the documented default window and honours options", () => {
  const p = rhythmLoss.fit([]);
  assert.equal(p.window, DAY);
  const q = rhythmLoss.fit([], { window: 12 * HOUR });
  assert.equal(q.window, 12 * HOUR);
  assert.equal(rhythmLoss.name, "rhythm_loss");
});

Deno.test("rhythmLoss.score() is NaN at missing points and during the first day and its warm-up", () => {
  const s = rhythmLoss.score(daily(), rhythmLoss.fit([]));
  for (const i of MISSING) assert.ok(Number.isNaN(s[i]), `missing i=${i}`);
  // The 1 d lag exists from i = 24; the shape statistic needs most of a window of it.
  for (let i = 0; i < 24; i++) assert.ok(Number.isNaN(s[i]), `warm-up i=${i}`);
  assert.ok(s.findIndex((x) => !Number.isNaN(x)) < 48);
  for (let i = 15 * 24; i < s.length; i++) {
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
  // ×2 from day 17: the slope of values on expectation is ≈ 2, so 1 − slope < 0 and the score is clipped to 0
  // at the end of the first doubled day.
  const s = daily();
  for (let i = LOST; i < s.values.length; i++) s.values[i] *= 2;
  const score = rhythmLoss.score(s, rhythmLoss.fit([]));
  assert.equal(score[LOST + 23], 0);
});
