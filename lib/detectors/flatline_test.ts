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
