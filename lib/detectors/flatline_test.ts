import assert from "node:assert/strict";
import { daily, HOUR, MISSING } from "../../tests/support/test_series.ts";
import { flatline } from "./flatline.ts";
import type { Series } from "../series/types.ts";

const series = (values: number[], step = HOUR): Series => ({
  key: "k",
  labels: {},
  start: 0,
  step,
  values: Float64Array.from(values),
});

Deno.test("flatline.fit() returns the documented default tolerance and honours options", () => {
  const p = flatline.fit([]);
  assert.equal(p.tolerance, 1e-9);
  assert.equal(flatline.fit([], { tolerance: 0.01 }).tolerance, 0.01);
  assert.equal(flatline.name, "flatline");
});

Deno.test("flatline.score() is the hours since the stuck run began (hand-computed toys)", () => {
  const cases: Array<{ name: string; values: number[]; step?: number; tolerance?: number; want: number[] }> =
    [
      { name: "doc example", values: [1, 2, 3, 3, 3, 3, 4], want: [0, 0, 0, 1, 2, 3, 0] },
      {
        name: "a missing point neither breaks the run nor is scored",
        values: [1, 2, 3, 3, NaN, 3, 3, 4],
        // the run starts at i=2: i=5 is 3 h later, i=6 4 h
        want: [0, 0, 0, 1, NaN, 3, 4, 0],
      },
      {
        name: "15-minute step",
        values: [7, 7, 7, 7, 7, 8],
        step: HOUR / 4,
        want: [0, 0.25, 0.5, 0.75, 1, 0],
      },
      { name: "zeros are stuck too", values: [0, 0, 0], want: [0, 1, 2] },
      { name: "leading missing points", values: [NaN, NaN, 5, 5], want: [NaN, NaN, 0, 1] },
      { name: "a returning value starts a new run", values: [2, 2, 5, 2, 2], want: [0, 1, 0, 0, 1] },
      {
        name: "tolerance 1 %: 100 → 100.5 → 101 is stuck, 103 is not",
        values: [100, 100.5, 101, 103],
        tolerance: 0.01,
        // |100.5 − 100| = 0.5 ≤ 0.01 · 100.5; |101 − 100.5| = 0.5 ≤ 1.01; |103 − 101| = 2 > 1.03
        want: [0, 1, 2, 0],
      },
      {
        name: "default tolerance: a relative change of 1e-12 is stuck",
        values: [1, 1 + 1e-12, 1],
        want: [0, 1, 2],
      },
      {
        name: "default tolerance: a relative change of 1e-6 is not",
        values: [1, 1 + 1e-6, 1],
        want: [0, 0, 0],
      },
    ];
  for (const { name, values, step, tolerance, want } of cases) {
    const s = flatline.score(series(values, step), flatline.fit([], { tolerance }));
    assert.deepEqual([...s], want, name);
  }
});

Deno.test("flatline.score() is NaN at missing points and 0 at every changing point", () => {
  const s = flatline.score(daily(), flatline.fit([]));
  for (let i = 0; i < s.length; i++) {
    if (MISSING.includes(i)) assert.ok(Number.isNaN(s[i]), `missing i=${i}`);
    else assert.equal(s[i], 0, `i=${i}`); // continuous noise never repeats exactly
  }
});

Deno.test("flatline.score() counts a stuck value in hours", () => {
  const s = daily();
  // Stuck at the value of 03:00 on day 16 (i = 399) from i = 400 to 420, one reading lost inside the run.
  s.values.fill(s.values[399], 400, 421);
  s.values[410] = NaN;
  const score = flatline.score(s, flatline.fit([]));
  assert.equal(score[400], 1); // 400 − 399
  assert.ok(Number.isNaN(score[410]));
  assert.equal(score[411], 12); // 411 − 399
  assert.equal(score[420], 21); // 420 − 399: 21 hours stuck
  assert.equal(score[421], 0); // moving again
  assert.equal(score[399], 0);
});

Deno.test("flatline.score() counts repeats by how rarely the series repeats at that hour", () => {
  // 5-minute steps, 10 days: a quiet shard recorded on a grid (0.001) sits on one value from 00:00 to 06:00, a
  // one-step blip every 40 minutes breaking its runs, and moves every point the rest of the day.
  const step = 300_000, perHour = 12, perDay = 24 * perHour;
  const values = new Float64Array(10 * perDay).map((_, i) => {
    const h = Math.floor((i % perDay) / perHour);
    return h < 6 ? (i % 8 === 0 ? 0.002 : 0.001) : 0.001 * (3 + ((i * 7) % 5));
  });
  // Day 9: the night's value stuck without a blip from 00:00 to 05:00, and the same value stuck 12:00 to 17:00.
  const night = 9 * perDay, noon = 9 * perDay + 12 * perHour, len = 5 * perHour;
  values.fill(0.001, night, night + len);
  values.fill(0.004, noon, noon + len);
  const s = flatline.score(series([...values], step), flatline.fit([]));
  // At noon the series moves at every point: five hours of repeats are five hours.
  assert.ok(Math.abs(s[noon + len - 1] - (len - 1) / perHour) < 1e-9, `${s[noon + len - 1]}`);
  // At night it repeats 6 points in 8 (the blip and the return are changes): each repeat weighs −log₂ 0.75 ≈ 0.42
  // of a step, and five hours of them about two.
  const n5 = s[night + len - 1];
  assert.ok(n5 > 0.3 * s[noon + len - 1] && n5 < 0.6 * s[noon + len - 1], `${n5}`);
  // The first night, before the rate is known, counts in full (as a value recorded in full always does): the run
  // from i = 1 is 6 repeats at i = 7.
  assert.ok(Math.abs(s[7] - 0.5) < 1e-12, `${s[7]}`);
});
