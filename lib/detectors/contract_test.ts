/**
 * The detector contract, checked on every registered detector from one table (as ADTK tests every detector):
 * `fit` returns plain JSON (the scores are the same after a JSON round trip), `score` is causal (a prefix of the
 * series scores the same), `NaN` in gives `NaN` out (missing data is the one detector that scores the gaps),
 * fitting and scoring are deterministic, and `explain` says something about every point it scored.
 *
 * @module
 */
import assert from "node:assert/strict";
import { daily, DAY, MISSING } from "../../tests/support/test_series.ts";
import type { Series } from "../series/types.ts";
import { DETECTORS } from "./registry.ts";
import type { Detector } from "./types.ts";

/** What each detector is fitted and scored on, and what it does at a missing point. */
interface Case {
  /** Training series and the series scored. */
  series: () => { train: Series[]; scored: Series };
  /** Its score at a missing point: `NaN`, or (missing data) the time since the last value. */
  atMissing: "nan" | "scored";
}

const hourly = () => ({ train: [daily(3, 30), daily(5, 30)], scored: daily(7, 30) });
/** local_z says nothing at 1 hour (its 2-hour window holds 2 points): the same values at 5 minutes. */
const fiveMinute = () => {
  const at5 = (s: Series) => ({ ...s, step: 300_000 });
  return { train: [at5(daily(3, 30)), at5(daily(5, 30))], scored: at5(daily(7, 30)) };
};
/** static_breach reads a lag in minutes: the same series in the hundreds to thousands of minutes. */
const lagMinutes = () => {
  const s = daily(7, 30);
  return { train: [], scored: { ...s, values: s.values.map((v) => v * 150) } };
};

const CASES: Record<string, Case> = {
  seasonal_lag: { series: hourly, atMissing: "nan" },
  robust_z: { series: hourly, atMissing: "nan" },
  local_z: { series: fiveMinute, atMissing: "nan" },
  level_shift: { series: hourly, atMissing: "nan" },
  stall: { series: hourly, atMissing: "nan" },
  flatline: { series: hourly, atMissing: "nan" },
  missing_data: { series: hourly, atMissing: "scored" },
  rhythm_loss: { series: hourly, atMissing: "nan" },
  static_breach: { series: lagMinutes, atMissing: "nan" },
  isolation_forest: { series: hourly, atMissing: "nan" },
};

/** Points whose prefixes are checked: the start, around the missing points and the lags, the end. */
const PREFIXES = [0, 23, 24, 100, 191, 205, 206, 335, 336, 342, 411, 500, 600, 719];

const same = (a: Float64Array, b: Float64Array) =>
  a.every((x, i) => Object.is(x, b[i])) && a.length === b.length;

Deno.test("every registered detector has a contract case", () => {
  assert.deepEqual(Object.keys(DETECTORS).toSorted(), Object.keys(CASES).toSorted());
});

for (const [name, detector] of Object.entries(DETECTORS) as [string, Detector][]) {
  const { series, atMissing } = CASES[name] ?? { series: hourly, atMissing: "nan" };

  Deno.test(`${name}: fit returns plain JSON; scores after a JSON round trip are the same`, () => {
    const { train, scored } = series();
    const params = detector.fit(train);
    const copy = JSON.parse(JSON.stringify(params));
    assert.deepEqual(copy, params);
    assert.ok(same(detector.score(scored, copy), detector.score(scored, params)));
    assert.equal(detector.name, name);
  });

  Deno.test(`${name}: fit and score are deterministic`, () => {
    const { train, scored } = series();
    const params = detector.fit(train);
    assert.deepEqual(detector.fit(train), params);
    assert.ok(same(detector.score(scored, params), detector.score(scored, params)));
  });

  Deno.test(`${name}: score is causal (each prefix of the series scores the same)`, () => {
    const { train, scored } = series();
    const params = detector.fit(train);
    const full = detector.score(scored, params);
    assert.equal(full.length, scored.values.length);
    assert.ok(full.some((x) => x === x), "it scores something");
    for (const k of PREFIXES) {
      const part = detector.score({ ...scored, values: scored.values.slice(0, k + 1) }, params);
      assert.ok(same(part, full.subarray(0, k + 1)), `prefix 0..${k}`);
    }
  });

  Deno.test(`${name}: NaN in, ${atMissing === "nan" ? "NaN out" : "the gap scored"}`, () => {
    const { train, scored } = series();
    const s = detector.score(scored, detector.fit(train));
    for (const i of MISSING) {
      if (atMissing === "nan") assert.ok(Number.isNaN(s[i]), `missing i=${i} scored ${s[i]}`);
      else assert.ok(s[i] > 0, `missing i=${i} scored ${s[i]}`);
    }
    const empty = detector.score({ ...scored, values: scored.values.map(() => NaN) }, detector.fit(train));
    if (atMissing === "nan") assert.ok(empty.every((x) => Number.isNaN(x)), "an all-missing series");
  });

  Deno.test(`${name}: explain says something about every point it scored, with its own options`, () => {
    const { train, scored } = series();
    const params = detector.fit(train);
    const s = detector.score(scored, params);
    const last = s.findLastIndex((x) => x === x);
    const text = detector.explain(
      s[last],
      scored.values[last],
      scored.values[last - DAY / scored.step],
      params,
      {
        step: scored.step,
      },
    );
    assert.ok(text.length > 10 && !/undefined|\[object/.test(text), text);
  });
}

/** Detectors that judge a point by its distance from a baseline, and so have a band. */
const WITH_BASIS = ["seasonal_lag", "robust_z"];

Deno.test("the detectors with a basis are the distance-from-baseline ones", () => {
  const have = Object.entries(DETECTORS).filter(([, d]) => d.basis).map(([name]) => name);
  assert.deepEqual(have.toSorted(), WITH_BASIS.toSorted());
});

for (const name of WITH_BASIS) {
  const detector = DETECTORS[name] as Detector;
  Deno.test(`${name}: score = |x − center| / unit wherever it scores, from a basis that never sees x`, () => {
    const { train, scored } = hourly();
    const params = detector.fit(train);
    const raw = detector.score(scored, params);
    const basis = detector.basis!(scored, params);
    const { center, unit } = basis;
    assert.ok(same(basis.raw, raw), "basis().raw is score()");
    let checked = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] !== raw[i]) continue;
      const want = Math.abs(scored.values[i] - center[i]) / unit[i];
      assert.ok(Math.abs(raw[i] - want) <= 1e-9 * Math.max(1, want), `i=${i}: ${raw[i]} vs ${want}`);
      checked++;
    }
    assert.ok(checked > raw.length / 2, `checked ${checked} of ${raw.length}`);
    // A forecast: changing the value at i leaves the basis at i (and before) as it was.
    for (const i of [300, 500, 700]) {
      const values = scored.values.slice();
      values[i] *= 5;
      const moved = detector.basis!({ ...scored, values }, params);
      assert.ok(Object.is(moved.center[i], center[i]) && Object.is(moved.unit[i], unit[i]), `i=${i}`);
      assert.ok(moved.center.subarray(0, i).every((c, j) => Object.is(c, center[j])), `before ${i}`);
    }
  });
}
