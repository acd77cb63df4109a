import assert from "node:assert/strict";
import { resample } from "./resample.ts";
import type { Series } from "./types.ts";
import { createRng } from "../prng.ts";

const M = 60_000;
const series = (values: number[], start = 0, step = M): Series => ({
  key: "a.b",
  labels: { machine: "m" },
  start,
  step,
  values: Float64Array.from(values),
});

Deno.test("resample() averages the valid points of each slot", () => {
  const cases: Array<{ name: string; s: Series; step: number; want: { start: number; values: number[] } }> = [
    { name: "doc example", s: series([1, 3, NaN, 5]), step: 2 * M, want: { start: 0, values: [2, 5] } },
    {
      name: "three to one",
      s: series([1, 2, 6, 10, 20, 30]),
      step: 3 * M,
      want: { start: 0, values: [3, 20] },
    },
    {
      name: "a slot with no valid point is NaN",
      s: series([NaN, NaN, 4, 6]),
      step: 2 * M,
      want: { start: 0, values: [NaN, 5] },
    },
    { name: "all missing", s: series([NaN, NaN, NaN]), step: 3 * M, want: { start: 0, values: [NaN] } },
    {
      name: "slots start at multiples of the new step in epoch time",
      // points at 1, 2, 3 min; 2-minute slots [0, 2) → {1}, [2, 4) → {2, 3}
      s: series([1, 2, 3], M),
      step: 2 * M,
      want: { start: 0, values: [1, 2.5] },
    },
    {
      name: "a trailing partial slot",
      s: series([1, 2, 3, 4, 5]),
      step: 2 * M,
      want: { start: 0, values: [1.5, 3.5, 5] },
    },
    {
      name: "hourly from 15 minutes, starting at 00:45",
      s: series([8, 1, 2, 3, 4, 100], 45 * M, 15 * M),
      step: 60 * M,
      // slot 00:00 holds 00:45 → 8; slot 01:00 holds 01:00–01:45 → (1 + 2 + 3 + 4) / 4; slot 02:00 → 100
      want: { start: 0, values: [8, 2.5, 100] },
    },
  ];
  for (const { name, s, step, want } of cases) {
    const r = resample(s, step);
    assert.deepEqual({ start: r.start, step: r.step, values: [...r.values] }, {
      start: want.start,
      step,
      values: want.values,
    }, name);
    assert.equal(r.key, s.key, name);
    assert.deepEqual(r.labels, s.labels, name);
  }
});

Deno.test("resample() returns the same series when the step already matches", () => {
  const s = series([1, 2, 3]);
  assert.equal(resample(s, M), s);
});

Deno.test("resample() keeps the mean of a long random series (no point lost or counted twice)", () => {
  const rng = createRng(8);
  const values = Float64Array.from({ length: 6000 }, () => rng.uniform(0, 10));
  const s: Series = { key: "r", labels: {}, start: Date.UTC(2026, 0, 1), step: M, values };
  const r = resample(s, 60 * M);
  assert.equal(r.values.length, 100); // 6000 minutes from midnight = 100 full hours
  const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(Math.abs(mean(r.values) - mean(values)) < 1e-9);
  // Each hour is the mean of its own 60 minutes.
  for (const h of [0, 57, 99]) {
    assert.ok(Math.abs(r.values[h] - mean(values.subarray(h * 60, h * 60 + 60))) < 1e-12);
  }
});

Deno.test("resample() rejects a step that is not a multiple of the current one", () => {
  const cases: Array<[number, string]> = [
    [90_000, "90000"],
    [30_000, "30000"], // finer is not a consolidation
    [0, "0"],
    [-120_000, "-120000"],
    [NaN, "NaN"],
  ];
  for (const [step, shown] of cases) {
    assert.throws(() => resample(series([1, 2, 3]), step), {
      name: "RangeError",
      message: `Cannot resample a.b: the new step must be a multiple of 60000 ms, current value is ${shown}`,
    });
  }
});
