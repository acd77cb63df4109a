import assert from "node:assert/strict";
import { daily, finite, HOUR, MISSING } from "../../tests/support/test_series.ts";
import { createRng } from "../prng.ts";
import { stall } from "./stall.ts";
import type { Series } from "../series/types.ts";
import { levelShift } from "./level_shift.ts";

const AT = 18 * 24 + 2; // the climb starts at 02:00 on day 18

Deno.test("stall.fit() returns the documented default window and honours options", () => {
  const p = stall.fit([]);
  assert.equal(p.window, 4 * HOUR);
  const q = stall.fit([], { window: 8 * HOUR });
  assert.equal(q.window, 8 * HOUR);
  assert.equal(stall.name, "stall");
});

Deno.test("stall.score() is causal at a 2-minute step too (scores held between refits)", () => {
  const rng = createRng(21);
  const n = 24 * 720;
  const values = Float64Array.from(
    { length: n },
    (_, i) => 10 * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 720)) * Math.exp(0.1 * rng.normal()),
  );
  values[12_000] = values[14_001] = NaN;
  const s: Series = { key: "fine", labels: {}, start: 0, step: HOUR / 30, values };
  const p = stall.fit([]);
  const full = stall.score(s, p);
  assert.ok(finite(full).length > 5000);
  for (const k of [3000, 10_081, 12_003, 14_001, 16_007, n - 1]) {
    const part = stall.score({ ...s, values: values.slice(0, k + 1) }, p);
    assert.deepEqual([...part], [...full.subarray(0, k + 1)], `prefix 0..${k}`);
  }
});

Deno.test("stall.score() is NaN at missing points and for the first two weeks", () => {
  const s = stall.score(daily(7, 30), stall.fit([]));
  for (const i of MISSING) assert.ok(Number.isNaN(s[i]), `missing i=${i}`);
  // The log ratio needs the robust expectation (1 d / 7 d / 14 d), then its scale warms up over 6 points.
  for (let i = 0; i < 14 * 24 + 6; i++) assert.ok(Number.isNaN(s[i]), `warm-up i=${i}`);
  // From then on, every point whose 1 d, 7 d and 14 d lags all exist is scored (a median of two is not robust).
  const lagMissing = (i: number) => [24, 168, 336].some((l) => MISSING.includes(i - l));
  for (let i = 14 * 24 + 6; i < s.length; i++) {
    if (!MISSING.includes(i) && !lagMissing(i)) assert.ok(s[i] >= 0, `i=${i} is ${s[i]}`);
  }
});

Deno.test("stall.score() scores a steady climb far higher than normal points", () => {
  const p = stall.fit([]);
  const normal = Math.max(...finite(stall.score(daily(7, 30), p)));
  const climbing = daily();
  // ×e^(0.4k): the log ratio rises by 0.4 per hour, a straight line, for 8 h (to ×16).
  for (let k = 0; k < 8; k++) climbing.values[AT + k] *= Math.exp(0.4 * k);
  const s = stall.score(climbing, p);
  // From the 4th climbing hour on, the 4-hour window holds the climb.
  for (let k = 4; k < 8; k++) {
    assert.ok(s[AT + k] > 2 * normal, `k=${k}: ${s[AT + k]} vs normal max ${normal}`);
  }
  assert.ok(s[AT - 1] <= normal);
});

Deno.test("stall.score() never scores a fall", () => {
  const p = stall.fit([]);
  const falling = daily();
  for (let k = 0; k < 8; k++) falling.values[AT + k] *= Math.exp(-0.4 * k);
  const s = stall.score(falling, p);
  // Once the window holds only the fall (k ≥ 4 of a 4-hour window), the slope is negative: score 0.
  for (let k = 4; k < 8; k++) assert.equal(s[AT + k], 0, `k=${k}`);
});

Deno.test("stall.score() and levelShift.score() stay sane on a shard idle at 0 every night from its first hour", () => {
  // 20 days hourly, 0 from 00:00 to 08:00 UTC (the expectation too, so ρ is exactly 0 there), a daily rhythm
  // with noise otherwise. ρ's first valid hours are a night: a running scale started from them was 0 for ever,
  // and every morning's noise scored 1e10 scale units.
  const values = Float64Array.from({ length: 24 * 20 }, (_, i) => {
    const h = i % 24;
    return h < 8 ? 0 : 0.01 * (1 + 0.3 * Math.sin((2 * Math.PI * h) / 24)) * (1 + 0.1 * Math.sin(i * 7.3));
  });
  const series = { key: "k", labels: {}, start: 0, step: 3_600_000, values };
  const s = stall.score(series, stall.fit([]));
  const l = levelShift.score(series, levelShift.fit([]));
  const max = (a: Float64Array) => a.reduce((m, v) => (v > m ? v : m), 0);
  assert.ok(max(s) < 50, `stall max ${max(s)}`);
  assert.ok(max(l) < 50, `level shift max ${max(l)}`);
  assert.ok(s.some((v) => v > 0) || l.some((v) => v > 0), "scored at all");
});
