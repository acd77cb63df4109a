import assert from "node:assert/strict";
import { daily, DAY, HOUR, hourly } from "../../tests/support/test_series.ts";
import { seasonalExpectation } from "./seasonal_expectation.ts";

Deno.test("seasonalExpectation() is the median of the lagged values (custom lags)", () => {
  const cases: Array<
    { name: string; values: number[]; lags: number[]; minLags?: number; early?: boolean; want: number[] }
  > = [
    {
      name: "two lags: the shortest alone until the longest exists, then the mean of the two",
      values: [1, 2, 3, 4, 5],
      lags: [2 * HOUR, 3 * HOUR],
      // i=2: values[0] = 1 (i < 3 h: only the 2 h lag); i=3: values[1], values[0] = 2, 1 → 1.5; i=4: 3, 2 → 2.5
      want: [NaN, NaN, 1, 1.5, 2.5],
    },
    {
      name: "early: false waits for the longest lag",
      values: [1, 2, 3, 4, 5],
      lags: [2 * HOUR, 3 * HOUR],
      early: false,
      want: [NaN, NaN, NaN, 1.5, 2.5],
    },
    {
      name: "three lags: the middle one",
      values: [5, 1, 9, 0, 0],
      lags: [HOUR, 2 * HOUR, 3 * HOUR],
      // Until the 3 h lag exists, 1 and 2 shortest lags back (3 is not shorter than the longest): i=1: 5;
      // i=2: 1 and 5 → 3; then all three: i=3: 9, 1, 5 → 5; i=4: 0, 9, 1 → 1
      want: [NaN, 5, 3, 5, 1],
    },
    {
      name: "minLags 2 needs two lagged values",
      values: [4, 6, 8],
      lags: [HOUR, 2 * HOUR],
      minLags: 2,
      // i=1: only the 1 h lag → NaN; i=2: 6, 4 → 5
      want: [NaN, NaN, 5],
    },
    {
      name: "missing lagged values are skipped",
      values: [1, NaN, 3, 7, 100],
      lags: [HOUR, 2 * HOUR, 3 * HOUR],
      minLags: 2,
      // i=1, 2: one lag only → NaN; i=3: 3, NaN, 1 → 2; i=4: 7, 3, NaN → 5
      want: [NaN, NaN, NaN, 2, 5],
    },
    {
      name: "a missing current point still gets an expectation",
      values: [2, 4, NaN],
      lags: [HOUR, 2 * HOUR],
      // i=2: median(values[1], values[0]) = median(4, 2) = 3 — the current value is never looked at
      want: [NaN, 2, 3],
    },
  ];
  for (const { name, values, lags, minLags, early, want } of cases) {
    assert.deepEqual([...seasonalExpectation(hourly(values), { lags, minLags, early })], want, name);
  }
});

Deno.test("seasonalExpectation() reproduces a purely daily pattern exactly once enough days exist", () => {
  // Every default lag is a whole number of days, so each lagged value equals the current one.
  const values = Float64Array.from({ length: 15 * 24 }, (_, i) => 1 + (i % 24));
  const e = seasonalExpectation({ key: "k", labels: {}, start: 0, step: HOUR, values });
  let defined = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(e[i])) continue;
    defined++;
    assert.equal(e[i], values[i], `i=${i}`);
  }
  // Nothing can be expected on day 0 (no lagged value at all); everything on day 14 (all lags ≤ 14 d exist).
  for (let i = 0; i < 24; i++) assert.ok(Number.isNaN(e[i]), `day 0, i=${i}`);
  for (let i = 14 * 24; i < 15 * 24; i++) assert.ok(!Number.isNaN(e[i]), `day 14, i=${i}`);
  assert.ok(defined >= 24);
});

Deno.test("seasonalExpectation() is robust to one bad day", () => {
  const values = Float64Array.from({ length: 16 * 24 }, (_, i) => 1 + (i % 24));
  for (let i = 14 * 24; i < 15 * 24; i++) values[i] *= 10; // yesterday was an incident
  const e = seasonalExpectation({ key: "k", labels: {}, start: 0, step: HOUR, values });
  // Today, at most one of the lagged values is from the bad day: the median ignores it.
  for (let i = 15 * 24; i < 16 * 24; i++) assert.equal(e[i], 1 + (i % 24), `i=${i}`);
});

Deno.test("seasonalExpectation() uses the median of the last 1–3 days until two weeks exist, then of 1, 7 and 14 d", () => {
  // Day d, hour h holds 100 d + h, so each lag is recognisable.
  const values = new Float64Array(24 * 16).map((_, i) => 100 * Math.floor(i / 24) + (i % 24));
  const e = seasonalExpectation({ key: "k", labels: {}, start: 0, step: HOUR, values });
  assert.ok(Number.isNaN(e[5])); // day 0: nothing earlier
  assert.equal(e[24 * 1 + 5], 5); // day 1: yesterday
  assert.equal(e[24 * 2 + 5], 55); // day 2: the median (mean) of 105 and 5
  assert.equal(e[24 * 13 + 5], 1105); // day 13: median of 1205, 1105, 1005 (no 1 d / 7 d mean of two)
  assert.equal(e[24 * 14 + 5], 705); // day 14: median of 1305, 705, 5
  const late = seasonalExpectation({ key: "k", labels: {}, start: 0, step: HOUR, values }, { early: false });
  assert.ok(Number.isNaN(late[24 * 13 + 5]) && late[24 * 14 + 5] === 705);
});

Deno.test("seasonalExpectation() is causal: a prefix gives the same expectations", () => {
  const s = daily();
  const full = seasonalExpectation(s);
  assert.ok(full.filter((x) => !Number.isNaN(x)).length > 200);
  for (const k of [0, 30, 100, 200, 300, 411, 470]) {
    const part = seasonalExpectation({ ...s, values: s.values.slice(0, k + 1) });
    assert.deepEqual([...part], [...full.subarray(0, k + 1)], `prefix 0..${k}`);
  }
});

Deno.test("seasonalExpectation() leaves the input untouched and ignores lags shorter than the step", () => {
  const s = daily();
  const before = s.values.slice();
  const e = seasonalExpectation(s, { lags: [DAY, 60_000], minLags: 2 }); // 1 min rounds to 0 points: dropped
  assert.deepEqual([...s.values], [...before]);
  // With one usable lag and minLags 2, nothing can be expected.
  assert.ok(e.every((x) => Number.isNaN(x)));
});

Deno.test("seasonalExpectation() carries the days before forward by a weekly day-over-day profile", () => {
  // Hourly from Monday 2026-01-05: weekdays at 10, weekends at 5; the profile says Saturday halves, Monday doubles.
  const start = Date.UTC(2026, 0, 5);
  const values = new Float64Array(24 * 16).map((_, i) => (Math.floor(i / 24) % 7 >= 5 ? 5 : 10));
  const series = { key: "k", labels: {}, start, step: HOUR, values };
  const dayChange = new Array(168).fill(0);
  for (let h = 0; h < 24; h++) {
    dayChange[5 * 24 + h] = Math.log(0.5);
    dayChange[h] = Math.log(2);
  }
  const plain = seasonalExpectation(series);
  const carried = seasonalExpectation(series, { dayChange });
  const sat = 24 * 5 + 9, mon = 24 * 7 + 9, tue = 24 * 8 + 9, sat2 = 24 * 12 + 9;
  // Saturday: Fri, Thu, Wed (10 each) — as they are 10, carried by Saturday's halving 5.
  assert.equal(plain[sat], 10);
  assert.ok(Math.abs(carried[sat] - 5) < 1e-9);
  // Monday: Sun (5 → ×2), Sat (5 → ×1 ×2), Fri (10 → ×0.5 ×1 ×2): 10 each; as they are, the median is 5.
  assert.equal(plain[mon], 5);
  assert.ok(Math.abs(carried[mon] - 10) < 1e-9);
  assert.ok(Math.abs(carried[tue] - 10) < 1e-9 && Math.abs(carried[sat2] - 5) < 1e-9);
  // The weekly lags compare like with like and are never carried: from day 14 the 1 d lag alone is.
  const day15 = 24 * 15 + 9; // a Tuesday: Mon (10), Tue a week and two weeks before (10)
  assert.equal(carried[day15], 10);
  // A profile of zeros changes nothing.
  const zeros = seasonalExpectation(series, { dayChange: new Array(168).fill(0) });
  assert.deepEqual([...zeros], [...plain]);
});

Deno.test("seasonalExpectation() with all three lags is the median of those present, ties and gaps included", () => {
  // Small integers (many ties) and one point in six missing, so every order of three, two and one value occurs.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const values = Array.from({ length: 600 }, () => (next() < 1 / 6 ? NaN : Math.floor(next() * 4)));
  const lags = [HOUR, 5 * HOUR, 11 * HOUR];
  const got = seasonalExpectation(hourly(values), { lags });
  for (let i = 11; i < values.length; i++) {
    const present = [values[i - 1], values[i - 5], values[i - 11]].filter((v) => v === v).sort((a, b) =>
      a - b
    );
    const want = present.length === 0
      ? NaN
      : present.length % 2
      ? present[present.length >> 1]
      : (present[0] + present[1]) / 2;
    assert.ok(Object.is(got[i], want), `i=${i}: ${got[i]} vs ${want} from ${present}`);
  }
});
