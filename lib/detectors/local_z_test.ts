import assert from "node:assert/strict";
import { LOCAL_MIN_POINTS, localZ } from "./local_z.ts";
import { createRng } from "../prng.ts";
import type { Series } from "../series/types.ts";
import { train } from "../model/train.ts";
import { generateCorpus } from "../synth/generate.ts";

const MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

/** Days of a business-hours rhythm at `step` with log-normal noise σ, from midnight UTC. */
function noisy(seed: number, days: number, step: number, sigma: number, level = 0.01): Series {
  const rng = createRng(seed);
  const n = Math.round((days * DAY) / step);
  const values = Float64Array.from({ length: n }, (_, i) => {
    const hour = ((i * step) % DAY) / HOUR;
    return level * (1 + 0.5 * Math.sin((2 * Math.PI * (hour - 9)) / 24)) * Math.exp(sigma * rng.normal());
  });
  return { key: "k", labels: {}, start: Date.UTC(2026, 0, 5), step, values };
}

const quantile = (a: Float64Array, q: number) => {
  const s = a.filter((x) => x === x).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

Deno.test("localZ.fit() returns the documented windows", () => {
  assert.deepEqual(localZ.fit([]), {
    window: 2 * HOUR,
    run: 30 * MINUTE,
    scaleHalfLife: 3 * DAY,
    weekly: null,
  });
  assert.deepEqual(localZ.fit([], { window: HOUR, run: 10 * MINUTE, scaleHalfLife: DAY }), {
    window: HOUR,
    run: 10 * MINUTE,
    scaleHalfLife: DAY,
    weekly: null,
  });
  assert.equal(localZ.name, "local_z");
});

Deno.test("localZ.score() judges a 20-minute ×3 spike at 1 minute by its run, beyond a quiet week's noise", () => {
  // Twice data/'s noise (σ 0.3 in log): one point of ×3 (ln 3 ≈ 1.1) is about 4 noise units, within what a week of
  // 10 080 quiet points reaches; 20 of them in a row are far beyond it.
  const s = noisy(3, 8, MINUTE, 0.3);
  const p = localZ.fit([]);
  const quiet = localZ.score(s, p);
  const top = quantile(quiet.subarray(DAY / MINUTE), 0.9999);
  const at = 7 * 1440 + 14 * 60;
  const values = s.values.slice();
  for (let i = at; i < at + 20; i++) values[i] *= 3;
  const spiked = localZ.score({ ...s, values }, p);
  assert.ok(spiked[at + 19] > 2 * top, `spike's run ${spiked[at + 19]} vs quiet p99.99 ${top}`);
  // The run grows with the spike, and the first point back ends it.
  assert.ok(spiked[at + 19] > spiked[at + 4], `${spiked[at + 19]} vs ${spiked[at + 4]}`);
  assert.ok(spiked[at + 21] < top, `after the spike ${spiked[at + 21]}`);
  // Before the spike nothing changed (causal).
  assert.deepEqual([...spiked.subarray(0, at)], [...quiet.subarray(0, at)]);
});

Deno.test("localZ.score() judges a weekend's drop at midnight against the same time on earlier days", () => {
  // 5 minutes, three weeks from a Monday, each weekend at half the weekday level from Saturday 00:00 (a step).
  const s = noisy(4, 21, 5 * MINUTE, 0.1);
  const perDay = 288, values = s.values.slice();
  for (let i = 0; i < values.length; i++) if (Math.floor(i / perDay) % 7 >= 5) values[i] *= 0.5;
  const z = localZ.score({ ...s, values }, localZ.fit([]));
  const top = quantile(localZ.score(s, localZ.fit([])).subarray(perDay), 0.999);
  const saturday = (week: number) =>
    Math.max(...z.subarray((7 * week + 5) * perDay, (7 * week + 5) * perDay + 12));
  // The first Saturday: no earlier day dropped at midnight, a sudden change. The third: the week before and the
  // one before that did (lags 1, 7 and 14 days, median), so it is what that time does.
  assert.ok(saturday(0) > 3 * top, `first Saturday ${saturday(0)} vs a week without weekends' p99.9 ${top}`);
  assert.ok(saturday(2) < top, `third Saturday ${saturday(2)} vs p99.9 ${top}`);
});

Deno.test("localZ.score() is scale-free: a shard 100× larger scores the same", () => {
  const s = noisy(5, 3, 5 * MINUTE, 0.15);
  const p = localZ.fit([]);
  const a = localZ.score(s, p);
  const b = localZ.score({ ...s, values: s.values.map((v) => v * 100) }, p);
  assert.ok(a.some((x) => x === x));
  a.forEach((x, i) =>
    assert.ok(Math.abs(x - b[i]) < 1e-6 * Math.max(1, x) || (x !== x && b[i] !== b[i]), `i=${i}`)
  );
});

Deno.test("localZ.score() keeps values at or near 0 sane (10 % of the running level on both sides)", () => {
  // A quiet shard at exactly 0 most of the time with occasional small counts: no point is hundreds of units out.
  const rng = createRng(9);
  const values = Float64Array.from({ length: 10 * 288 }, () => (rng.uniform(0, 1) < 0.2 ? 0.001 : 0));
  const s = localZ.score({ key: "k", labels: {}, start: 0, step: 5 * MINUTE, values }, localZ.fit([]));
  const top = Math.max(...s.filter((x) => x === x));
  assert.ok(top > 0 && top < 30, `largest score ${top}`);
});

Deno.test("localZ.score() says nothing where its window holds too few points, and train leaves it out there", () => {
  const p = localZ.fit([]);
  // 15 minutes: 8 points in 2 hours, the fewest it scores with; 20 minutes: 6.
  assert.ok(localZ.score(noisy(1, 3, 15 * MINUTE, 0.1), p).some((x) => x === x));
  assert.equal(Math.round(p.window / (15 * MINUTE)), LOCAL_MIN_POINTS);
  assert.ok(localZ.score(noisy(1, 3, 20 * MINUTE, 0.1), p).every((x) => x !== x));
  const hourly = train(generateCorpus({ seed: 3, shards: 2, days: 10 }).series);
  assert.equal(hourly.detectors.local_z, undefined);
  const skip = hourly.skippedDetectors?.find((s) => s.detector === "local_z");
  assert.ok(skip && /2 h window holds fewer than 8 points at a 1 h step/.test(skip.reason), skip?.reason);
  const fine = train(generateCorpus({ seed: 3, shards: 2, days: 4, step: 5 * MINUTE }).series);
  assert.ok(fine.detectors.local_z && fine.families.presence.calibration.local_z);
});

Deno.test("localZ.explain() names the value, the trailing median and the run", () => {
  const s = noisy(2, 2, 5 * MINUTE, 0.1);
  const values = s.values.slice();
  values[400] = 0.2;
  const p = localZ.fit([]);
  const raw = localZ.score({ ...s, values }, p)[400];
  const text = localZ.explain(raw, 0.2, NaN, p, { step: s.step, values, index: 400 });
  assert.match(
    text,
    /^0\.2 vs 0\.0\d+, the trailing 2 h median: \d+(\.\d+)? usual deviations \(alone or with its run/,
  );
  assert.match(
    localZ.explain(5, NaN, NaN, p, { step: s.step }),
    /5 usual deviations from the trailing 2 h median/,
  );
});
