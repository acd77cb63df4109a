import assert from "node:assert/strict";
import { daily, HOUR, MISSING } from "../../tests/support/test_series.ts";
import { missingData } from "./missing_data.ts";

Deno.test("missingData.fit() returns empty params", () => {
  const p = missingData.fit([]);
  assert.deepEqual(p, {});
  assert.equal(missingData.name, "missing_data");
});

Deno.test("missingData.score() is the hours since the last reported value (hand-computed toys)", () => {
  const cases: Array<{ name: string; values: number[]; step?: number; want: number[] }> = [
    { name: "doc example", values: [NaN, 1, NaN, NaN, 2], want: [NaN, 0, 1, 2, 0] },
    { name: "stopped reporting: rises every step", values: [3, NaN, NaN, NaN], want: [0, 1, 2, 3] },
    { name: "30-minute step", values: [1, NaN, NaN, NaN, 1], step: HOUR / 2, want: [0, 0.5, 1, 1.5, 0] },
    { name: "never reported", values: [NaN, NaN], want: [NaN, NaN] },
    { name: "zero is a value", values: [0, 0], want: [0, 0] },
  ];
  for (const { name, values, step = HOUR, want } of cases) {
    const s = missingData.score(
      { key: "k", labels: {}, start: 0, step, values: Float64Array.from(values) },
      {},
    );
    assert.deepEqual([...s], want, name);
  }
});

Deno.test("missingData.score() scores a 10-hour gap by its length in hours", () => {
  const s = daily();
  s.values.fill(NaN, 400, 410); // last value at i = 399, data again at i = 410
  const score = missingData.score(s, {});
  for (let k = 0; k < 10; k++) assert.equal(score[400 + k], k + 1, `i=${400 + k}`); // i − 399
  assert.equal(score[409], 10);
  assert.equal(score[410], 0);
  // Isolated missing points score 1 h, every reported point 0.
  for (const i of MISSING) assert.equal(score[i], 1, `i=${i}`);
  const normal = [...score].filter((_, i) => i < 400 || i >= 410);
  assert.ok(normal.every((x) => x === 0 || x === 1));
});
