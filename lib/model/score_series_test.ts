import assert from "node:assert/strict";
import { combineRaw, scoreOfLogP, scoreSeries, type SeriesScores } from "./score_series.ts";
import type { Calibration } from "./calibration.ts";
import { tailProbability } from "./calibration.ts";
import { train } from "./train.ts";
import { generateCorpus } from "../synth/generate.ts";
import type { Series } from "../series/types.ts";
import { hourly } from "../../tests/support/test_series.ts";

const LOG2 = Math.log10(2);
/** The score of L = −log10 p: L / (L + digits). */
const sc = (l: number, digits = 8) => l / (l + digits);
/** Detector d's calibrated 0..1 scores: its log p as scored. */
const calibrated = (r: SeriesScores, d: number, digits = 8) => r.logP[d].map((l) => scoreOfLogP(l, digits));

/**
 * A hand-made calibration with P(raw ≥ x) = 1 at x ≤ 0, 0.1 on (0, 1] and 10^−x above 1
 * (exponential tail from m = 1 with pm = 0.1 and scale 1 / ln 10: 0.1 · e^(−(x − 1) ln 10) = 10^−x).
 */
const CAL: Calibration = {
  n: 100,
  knots: [0],
  probs: [1],
  u: 0,
  pu: 1,
  m: 1,
  pm: 0.1,
  tail: "exponential",
  shape: 1 / Math.LN10,
};

function assertClose(actual: ArrayLike<number>, want: number[], what: string, tol = 1e-9) {
  assert.equal(actual.length, want.length, what);
  want.forEach((w, i) => {
    if (Number.isNaN(w)) assert.ok(Number.isNaN(actual[i]), `${what}[${i}] = ${actual[i]}, want NaN`);
    else assert.ok(Math.abs(actual[i] - w) <= tol, `${what}[${i}] = ${actual[i]}, want ${w}`);
  });
}

Deno.test("scoreSeries() calibrates and combines with a Bonferroni correction (hand-computed)", () => {
  const model = { detectors: { flatline: { tolerance: 1e-9 }, missing_data: {} }, ensemble: { digits: 8 } };
  const family = { calibration: { flatline: CAL, missing_data: CAL } };
  // Moving values first: a series' first repeats count in full only while it has not shown that it repeats.
  const r = scoreSeries(model, family, hourly([0, 1, 2, 2, 2, NaN, NaN, NaN, 5]));
  assert.deepEqual(r.names, ["flatline", "missing_data"]);
  assertClose(r.raw[0], [0, 0, 0, 1, 2, NaN, NaN, NaN, 0], "raw flatline");
  assertClose(r.raw[1], [0, 0, 0, 0, 0, 1, 2, 3, 0], "raw missing_data");
  // calibrated = L / (L + 8) with L = −log10 p: p(1) = 0.1 → 1/9, p(2) = 0.01 → 2/10, p(3) = 0.001 → 3/11
  assertClose(calibrated(r, 0), [0, 0, 0, 1 / 9, 2 / 10, NaN, NaN, NaN, 0], "calibrated flatline");
  assertClose(calibrated(r, 1), [0, 0, 0, 0, 0, 1 / 9, 2 / 10, 3 / 11, 0], "calibrated missing_data");
  // combined = sc(−log10(min(1, D · min p))) with D the detectors that can say something at that point:
  // i=3: D=2, p=0.1 → sc(1 − log10 2); i=4: sc(2 − log10 2); i=5..7: D=1 → sc(1), sc(2), sc(3)
  assertClose(r.combined, [0, 0, 0, sc(1 - LOG2), sc(2 - LOG2), sc(1), sc(2), sc(3), 0], "combined");
  assert.deepEqual([...r.driver.subarray(3)], [0, 0, 1, 1, 1, 0]);
});

Deno.test("scoreSeries() is NaN with no driver where no detector can say anything", () => {
  const model = { detectors: { flatline: { tolerance: 1e-9 }, missing_data: {} }, ensemble: { digits: 8 } };
  const family = { calibration: { flatline: CAL, missing_data: CAL } };
  const r = scoreSeries(model, family, hourly([NaN, 1, 1]));
  // i=0: both raw scores NaN (nothing reported yet); i=2: flatline 1 h → p 0.1, D = 2
  assertClose(r.combined, [NaN, 0, sc(1 - LOG2)], "combined");
  assert.deepEqual([...r.driver], [-1, 0, 0]);
});

Deno.test("scoreSeries() scores never saturate: a rarer value always scores higher, below 1", () => {
  const model = { detectors: { missing_data: {} }, ensemble: { digits: 2 } };
  const r = scoreSeries(model, { calibration: { missing_data: CAL } }, hourly([1, NaN, NaN, NaN, NaN, NaN]));
  // raw 1..5 → L = 1..5 → L / (L + 2); a capped L / digits put raw 2..5 all at 1
  assertClose(calibrated(r, 0, 2), [0, 1 / 3, 2 / 4, 3 / 5, 4 / 6, 5 / 7], "calibrated");
  assertClose(r.combined, [0, 1 / 3, 2 / 4, 3 / 5, 4 / 6, 5 / 7], "combined");
  for (let i = 2; i < 6; i++) assert.ok(r.combined[i] > r.combined[i - 1] && r.combined[i] < 1);
});

Deno.test("scoreSeries() gives static breach levels fixed probabilities 1, 1e-5, 1e-9", () => {
  const model = {
    detectors: { static_breach: { level1: 60, level2: 120 }, missing_data: {} },
    ensemble: { digits: 8 },
  };
  const r = scoreSeries(model, { calibration: { missing_data: CAL } }, hourly([30, 90, 150, NaN]));
  assertClose(r.raw[0], [0, 1, 2, NaN], "raw static_breach");
  assertClose(calibrated(r, 0), [0, sc(5), sc(9), NaN], "calibrated static_breach");
  // i=1: D=2, p=1e-5 → sc(5 − log10 2); i=2: sc(9 − log10 2); i=3: only missing_data, p(1) = 0.1 → sc(1)
  assertClose(r.combined, [0, sc(5 - LOG2), sc(9 - LOG2), sc(1)], "combined");
  assert.deepEqual([...r.driver], [0, 0, 0, 1]);
});

Deno.test("scoreSeries() rejects an unknown detector and a missing calibration", () => {
  assert.throws(
    () =>
      scoreSeries({ detectors: { nope: {} }, ensemble: { digits: 8 } }, { calibration: {} }, hourly([1, 2])),
    { name: "RangeError", message: 'Cannot score k: unknown detector "nope" in the model' },
  );
  assert.throws(
    () =>
      scoreSeries({ detectors: { flatline: {} }, ensemble: { digits: 8 } }, {
        calibration: { missing_data: CAL },
      }, hourly([1, 2])),
    { name: "RangeError", message: 'Cannot score k: the model has no calibration for "flatline"' },
  );
});

Deno.test("scoreSeries() under a trained model follows the documented formula at every point", () => {
  const corpus = generateCorpus({ shards: 2, days: 30, aggregators: ["AggA", "AggB"], seed: 5 });
  const model = train(corpus.series);
  const family = model.families.presence;
  const digits = model.ensemble.digits;
  for (const s of corpus.series) {
    const r = scoreSeries(model, family, s);
    assert.deepEqual(r.names, Object.keys(model.detectors));
    let scored = 0;
    for (let i = 0; i < s.values.length; i++) {
      // In a series' first two weeks, a sum with memory's early calibration where the model has one.
      const calOf = (name: string) =>
        (i < 24 * 14 ? family.earlyCalibration?.[name] : undefined) ?? family.calibration[name];
      const ps = r.names.map((name, d) =>
        r.raw[d][i] !== r.raw[d][i] ? NaN : tailProbability(calOf(name), r.raw[d][i])
      )
        .filter((p) => !Number.isNaN(p));
      if (ps.length === 0) {
        assert.ok(Number.isNaN(r.combined[i]) && r.driver[i] === -1, `${s.key} i=${i}`);
        continue;
      }
      scored++;
      // A series hotter than its family has its L lowered by its own rise (see train's seriesShift).
      const shift = family.seriesShift?.[s.key] ?? 0;
      const want = sc(Math.max(0, -Math.log10(Math.min(1, ps.length * Math.min(...ps))) - shift), digits);
      assert.ok(r.combined[i] >= 0 && r.combined[i] <= 1, `${s.key} i=${i}: ${r.combined[i]}`);
      assert.ok(Math.abs(r.combined[i] - want) < 0.005, `${s.key} i=${i}: ${r.combined[i]} vs ${want}`);
      // The driver is the detector with the smallest p, i.e. the highest calibrated score.
      const best = Math.max(
        ...r.logP.map((_, d) => scoreOfLogP(r.logP[d][i], digits)).map((c) => (c === c ? c : -1)),
      );
      assert.ok(
        Math.abs(scoreOfLogP(r.logP[r.driver[i]][i], digits) - best) < 1e-12,
        `${s.key} i=${i}: driver`,
      );
    }
    assert.ok(scored > s.values.length / 2);
  }
});

Deno.test("scoreSeries() lets a detector the training could not calibrate wait for a week of its own scores", () => {
  // robust_z with no family calibration, on 10 days of an hourly series: no probability until it has 7 days
  // (168) of its own scores, then one from a calibration fitted to them.
  const values = Float64Array.from({ length: 240 }, (_, i) => 10 + Math.sin(i * 1.3) + (i % 7) * 0.1);
  const model = { detectors: { robust_z: { window: 86_400_000, refreshes: 16 } }, ensemble: { digits: 8 } };
  const r = scoreSeries(model, { calibration: {} }, hourly([...values]));
  const firstRaw = r.raw[0].findIndex((x) => !Number.isNaN(x));
  const cal = calibrated(r, 0);
  const firstCal = cal.findIndex((x) => !Number.isNaN(x));
  assert.ok(firstRaw >= 0 && firstRaw <= 12, `raw from ${firstRaw}`);
  assert.equal(firstCal, firstRaw + 168);
  assert.ok(cal.subarray(firstCal).every((x) => x >= 0 && x < 1));
});

Deno.test("scoreSeries() raises a series' threshold to its own daily maxima once it outgrows its training", () => {
  // One 5-minute series, trained on its first 2 days; from day 3 it spikes to ×4 every 5 hours. The
  // calibrations hand over to its own scores, fitted to their body, so every spike stays far in the tail; the
  // threshold is what learns that these spikes are this series' normal life.
  const perDay = 288, days = 24;
  const values = Float64Array.from({ length: days * perDay }, (_, i) => 10 * (1 + 0.05 * Math.sin(i * 2.1)));
  for (let i = 2 * perDay + 3; i < values.length; i += 60) values[i] *= 4;
  const huge = values.length - 10;
  values[huge] = 400;
  const series: Series = { key: "k", labels: {}, start: 0, step: 300_000, values };
  const model = train([{ ...series, values: values.slice(0, 2 * perDay) }], { minHistory: 0 });
  const family = model.families[model.family];
  const strict = family.thresholds.strict;
  const flagged = (c: Float64Array, lo: number, hi: number) => {
    let k = 0;
    for (let i = lo; i < hi; i++) if (c[i] >= strict) k++;
    return k;
  };
  const own = scoreSeries(model, family, series).combined;
  // Without the family's thresholds (as train scores its data) the model's threshold holds throughout.
  const { calibration, earlyCalibration, earlyUntil } = family;
  const plain = scoreSeries(model, { calibration, earlyCalibration, earlyUntil }, series).combined;
  const lastWeek = [(days - 7) * perDay, huge] as const;
  assert.ok(flagged(plain, ...lastWeek) >= 30, `model threshold: ${flagged(plain, ...lastWeek)}`);
  assert.ok(flagged(own, ...lastWeek) <= 1, `own threshold: ${flagged(own, ...lastWeek)}`);
  // Until 10 days of its own after its first, nothing changes (causal, and no threshold from a few days).
  assert.deepEqual([...own.subarray(0, 11 * perDay)], [...plain.subarray(0, 11 * perDay)]);
  // A spike ten times its usual ones is still found: beyond the calibration's floor, a tenfold score is a decade.
  assert.ok(own[huge] >= strict, `${own[huge]} < ${strict}`);
});

/**
 * The band's defining property, point by point: a value just outside it is flagged, a value well inside it is
 * not flagged by any detector that judges by distance from a baseline. Checked by putting the value there
 * (scores are causal, so moving one point changes nothing before it), on a fleet model (family calibrations) and
 * on a series that outgrows its short training (own calibrations refitted, the own threshold raised).
 */
Deno.test("scoreSeries() band: a value just outside is flagged, one inside is not judged anomalous", () => {
  const fleet = generateCorpus({ shards: 2, days: 20, aggregators: ["AggA", "AggB"], seed: 9 });
  const fleetModel = train(fleet.series);
  const perDay = 288;
  const values = Float64Array.from(
    { length: 24 * perDay },
    (_, i) => 10 * (1 + 0.3 * Math.sin((2 * Math.PI * i) / perDay) + 0.05 * Math.sin(i * 2.1)),
  );
  for (let i = 2 * perDay + 3; i < values.length; i += 60) values[i] *= 4;
  const single: Series = { key: "k", labels: {}, start: 0, step: 300_000, values };
  const shortModel = train([{ ...single, values: values.slice(0, 2 * perDay) }], { minHistory: 0 });
  const cases = [
    { model: fleetModel, series: fleet.series[0], at: [100, 200, 250, 300, 400, 470] },
    {
      model: shortModel,
      series: single,
      at: [3 * perDay + 7, 12 * perDay + 100, 20 * perDay + 5, 23 * perDay],
    },
  ];
  for (const { model, series, at } of cases) {
    const family = model.families[model.family];
    const threshold = family.thresholds.strict;
    const { band, names } = scoreSeries(model, family, series, { band: { threshold } });
    assert.ok(band, "a band");
    const judges = new Set(["seasonal_lag", "robust_z"].map((n) => names.indexOf(n)).filter((d) => d >= 0));
    let checked = 0;
    for (const i of at) {
      const lo = band.lower[i], hi = band.upper[i];
      assert.ok(
        Number.isFinite(lo) && Number.isFinite(hi) && lo < hi,
        `${series.key} i=${i}: [${lo}, ${hi}]`,
      );
      assert.ok(lo <= band.expected[i] && band.expected[i] <= hi, `${series.key} i=${i}: expected inside`);
      const w = hi - lo;
      const at = (v: number) => {
        const moved = series.values.slice();
        moved[i] = v;
        return scoreSeries(model, family, { ...series, values: moved }, { band: { threshold } });
      };
      for (const v of [hi + 1e-6 * w, lo - 1e-6 * w]) {
        if (v < 0 && lo - 1e-6 * w === v) continue; // a value below zero is no test of a lower band
        const r = at(v);
        assert.ok(
          r.combined[i] >= threshold,
          `${series.key} i=${i}: ${v} outside [${lo}, ${hi}] not flagged`,
        );
        checked++;
      }
      for (const v of [lo + 0.01 * w, (lo + hi) / 2, hi - 0.01 * w]) {
        const r = at(v);
        if (r.combined[i] >= threshold) {
          assert.ok(
            !judges.has(r.driver[i]),
            `${series.key} i=${i}: ${v} inside [${lo}, ${hi}] flagged by ${names[r.driver[i]]}`,
          );
        }
        checked++;
      }
    }
    assert.ok(checked >= 3 * at.length, `checked ${checked}`);
  }
});

Deno.test("scoreSeries() band from a time on equals the whole band there, and is NaN before", () => {
  const { series } = generateCorpus({ shards: 1, days: 16, aggregators: ["AggA"], seed: 4 });
  const model = train(series);
  const family = model.families[model.family];
  const s = series[0];
  const threshold = family.thresholds.strict;
  const whole = scoreSeries(model, family, s, { band: { threshold } }).band!;
  const k = s.values.length - 30;
  const part = scoreSeries(model, family, s, { band: { threshold, from: s.start + k * s.step } }).band!;
  for (const field of ["expected", "lower", "upper"] as const) {
    assert.ok(part[field].subarray(0, k).every((v) => Number.isNaN(v)), `${field} before`);
    assert.deepEqual([...part[field].subarray(k)], [...whole[field].subarray(k)], field);
    assert.ok(whole[field].subarray(k).some((v) => Number.isFinite(v)), `${field} has values`);
  }
});

Deno.test("scoreSeries() judges a run only beyond the run the series has at that hour on most of the last 3 days", () => {
  // Hourly, 6 days: stuck at 0 from 00:00 to 04:00 every night (4 points: runs of 1, 2, 3 h after the first),
  // with values changing otherwise; on day 5 the night run goes on to 10:00 (stuck 9 h at 09:00).
  const values: number[] = [];
  for (let d = 0; d < 6; d++) {
    for (let h = 0; h < 24; h++) values.push(h < 4 || (d === 5 && h < 10) ? 0 : 1 + ((d * 24 + h) % 7));
  }
  const model = { detectors: { flatline: { tolerance: 1e-9 } }, ensemble: { digits: 8 } };
  const r = scoreSeries(model, { calibration: { flatline: CAL } }, hourly(values));
  const at = (d: number, h: number) => 0 - r.logP[0][d * 24 + h];
  // The first three nights are judged by their raw score alone (no 3 days before them), which flatline itself
  // lowers night by night as it learns that the series' runs go on at those hours (3 h stuck: 1.7 on day 0, 0.5
  // on day 2).
  const raw2 = r.raw[0][2 * 24 + 3];
  assert.ok(raw2 > 0.3 && raw2 < 1, `raw day 2: ${raw2}`);
  assert.ok(Math.abs(at(2, 3) + Math.log10(tailProbability(CAL, raw2))) < 1e-9, `day 2: ${at(2, 3)}`);
  assert.ok(at(2, 3) > 0);
  // From day 3 the night's run is routine: nothing beyond it, L = 0.
  assert.equal(at(3, 3), 0);
  assert.equal(at(4, 3), 0);
  // Day 5 runs on: at 09:00 stuck 9 h where the last days had no run at all: judged in full (beyond the tail's
  // floor, 6.2). The raw score is the run's hours, the 01:00–03:00 repeats weighed by how often the series'
  // runs go on then (flatline's rates per hour of the day), the rest in full.
  const raw = r.raw[0][5 * 24 + 9];
  assert.ok(raw > 6 && raw < 9, `raw ${raw}`);
  assert.ok(Math.abs(at(5, 9) + Math.log10(tailProbability(CAL, raw))) < 1e-3, `day 5: ${at(5, 9)}`);
  assert.ok(at(5, 9) > 6);
});

Deno.test("combineRaw() takes a run at the same time and weekday in both weeks before as routine, one week's not", () => {
  // Hourly run-length scores over 21 days: a run of 6 hours from 00:00 on days 5, 12 and 19 (every Saturday,
  // say, where the weekdays before have none), and one from 10:00 on days 2 and 16 only.
  const n = 24 * 21, raw = new Float64Array(n);
  for (const d of [5, 12, 19]) for (let h = 0; h < 6; h++) raw[d * 24 + h] = h;
  for (const d of [2, 16]) for (let h = 10; h < 16; h++) raw[d * 24 + h] = h - 10;
  const r = combineRaw(
    { ensemble: { digits: 8 } },
    { calibration: { flatline: CAL } },
    ["flatline"],
    [raw],
    "k",
  );
  const lp = (d: number, h: number) => r.logP[0][d * 24 + h];
  const full = (x: number) => Math.log10(tailProbability(CAL, x));
  // Day 12 has the run a week before only: judged in full, as on day 5.
  assert.ok(Math.abs(lp(12, 5) - full(5)) < 1e-9 && lp(12, 5) < -1, `day 12: ${lp(12, 5)}`);
  assert.equal(lp(5, 5), lp(12, 5));
  // Day 19 has it in both weeks before: its rhythm, nothing beyond it.
  assert.equal(lp(19, 5), 0);
  // Day 16's run was there 14 days before but not 7: one earlier week is never the routine.
  assert.ok(Math.abs(lp(16, 15) - full(5)) < 1e-9, `day 16: ${lp(16, 15)}`);
});

Deno.test("combineRaw() reads a series' first two weeks with the family's early calibration, the rest with the later", () => {
  // CAL: p(2) = 10^−2. EARLY: the same with a tail ten times heavier, p(2) = 10^−1.
  const EARLY: Calibration = { ...CAL, pm: 1, shape: CAL.shape };
  const family = { calibration: { level_shift: CAL }, earlyCalibration: { level_shift: EARLY } };
  const step = 3_600_000, n = 24 * 20, edge = 24 * 14;
  const raw = [new Float64Array(n).fill(2)];
  const want = (i: number) => (i < edge ? -1 : -2);
  // The family's calibrations throughout (the series never outnumbers them) ...
  const all = combineRaw({ ensemble: { digits: 8 } }, family, ["level_shift"], raw, "k", step);
  for (const i of [0, edge - 1, edge, n - 1]) {
    assert.ok(Math.abs(all.logP[0][i] - want(i)) < 1e-6, `logP[${i}] = ${all.logP[0][i]}, want ${want(i)}`);
  }
  // ... and until the series hands over to its own scores (after 400 here), the same.
  const own = combineRaw(
    { ensemble: { digits: 8 }, trainedOn: { points: 400 } },
    family,
    ["level_shift"],
    raw,
    "k",
    step,
  );
  for (const i of [0, edge - 1, edge, 400]) {
    assert.ok(
      Math.abs(own.logP[0][i] - want(i)) < 1e-6,
      `own: logP[${i}] = ${own.logP[0][i]}, want ${want(i)}`,
    );
  }
  // At another step, the two weeks are counted in its points.
  const fine = combineRaw({ ensemble: { digits: 8 } }, family, ["level_shift"], raw, "k", step / 12);
  assert.ok(
    Math.abs(fine.logP[0][n - 1] - -1) < 1e-6,
    `at 5 minutes, point ${n - 1} is in the first two weeks`,
  );
});
