import assert from "node:assert/strict";
import { eventsFromFlags } from "./events_from_flags.ts";

const series = { key: "s", start: 1_000, step: 10 };

Deno.test("eventsFromFlags() turns runs of flagged points into inclusive events", () => {
  // [name, flags, mergeGap, expected [start, end] pairs]
  const cases: Array<[string, ArrayLike<number>, number, Array<[number, number]>]> = [
    ["no points", [], 0, []],
    ["nothing flagged", [0, 0, 0], 0, []],
    ["one flagged point", [0, 1, 0], 0, [[1_010, 1_010]]],
    ["all flagged", [1, 1, 1], 0, [[1_000, 1_020]]],
    ["a run at the very end", [0, 0, 1, 1], 0, [[1_020, 1_030]]],
    ["two runs", [1, 1, 0, 1], 0, [[1_000, 1_010], [1_030, 1_030]]],
    ["NaN is not a flag", [NaN, 1, NaN, 1], 0, [[1_010, 1_010], [1_030, 1_030]]],
    ["any non-zero value is a flag", [0.5, -2, 0, 3], 0, [[1_000, 1_010], [1_030, 1_030]]],
    ["mergeGap 2 bridges a 2-point gap", [1, 0, 0, 1, 0, 0, 0, 1], 2, [[1_000, 1_030], [1_070, 1_070]]],
    ["mergeGap 3 bridges a 3-point gap too", [1, 0, 0, 1, 0, 0, 0, 1], 3, [[1_000, 1_070]]],
    ["mergeGap does not extend past the last flag", [0, 1, 0, 0], 5, [[1_010, 1_010]]],
  ];
  for (const [name, flags, mergeGap, want] of cases) {
    assert.deepEqual(
      eventsFromFlags(series, flags, { mergeGap }),
      want.map(([start, end]) => ({ series: "s", start, end })),
      name,
    );
  }
});

Deno.test("eventsFromFlags() accepts typed arrays and a Series", () => {
  const want = [{ series: "k", start: 3_600_000, end: 7_200_000 }];
  const grid = { key: "k", labels: {}, start: 0, step: 3_600_000, values: new Float64Array(4) };
  assert.deepEqual(eventsFromFlags(grid, Uint8Array.from([0, 1, 1, 0])), want);
  assert.deepEqual(eventsFromFlags(grid, Float64Array.from([0, 0.9, 0.7, 0])), want);
});

Deno.test("eventsFromFlags() refuses a bad mergeGap or grid", () => {
  const cases: Array<[string, () => unknown, string]> = [
    [
      "negative mergeGap",
      () => eventsFromFlags(series, [1], { mergeGap: -1 }),
      "Cannot make events from flags: mergeGap must be an integer ≥ 0 (points), current value is -1",
    ],
    [
      "fractional mergeGap",
      () => eventsFromFlags(series, [1], { mergeGap: 1.5 }),
      "Cannot make events from flags: mergeGap must be an integer ≥ 0 (points), current value is 1.5",
    ],
    [
      "zero step",
      () => eventsFromFlags({ key: "s", start: 0, step: 0 }, [1]),
      'Cannot make events from flags: series "s" needs a finite start and a positive step, current value is start 0, step 0',
    ],
    [
      "NaN start",
      () => eventsFromFlags({ key: "s", start: NaN, step: 10 }, [1]),
      'Cannot make events from flags: series "s" needs a finite start and a positive step, current value is start NaN, step 10',
    ],
  ];
  for (const [name, run, message] of cases) assert.throws(run, { name: "RangeError", message }, name);
});
