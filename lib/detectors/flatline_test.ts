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
      { name: "doc example", values: [1, 2, 3, 4, 5, 5, 5, 6], want: [0, 0, 0, 0, 0, 1, 2, 0] },
      {
        name: "a missing point neither breaks the run nor is scored",
        values: [0, 1, 2, 3, 3, NaN, 3, 3, 4],
        // the run starts at i=3: i=6 is 3 h later, i=7 4 h
        want: [0, 0, 0, 0, 1, NaN, 3, 4, 0],
      },
      {
        name: "15-minute step",
        // i = 4 opens a new hour of the day at the series' rate, ½ / (3 + 1) ≈ 1/8, which counts as an hour's 4
        // points: 0.5 / 5 = 0.1 after the change at i = 4, then (0.5 + 1) / 6 = 0.25 and (0.5 + 2) / 7 ≈ 0.36;
        // i = 8 opens the next at (3 + ½) / (7 + 1) ≈ 0.44. At most a half, so each repeat counts in full.
        values: [1, 2, 3, 4, 7, 7, 7, 7, 7, 8],
        step: HOUR / 4,
        want: [0, 0, 0, 0, 0, 0.25, 0.5, 0.75, 1, 0],
      },
      { name: "zeros are stuck too", values: [1, 2, 0, 0, 0], want: [0, 0, 0, 1, 2] },
      { name: "leading missing points", values: [NaN, NaN, 5, 5], want: [NaN, NaN, 0, 1] },
      { name: "a returning value starts a new run", values: [2, 2, 5, 2, 2], want: [0, 1, 0, 0, 1] },
      {
        name: "tolerance 1 %: 100 → 100.5 → 101 is stuck, 103 is not",
        values: [90, 95, 100, 100.5, 101, 103],
        tolerance: 0.01,
        // |100.5 − 100| = 0.5 ≤ 0.01 · 100.5; |101 − 100.5| = 0.5 ≤ 1.01; |103 − 101| = 2 > 1.03
        want: [0, 0, 0, 1, 2, 0],
      },
      {
        name: "default tolerance: a relative change of 1e-12 is stuck",
        values: [3, 2, 1, 1 + 1e-12, 1],
        want: [0, 0, 0, 1, 2],
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
  // At night its runs are 6 repeats (the blip and the return are changes), and a run goes on 5 times in 6: each
  // repeat after the first weighs −log₂ 5/6 ≈ 0.26 of a step, and five hours of them about 1.3.
  const n5 = s[night + len - 1];
  assert.ok(n5 > 0.2 * s[noon + len - 1] && n5 < 0.35 * s[noon + len - 1], `${n5}`);
  // The first night: the first repeats count in full (the series' rate starts at a half, and at 1/4 after the
  // change at i = 1, as an hour of points), then less as the hour learns that the series repeats; the next hour
  // of the day starts from what the series has shown, and its repeats weigh about half a step at once.
  assert.ok(Math.abs(s[2] - 1 / 12) < 1e-12 && Math.abs(s[3] - 2 / 12) < 1e-12, `${s[2]} ${s[3]}`);
  assert.ok(s[7] > 4 / 12 && s[7] < 5.5 / 12, `${s[7]}`);
  assert.ok(s[13] - s[12] > 0.3 / 12 && s[13] - s[12] < 0.6 / 12, `${s[13] - s[12]}`);
});

Deno.test("flatline.score() counts a value stuck on the first day of a series that never repeated nearly in full", () => {
  // 5-minute steps: 6 hours of moving values, then stuck from 06:00 to 09:00, hours of the day it has not seen.
  const step = 300_000;
  const values = new Float64Array(12 * 12).map((_, i) => 1 + Math.sin(i * 1.7) * 0.1 + i * 1e-3);
  values.fill(values[71], 72, 108);
  const s = flatline.score(series([...values], step), flatline.fit([]));
  // Each new hour starts from the series' rate, which the run itself raises (to about a quarter by 08:00): three
  // hours stuck count as more than 2.8.
  assert.ok(s[107] > 2.8 && s[107] <= 3, `${s[107]}`);
  assert.equal(s[108], 0);
});

Deno.test("flatline.score() weighs a repeat by how often the series' runs go on at that hour, not by how often it repeats", () => {
  // 5-minute steps, 9 days at 0 but for 12:00 to 13:00 every other day, when the value moves at every point. At
  // 12:00 the series repeats half the time, but when it sits at 0 at noon the run (from the day before) goes on.
  const step = 300_000, perHour = 12, perDay = 24 * perHour;
  const values = new Float64Array(9 * perDay).map((_, i) => {
    const day = Math.floor(i / perDay), hour = Math.floor((i % perDay) / perHour);
    return hour === 12 && day % 2 === 0 && day < 8 ? 1 + (i % 5) : 0;
  });
  const s = flatline.score(series([...values], step), flatline.fit([]));
  // Day 8 at 0 from 12:00 to 13:00: the noon hour adds under a fifth of an hour to the run (a full hour if each
  // repeat weighed −log₂ of the hour's repeat rate, about 0.7).
  const noon = 8 * perDay + 12 * perHour;
  const added = s[noon + perHour - 1] - s[noon - 1];
  assert.ok(added >= 0 && added < 0.2, `${added}`);
});

Deno.test("flatline.explain() says how long the value has been stuck, and how much of it counted where it often repeats", () => {
  const step = 300_000, params = flatline.fit([]);
  // Moving, then stuck at 0.5 for 3 hours (a missing point inside neither breaks nor extends the run).
  const values = [...Array.from({ length: 24 }, (_, i) => 1 + i / 100), ...new Array(36).fill(0.5)];
  values[40] = NaN;
  const last = values.length - 1;
  // Every repeat counted in full: 35 steps after the first point.
  const full = (35 * step) / HOUR;
  assert.equal(
    flatline.explain(full, 0.5, NaN, params, { step, values, index: last }),
    "stuck at 0.5 for 3 h",
  );
  // As scored, the run taught this young series that it repeats at these hours: a little less than in full.
  const s = flatline.score(series(values, step), params);
  assert.ok(s[last] < full && s[last] > 0.8 * full, `${s[last]}`);
  // The same point weighed as less than its length (a series that repeats often at that hour) says so.
  assert.equal(
    flatline.explain(1, 0.5, NaN, params, { step, values, index: last }),
    "stuck at 0.5 for 3 h (weighed as 1.1 h: repeats count less at hours the series often repeats)",
  );
  // Without the series, the weighed length alone.
  assert.equal(flatline.explain(1, 0.5, NaN, params, { step }), "stuck at 0.5 for 1.1 h");
});
