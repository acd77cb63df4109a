import type { Series } from "../series/types.ts";
import type { FamilyModel, Model } from "./schema.ts";
import { CARRIED_DAYS } from "../series/seasonal_expectation.ts";
import type { Calibration } from "./calibration.ts";
import { compileCalibration, type CompiledCalibration } from "./compile_calibration.ts";
import { fitCalibration, restsAtAtom } from "./calibration.ts";
import { DETECTORS } from "../detectors/registry.ts";
import type { Basis } from "../detectors/types.ts";
import { fromLocal, localTimeView } from "../series/local_time.ts";
import { gumbelLevel } from "./gumbel.ts";
import { smallMedian } from "../series/robust.ts";
import { withWeeklyGain } from "../series/weekly_day_change.ts";

const DAY = 86_400_000;

/** Per-point scores of one series under a model. */
export interface SeriesScores {
  /** Combined ensemble score per point, 0..1 (`NaN` where no detector can say). */
  combined: Float64Array;
  /** Index of the detector (in `names`) that drove each combined score, −1 when none. */
  driver: Int8Array;
  /** Detector names, in model order. */
  names: string[];
  /**
   * log10 tail probability per detector per point (≤ 0, `NaN` where the detector cannot say); its calibrated
   * 0..1 score is {@link scoreOfLogP} of it. Kept as log p, not converted for every point: only an episode's
   * reasons read it.
   */
  logP: Float64Array[];
  /** Raw score per detector per point. */
  raw: Float64Array[];
  /** With `band`: the values that would score below the threshold at each point (see {@link Band}). */
  band?: Band;
}

/**
 * The band of a scored series: at each point, the range of values that would score below the threshold given
 * the baselines that judge that point. For each detector that judges a point by its distance from a baseline
 * (`seasonal_lag`: the median of the earlier days at that time; `robust_z`: the trailing day's median), the
 * raw score that reaches the threshold is read off that detector's calibration at that point (the family's or
 * the series' own, as scoring uses), after the same Bonferroni correction (the detectors scoring there) and
 * the same own-threshold shift; its values are then `center ± limit · unit`. The band is where all of them
 * agree (their intersection). A value outside it is flagged by construction; inside it a point is flagged
 * only by a detector that judges something else (a flatline, a gap, a sustained shift or a climb) or by
 * `seasonal_lag`'s run (values near the edge, several in a row on one side).
 */
export interface Band {
  /** The judging baseline's value: the seasonal expectation where it exists, else the trailing median. */
  expected: Float64Array;
  /** Lowest value that would not be flagged (`NaN` where no baseline judges yet). */
  lower: Float64Array;
  /** Highest value that would not be flagged (`NaN` where no baseline judges yet). */
  upper: Float64Array;
  /** The first point it was computed for (`NaN` before: see {@link ScoreSeriesOptions.band}). */
  first: number;
}

/** Options of {@link scoreSeries}. */
export interface ScoreSeriesOptions {
  /**
   * Compute the band for this ensemble threshold (0..1, at the series' step), from time `from` on (`NaN`
   * before: a watch cycle needs it for its new points only). @default undefined
   */
  band?: { threshold: number; from?: number };
}

const compiledCache = new WeakMap<Calibration, CompiledCalibration>();
function compiled(cal: Calibration): CompiledCalibration {
  let f = compiledCache.get(cal);
  if (!f) compiledCache.set(cal, f = compileCalibration(cal));
  return f;
}

/**
 * The 0..1 score of a log10 tail probability: L / (L + digits) with L = −log10 p. It never saturates, so the
 * strongest anomalies still rank (a capped L / digits put every p below 10^−digits at 1).
 *
 * @param log10p A log10 tail probability (≤ 0); `NaN` in, `NaN` out.
 * @param digits The L that maps to 0.5.
 * @returns The score in [0, 1).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logPOfScore, scoreOfLogP } from "./score_series.ts";
 * assert.equal(scoreOfLogP(-8, 8), 0.5);
 * assert.ok(scoreOfLogP(-40, 8) < scoreOfLogP(-80, 8));
 * assert.ok(Math.abs(logPOfScore(scoreOfLogP(-12, 8), 8) + 12) < 1e-9);
 * ```
 */
export function scoreOfLogP(log10p: number, digits: number): number {
  if (log10p !== log10p) return NaN;
  const l = log10p < 0 ? -log10p : 0;
  return l / (l + digits);
}

/**
 * The log10 tail probability of a 0..1 score: the inverse of {@link scoreOfLogP}.
 *
 * @param score A score in [0, 1].
 * @param digits The L that maps to 0.5.
 * @returns log10 p (−Infinity for a score of 1).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logPOfScore } from "./score_series.ts";
 * assert.equal(logPOfScore(0.5, 8), -8);
 * ```
 */
export function logPOfScore(score: number, digits: number): number {
  return score >= 1 ? -Infinity : -(digits * score) / (1 - score);
}

/** Tail probabilities of static breach levels 0, 1, 2 (not learned: a breach is a breach). */
const BREACH_P = [1, 1e-5, 1e-9];

/**
 * Detectors calibrated against the family only. Run lengths (flatline, missing data): one series has too few
 * runs to say how long a normal one is.
 */
export const RUN_LENGTH: ReadonlySet<string> = new Set(["flatline", "missing_data"]);

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Detectors whose raw score is a statistic of hourly bins with its noise read from the bins themselves
 * (`rhythm_loss`'s t of the daily shape): at a finer step each bin averages more points, the same day-to-day
 * change of shape is more standard errors, and an hourly model's calibration does not hold (the hourly `data/`
 * model's `rhythm_loss` raised 94 false events on the 1-minute corpus of `tests/bench/step_transfer.ts`).
 */
const BINNED: ReadonlySet<string> = new Set(["rhythm_loss"]);

/**
 * What a family's calibrations hold at the model's step only, and so is left out of a series scored at any
 * other: the sums with memory ({@link sumsWithMemory}) and the statistics of hourly bins ({@link BINNED}).
 *
 * @param family The family's calibrations.
 * @returns Detector names.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepBound } from "./score_series.ts";
 * import { fitCalibration } from "./calibration.ts";
 * const spread = fitCalibration(Float64Array.from({ length: 1000 }, (_, i) => i / 100));
 * assert.deepEqual([...stepBound({ calibration: { rhythm_loss: spread, robust_z: spread } })], ["rhythm_loss"]);
 * ```
 */
export function stepBound(family: Pick<FamilyModel, "calibration">): ReadonlySet<string> {
  const names = new Set(sumsWithMemory(family));
  for (const name of Object.keys(family.calibration)) if (BINNED.has(name)) names.add(name);
  return names;
}

/**
 * The sums with memory among a family's detectors (level shift's CUSUM; see {@link restsAtAtom}): their family
 * calibration holds at the model's step only, and they are left out at any other; training refits them
 * without its incidents. Their tail is made of how long deviations persist in
 * units of the hourly level's scale, and that depends on how much of each hour's noise averages out at the
 * step: on 1-minute data the days' slow wobble is most of that scale, its sums run far longer than at 1 hour
 * (on clean data the tail's scale is 4.8 hours of sustained deviation at 1 minute, 0.8 at 1 hour), and an hourly
 * model's level shift, fitted to normal hourly life, raised 21 false events on 1-minute data where the model
 * trained at 1 minute raised none (`tests/bench/step_transfer.ts`). One series' own scores are too few to stand
 * in: a day-long wobble is one sample a day (fitted to 20 days of them, still 21). Memoryless scores (a robust
 * z, a lag ratio) are in units of their own scale at every step and carry over.
 *
 * @param family The family's calibrations.
 * @returns Detector names.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sumsWithMemory } from "./score_series.ts";
 * import { fitCalibration } from "./calibration.ts";
 * const at0 = fitCalibration(Float64Array.from({ length: 1000 }, (_, i) => (i % 10 ? 0 : i / 100)));
 * const spread = fitCalibration(Float64Array.from({ length: 1000 }, (_, i) => i / 100));
 * assert.deepEqual([...sumsWithMemory({ calibration: { level_shift: at0, robust_z: spread } })], ["level_shift"]);
 * ```
 */
export function sumsWithMemory(family: Pick<FamilyModel, "calibration">): ReadonlySet<string> {
  const names = new Set<string>();
  for (const [name, cal] of Object.entries(family.calibration)) {
    if (!RUN_LENGTH.has(name) && restsAtAtom(cal)) names.add(name);
  }
  return names;
}

/** Fewest own scores a series' own calibration is fitted to. */
const MIN_OWN = 100;
/** Time of its own scores a detector with no family calibration waits for. */
const OWN_ALONE = 7 * 86_400_000;
/** Own scores kept for a refit (strided subsample). */
const MAX_OWN_SAMPLE = 4096;
/** A refit happens each time the series' own scores have grown by this factor. */
const REFIT_GROWTH = 1.25;

/**
 * log10 tail probabilities of one detector's raw scores, calibrated online on whichever rests on more data:
 * the family's calibration (learned in training from `prior` scores) or the series' own earlier scores. Once
 * the series has more scores of its own than that (at least {@link MIN_OWN}), a calibration is fitted to them
 * and refitted each time they have grown by a quarter. A model trained on a fleet keeps its family
 * calibration; a model trained on the first days of one series (NAB's probationary period, a cold start) hands
 * over to the series' own history as it grows; a detector the training could not calibrate
 * (a 1 d lag on a day and a half of history) calibrates itself. Causal: the probability at i uses only scores
 * before i. `NaN` where neither calibration exists yet.
 */
function ownLogP(
  raw: Float64Array,
  family: Calibration | undefined,
  prior: number,
  minAlone: number,
  out: Float64Array,
  segments?: Segment[],
  early?: { cal: Calibration; until: number },
): void {
  const n = raw.length;
  let f: CompiledCalibration | undefined = family ? compiled(family) : undefined;
  const later = f;
  // The family's calibration of a series' first points (a sum's first two weeks, a detector's warm-up), if any.
  const first = f && early ? compiled(early.cal) : undefined;
  const until = first ? Math.min(n, early!.until) : 0;
  if (f) segments?.push({ from: 0, f: first ?? f });
  let count = 0, nextFit = Math.max(MIN_OWN, family ? Math.ceil(prior) + 1 : minAlone);
  if (f && nextFit > n) {
    // The series cannot outnumber the family's scores here: the family's calibrations throughout.
    if (until > 0) first!.into(raw.subarray(0, until), out.subarray(0, until));
    if (until < n) {
      f.into(raw.subarray(until), out.subarray(until));
      if (until > 0) segments?.push({ from: until, f });
    }
    return;
  }
  const sample = new Float64Array(MAX_OWN_SAMPLE);
  for (let i = 0; i < n; i++) {
    if (count >= nextFit) {
      const stride = Math.max(1, Math.ceil(count / MAX_OWN_SAMPLE));
      let m = 0, k = 0;
      for (let j = 0; j < i && m < MAX_OWN_SAMPLE; j++) {
        const v = raw[j];
        if (v !== v) continue;
        if (k++ % stride === 0) sample[m++] = v;
      }
      // The sample stands for all `count` scores: the tail's floor is set by how many were seen.
      f = compileCalibration({ ...fitCalibration(sample.slice(0, m)), n: count });
      segments?.push({ from: i, f });
      nextFit = Math.ceil(count * REFIT_GROWTH);
    }
    if (i === until && until > 0 && f === later) segments?.push({ from: i, f: later! });
    const r = raw[i];
    out[i] = f ? (i < until && f === later ? first!(r) : f(r)) : NaN;
    if (r === r) count++;
  }
}

/** Days back whose run lengths at the same time say what is routine (all three must exist). */
const ROUTINE_LAGS = [1, 2, 3];
/** Weeks back whose run lengths at the same time and weekday say what is routine (both must exist). */
const ROUTINE_WEEKS = [7, 14];

/**
 * log10 p of a run-length score beyond the run that is routine at each point: the median of the score at the
 * same time 1, 2 and 3 days earlier, or where it is longer, the shorter of the two at the same time and weekday
 * 7 and 14 days earlier (nothing routine until all three days, or both weeks, exist, or where the step does not
 * divide a day). A shard idle at 0 every night is stuck for 3 hours at 03:00 every day: a run that long at that
 * hour is its rhythm, and only the hours beyond it are judged; a quiet series exported as a one-decimal
 * percentage sits on 0.1 % longer at weekends than on the weekdays before them, and the two weekends before say
 * so. A gap or a stuck value at an hour the series usually reports still counts in full (two of the three days,
 * or both weeks, must have had a run then: one earlier incident is never the routine). Causal. Into `out`.
 */
function runLengthLogP(
  raw: Float64Array,
  log10p: (x: number) => number,
  step: number,
  out: Float64Array,
): void {
  const n = raw.length;
  const perDay = step > 0 && DAY % step === 0 ? DAY / step : 0;
  const lags = ROUTINE_LAGS.map((d) => d * perDay);
  const first = perDay > 0 ? lags[lags.length - 1] : n;
  const w1 = ROUTINE_WEEKS[0] * perDay, w2 = ROUTINE_WEEKS[1] * perDay;
  const weekly = perDay > 0 ? w2 : n;
  const lagged = new Float64Array(lags.length);
  // Most points are in no run (0): nothing beyond any routine run, the same log10 p every time.
  const atZero = log10p(0);
  for (let i = 0; i < n; i++) {
    const x = raw[i];
    if (x === 0) {
      out[i] = atZero;
      continue;
    }
    if (i >= first && x === x) {
      // Most points: no run at that hour on any of the days (or not known), nothing routine.
      let any = false;
      for (let k = 0; k < lags.length; k++) {
        const v = raw[i - lags[k]];
        lagged[k] = v > 0 ? v : 0;
        any ||= v > 0;
      }
      let routine = any ? smallMedian(lagged, lags.length) : 0;
      if (i >= weekly) {
        const a = raw[i - w1], b = raw[i - w2];
        if (a > routine && b > routine) routine = a < b ? a : b;
      }
      if (routine > 0) {
        out[i] = log10p(Math.max(0, x - routine));
        continue;
      }
    }
    out[i] = log10p(x);
  }
}

/** A calibration (raw → log10 p) and the first point it applies to. */
interface Segment {
  from: number;
  f: (x: number) => number;
}

/** Own daily maxima a series needs before its own threshold counts (as many as a model's needs). */
export const OWN_DAYS = 10;

/**
 * The threshold's counterpart of the calibrations' hand-over: once a series has outnumbered the scores its
 * family's calibrations rest on, and has {@link OWN_DAYS} days of its own after its first, the strict threshold
 * is read off its own daily maxima of L as `train` reads the model's (a Gumbel fitted to their quartiles, its
 * p99), refreshed each day. Where that lies above the model's, L is lowered by the difference from then on: an
 * event the series has most days (spikes every few hours) is its normal life, while the calibrations, fitted to
 * the body of its scores, put each such spike far out in the tail. Never lowered below the model's threshold,
 * nor below the series' own rise learned in training (`trained`, see `FamilyModel.seriesShift`), which applies
 * from the first point.
 * Causal: the shift at i uses only days before i. In place, on the 0..1 combined scores.
 */
function raiseToOwnThreshold(
  combined: Float64Array,
  prior: number,
  perDay: number,
  strictL: number,
  digits: number,
  trained: number,
  shiftOut?: Float64Array,
): void {
  const maxima: number[] = [];
  let count = 0, shift = trained, blockMax = -Infinity;
  // i % perDay, counted rather than divided.
  for (let i = 0, phase = 0; i < combined.length; i++, phase = phase + 1 === perDay ? 0 : phase + 1) {
    if (i >= 2 * perDay && phase === 0) {
      if (blockMax > -Infinity) maxima.push(blockMax);
      blockMax = -Infinity;
      if (count > prior && maxima.length >= OWN_DAYS) {
        const own = gumbelLevel(Float64Array.from(maxima).sort(), 0.99);
        shift = Math.max(trained, own - strictL);
      }
    }
    if (shiftOut) shiftOut[i] = shift;
    const c = combined[i];
    if (c !== c) continue;
    count++;
    const l = -logPOfScore(c, digits);
    if (i >= perDay && l > blockMax) blockMax = l;
    if (shift > 0) combined[i] = scoreOfLogP(-Math.max(0, l - shift), digits);
  }
}

/**
 * Scores one series with every detector of the model, calibrates each detector's raw scores into tail
 * probabilities p, and combines them: L = −log10(min(1, D · min_d p_d)) (a Bonferroni correction over the D
 * detectors that could say something at that point), scored L / (L + digits). A model with a `timeZone` has
 * its detectors read the series on that zone's wall clock (`localTimeView`); the scores are the series' own
 * points again.
 *
 * @param model The model.
 * @param family The family's part of the model.
 * @param series A series on the model's step.
 * @returns Per-point scores.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreSeries } from "./score_series.ts";
 * import { train } from "./train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 1, days: 20, aggregators: ["A"], seed: 3 });
 * const model = train(series);
 * const scores = scoreSeries(model, model.families.presence, series[0]);
 * assert.equal(scores.combined.length, series[0].values.length);
 * assert.ok(scores.combined.every((s) => Number.isNaN(s) || (s >= 0 && s < 1)));
 * ```
 */
export function scoreSeries(
  model: Pick<Model, "detectors" | "ensemble"> & {
    trainedOn?: Partial<Pick<Model["trainedOn"], "points" | "step">>;
    timeZone?: string;
  },
  family:
    & Pick<FamilyModel, "calibration">
    & Partial<
      Pick<FamilyModel, "thresholds" | "seriesShift" | "earlyCalibration" | "earlyUntil" | "weeklyGain">
    >,
  series: Series,
  options: ScoreSeriesOptions = {},
): SeriesScores {
  const { band } = options;
  const names = Object.keys(model.detectors);
  // The series' own gains on the family's weekly profile (its level and swing), learned in training (none for a
  // series it did not see).
  const params = withWeeklyGain(model.detectors, family.weeklyGain?.[series.key]);
  const bases: (Basis | undefined)[] = [];
  // On the wall clock of the model's time zone, if it has one; the scores come back to the series' own points.
  const view = model.timeZone ? localTimeView(series, model.timeZone) : undefined;
  const seen = view ? view.series : series;
  const back = (a: Float64Array) => (view ? fromLocal(view, a) : a);
  const raw = names.map((name, d) => {
    const det = DETECTORS[name];
    if (!det) throw new RangeError(`Cannot score ${series.key}: unknown detector "${name}" in the model`);
    // With a band, a distance-from-baseline detector's one pass gives its scores and its basis together.
    const basis = band ? det.basis?.(seen, params[name]) : undefined;
    bases[d] = basis && view
      ? { raw: back(basis.raw), center: back(basis.center), unit: back(basis.unit) }
      : basis;
    return basis ? back(basis.raw) : back(det.score(seen, params[name]));
  });
  if (!band) return combineRaw(model, family, names, raw, series.key, series.step);
  return combineRaw(model, family, names, raw, series.key, series.step, {
    threshold: band.threshold,
    bases,
    values: series.values,
    first: band.from === undefined ? 0 : Math.ceil((band.from - series.start) / series.step),
  });
}

/**
 * Calibrates and combines raw detector scores already computed (see {@link scoreSeries}).
 *
 * @param model The model's ensemble settings.
 * @param family The family's calibrations.
 * @param names Detector names, one per raw array.
 * @param raw Raw scores per detector.
 * @param key Series key, for messages.
 * @param step The series' step, ms: a detector with no family calibration waits for a week of its own scores. @default 1 hour
 * @param band With the threshold, each detector's basis and the values: the band (see {@link Band}) from point
 * `first` on.
 * @returns Per-point scores.
 */
export function combineRaw(
  model: Pick<Model, "ensemble"> & { trainedOn?: Partial<Pick<Model["trainedOn"], "points" | "step">> },
  family:
    & Pick<FamilyModel, "calibration">
    & Partial<Pick<FamilyModel, "thresholds" | "seriesShift" | "earlyCalibration" | "earlyUntil">>,
  names: string[],
  raw: Float64Array[],
  key: string,
  step = 3_600_000,
  band?: { threshold: number; bases: (Basis | undefined)[]; values: Float64Array; first?: number },
): SeriesScores {
  const n = raw.length ? raw[0].length : 0;
  const digits = model.ensemble.digits;
  // Scores the family calibrations rest on (Infinity: never hand over to the series' own).
  const prior = model.trainedOn?.points ?? Infinity;
  // A detector the training could not calibrate waits for a week of its own scores (a weekly cycle of them):
  // fitted to its first few hours instead, a level shift raised 37 false events a day on 60 series.
  const minAlone = Math.round(OWN_ALONE / step);
  const modelStep = model.trainedOn?.step;
  const bound = modelStep !== undefined && modelStep !== step ? stepBound(family) : NO_NAMES;
  // Where each early calibration ends, in points.
  const untilOf = (name: string) => Math.round(earlyEnd(family, name) / step);
  const logP = names.map(() => new Float64Array(n));
  const segments: Segment[][] = names.map(() => []);
  names.forEach((name, d) => {
    const r = raw[d], lp = logP[d];
    if (name === "static_breach") {
      for (let i = 0; i < n; i++) {
        const v = r[i];
        lp[i] = v === v ? Math.log10(BREACH_P[v]) : NaN;
      }
      return;
    }
    if (bound.has(name)) {
      lp.fill(NaN);
      return;
    }
    const cal = family.calibration[name];
    if (RUN_LENGTH.has(name)) {
      if (!cal) throw new RangeError(`Cannot score ${key}: the model has no calibration for "${name}"`);
      runLengthLogP(r, compiled(cal), step, lp);
    } else {
      const early = family.earlyCalibration?.[name];
      ownLogP(
        r,
        cal,
        prior,
        minAlone,
        lp,
        band?.bases[d] ? segments[d] : undefined,
        early ? { cal: early, until: untilOf(name) } : undefined,
      );
    }
  });
  const { combined, driver } = combineLogP(logP, digits);
  const strict = family.thresholds?.strict;
  const shift = band ? new Float64Array(n) : undefined;
  // The series' own rise above its family's threshold, learned in training (see `train`).
  const trained = family.seriesShift?.[key] ?? 0;
  if (strict !== undefined && modelStep !== undefined && (prior < n || trained > 0)) {
    // The model's threshold, moved to this step as detect moves it (see thresholdAt there).
    const strictL = -logPOfScore(strict, digits) + Math.log10(modelStep / step);
    raiseToOwnThreshold(
      combined,
      prior,
      Math.max(1, Math.round(DAY / step)),
      strictL,
      digits,
      trained,
      shift,
    );
  }
  const scores: SeriesScores = { combined, driver, names, logP, raw };
  if (band) {
    const thresholdL = -logPOfScore(band.threshold, digits);
    const first = Math.max(0, Math.min(n, band.first ?? 0));
    scores.band = bandOf(band.values, names, band.bases, segments, logP, thresholdL, shift!, first);
  }
  return scores;
}

/**
 * Where a detector's early calibration (`FamilyModel.earlyCalibration`) ends, ms of a series' history: as the
 * model records it, or for a model from before `earlyUntil`, its sums' two weeks (`CARRIED_DAYS`).
 */
export function earlyEnd(family: Partial<Pick<FamilyModel, "earlyUntil">>, name: string): number {
  return family.earlyUntil?.[name] ?? CARRIED_DAYS * DAY;
}

/** The raw score at which a calibration's log10 p first reaches `target` (≤ 0): a bisection (it never rises). */
function rawLimit(f: (x: number) => number, target: number): number {
  if (f(0) <= target) return 0;
  let lo = 0, hi = 1;
  while (!(f(hi) <= target)) {
    lo = hi;
    hi *= 2;
    if (hi > 1e15) return Infinity;
  }
  for (let k = 0; k < 64 && hi - lo > 1e-9 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (f(mid) <= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The order in which baselines name the expected value: the seasonal expectation first. */
const EXPECTED_ORDER = ["seasonal_lag", "robust_z"];

/** See {@link Band}. */
function bandOf(
  values: Float64Array,
  names: string[],
  bases: (Basis | undefined)[],
  segments: Segment[][],
  logP: Float64Array[],
  thresholdL: number,
  shift: Float64Array,
  first: number,
): Band {
  const n = values.length;
  const lower = new Float64Array(n).fill(NaN), upper = new Float64Array(n).fill(NaN);
  const expected = new Float64Array(n).fill(NaN);
  // The Bonferroni count a point would have: the detectors scoring there, and at a missing point also those
  // with a basis (a value there would be scored by them).
  const count = new Uint8Array(n);
  for (let d = 0; d < names.length; d++) {
    const lp = logP[d], b = bases[d];
    for (let i = first; i < n; i++) {
      if (lp[i] === lp[i] || (b && values[i] !== values[i] && b.center[i] === b.center[i])) count[i]++;
    }
  }
  const judges = names.map((_, d) => d).filter((d) => bases[d])
    .sort((a, b) => rank(names[a]) - rank(names[b]));
  for (const d of judges) {
    const { center, unit } = bases[d]!;
    const segs = segments[d];
    let k = -1;
    const limits = new Map<number, number>();
    for (let i = first; i < n; i++) {
      while (k + 1 < segs.length && segs[k + 1].from <= i) {
        k++;
        limits.clear();
      }
      const c = center[i], u = unit[i];
      if (k < 0 || c !== c || u !== u) continue;
      if (expected[i] !== expected[i]) expected[i] = c;
      const target = -(thresholdL + shift[i] + Math.log10(Math.max(1, count[i])));
      let r = limits.get(target);
      if (r === undefined) limits.set(target, r = rawLimit(segs[k].f, target));
      const lo = c - r * u, hi = c + r * u;
      if (lower[i] === lower[i]) {
        if (lo > lower[i]) lower[i] = lo;
        if (hi < upper[i]) upper[i] = hi;
      } else {
        lower[i] = lo;
        upper[i] = hi;
      }
    }
  }
  // Baselines that disagree so far that no value would pass: no band there rather than an inverted one.
  for (let i = first; i < n; i++) if (lower[i] > upper[i]) lower[i] = upper[i] = NaN;
  return { expected, lower, upper, first };
}

function rank(name: string): number {
  const r = EXPECTED_ORDER.indexOf(name);
  return r < 0 ? EXPECTED_ORDER.length : r;
}

/**
 * The ensemble's combination of per-detector log10 tail probabilities at each point: the smallest, Bonferroni-
 * corrected by the number of detectors that could say something there, as L / (L + digits) with
 * L = −log10 p (`NaN` where none could).
 *
 * @param logP log10 tail probability per detector per point (`NaN` = the detector cannot say).
 * @param digits The L = −log10 p that scores 0.5.
 * @returns The combined score and, per point, the index of the detector that drove it (−1 for none).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { combineLogP } from "./score_series.ts";
 * const { combined, driver } = combineLogP([new Float64Array([-1, NaN]), new Float64Array([-5, NaN])], 8);
 * assert.equal(driver[0], 1);
 * const l = 5 - Math.log10(2);
 * assert.ok(Math.abs(combined[0] - l / (l + 8)) < 1e-12);
 * assert.ok(Number.isNaN(combined[1]));
 * ```
 */
export function combineLogP(
  logP: Float64Array[],
  digits: number,
): { combined: Float64Array; driver: Int8Array } {
  const n = logP.length ? logP[0].length : 0;
  const combined = new Float64Array(n);
  const driver = new Int8Array(n);
  const D = logP.length;
  const LOG10_COUNT = Array.from({ length: D + 1 }, (_, k) => Math.log10(Math.max(1, k)));
  for (let i = 0; i < n; i++) {
    let best = Infinity, who = -1, count = 0;
    for (let d = 0; d < D; d++) {
      const l = logP[d][i];
      if (l !== l) continue;
      count++;
      if (l < best) {
        best = l;
        who = d;
      }
    }
    driver[i] = who;
    if (count === 0) {
      combined[i] = NaN;
      continue;
    }
    // scoreOfLogP(best + log10 count), written out: a call per point here cost a fifth of the loop.
    const l = -(best + LOG10_COUNT[count]);
    const L = l > 0 ? l : 0;
    combined[i] = L / (L + digits);
  }
  return { combined, driver };
}
