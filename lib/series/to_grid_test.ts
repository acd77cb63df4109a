import assert from "node:assert/strict";
import { inferStep, toGrid } from "./to_grid.ts";

const f = (...v: number[]) => new Float64Array(v);
const M = 60_000;

Deno.test("toGrid() snaps, fills holes, counts duplicates and jitter", () => {
  const cases: Array<{
    name: string;
    times: number[];
    values: number[];
    want: { start: number; step: number; values: number[]; duplicates: number; jitter: number; gaps: number };
  }> = [
    {
      name: "regular",
      times: [0, M, 2 * M],
      values: [1, 2, 3],
      want: { start: 0, step: M, values: [1, 2, 3], duplicates: 0, jitter: 0, gaps: 0 },
    },
    {
      name: "hole filled with NaN",
      times: [0, M, 3 * M, 4 * M],
      values: [1, 2, 4, 5],
      want: { start: 0, step: M, values: [1, 2, NaN, 4, 5], duplicates: 0, jitter: 0, gaps: 1 },
    },
    {
      name: "jittered point snapped",
      times: [0, M + 900, 2 * M, 3 * M],
      values: [1, 2, 3, 4],
      want: { start: 0, step: M, values: [1, 2, 3, 4], duplicates: 0, jitter: 1, gaps: 0 },
    },
    {
      name: "duplicate keeps the later non-missing value",
      times: [0, M, M, 2 * M, 2 * M],
      values: [1, 2, 9, 3, NaN],
      want: { start: 0, step: M, values: [1, 9, 3], duplicates: 2, jitter: 0, gaps: 0 },
    },
    {
      name: "unsorted rows",
      times: [2 * M, 0, M],
      values: [3, 1, 2],
      want: { start: 0, step: M, values: [1, 2, 3], duplicates: 0, jitter: 0, gaps: 0 },
    },
    {
      name: "grid phase taken from the majority, not a jittered first point",
      times: [30 * 1000 + 5000, M + 30_000, 2 * M + 30_000, 3 * M + 30_000],
      values: [1, 2, 3, 4],
      want: { start: 30_000, step: M, values: [1, 2, 3, 4], duplicates: 0, jitter: 1, gaps: 0 },
    },
  ];
  for (const { name, times, values, want } of cases) {
    const g = toGrid(f(...times), [f(...values)]);
    assert.deepEqual(
      {
        start: g.start,
        step: g.step,
        values: [...g.columns[0]],
        duplicates: g.duplicates,
        jitter: g.jitter,
        gaps: g.gaps,
      },
      want,
      name,
    );
  }
});

Deno.test("toGrid() refuses a grid blown up by one far-off time, naming the source", () => {
  assert.throws(() => toGrid(f(0, M, 2 * M, 1e12), [f(1, 2, 3, 4)], { source: "x.csv" }), {
    name: "RangeError",
    message: /Cannot build a grid for x\.csv: 4 rows at step 60000 ms would span/,
  });
  assert.throws(() => toGrid(f(), [f()], { source: "x.csv" }), {
    name: "RangeError",
    message: /no data rows/,
  });
});

Deno.test("inferStep() takes the median positive gap", () => {
  assert.equal(inferStep(f(0, M, 2 * M, 10 * M, 11 * M)), M);
  assert.equal(inferStep(f(0, 0, 0)), NaN);
  assert.equal(inferStep(f(0, 500, 1000)), 500);
});
