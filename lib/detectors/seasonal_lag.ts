import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { judgeDeviation, OneSidedRun } from "./_one_sided_run.ts";
import { lagList, num, span } from "./_explain.ts";
import { DAY, ewAlpha, medianOf, pointsIn, RobustLevel, RobustScale } from "../series/robust.ts";
import { seasonalExpectation } from "../series/seasonal_expectation.ts";
import { weeklyDayChange } from "../series/weekly_day_change.ts";

const MINUTE = 60_000;

/** Params of {@link seasonalLag}. */
export interface SeasonalLagParams extends Record<string, unknown> {
  /** Lags compared, ms. */
  lags: number[];
  /** Half-life of the running scale of relative deviations, ms. */
  scaleHalfLife: number;
  /** Floor of the denominator as a fraction of the series' running level (keeps near-zero values sane). */
  floor: number;
  /** Fewest lagged values needed for an expectation. */
  minLags: number;
  /**
   * How well the expectation predicted the training data, as the mean |x − expected| over the mean
   * |x − trailing median over the shortest lag| ({@link rhythmRatio}): below 1 the series has a rhythm the lags
   * know and the level does not; at 1 or above (noise around a level: √2 for white noise and one lag) the lags are
   * a noisier level, and `train` leaves the detector out. `null` when the training data was too short to tell.
   */
  rhythm?: number | null;
  /** The family's day-over-day change by hour of the week ({@link weeklyDayChange}); absent or `null`: none. */
  weekly?: number[] | null;
  /**
   * Longest span of a run of points beyond the typical deviation on one side, judged together beside each
   * point alone, ms (used where it holds at least 2 points); absent or 0 (a model trained before it): each
   * point alone.
   */
  window?: number;
}

/** Options of {@link seasonalLag}'s `fit`. */
export interface SeasonalLagOptions {
  /** @default [1 d, 7 d, 14 d] */
  lags?: number[];
  /** @default 3 days */
  scaleHalfLife?: number;
  /** @default 0.1 */
  floor?: number;
  /** @default 1 */
  minLags?: number;
  /** @default 30 minutes */
  window?: number;
}

/**
 * Seasonal lag: how far a value is from the same time 1, 7 and 14 days earlier (their median, robust to one
 * bad day), relative to the expected value and in units of the series' own running scale of such deviations.
 * Scale-free, so shards of different sizes share one calibration.
 *
 * Each point alone, and with the run it ends: the points before it, up to `window` (30 minutes, where that holds
 * at least 2 points), each beyond the typical deviation (z ≥ 1 in units of the running scale) and on the same
 * side, scored together as |Σ z| / √count (Stouffer's combination); the score is the larger. A deviation that
 * lasts a few points is judged on all of them — a ×3 spike for 20 minutes at 1-minute steps is about 3.7
 * noise units in each point at twice `data/`'s noise, as far as a quiet day's own noise reaches, and over 20
 * as a run — and a run of k points at z = h scores h√k, the matched statistic for a run of that length,
 * whatever its length up to the window. The first point back within the typical deviation (or on the other
 * side) ends the run, so the score falls back with the values (a fixed window's mean stayed high for the
 * window's length after, and stretched every short episode by as much). The calibration is fitted to this
 * score, so the runs cost their share of the tail.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seasonalLag } from "./seasonal_lag.ts";
 * const values = new Float64Array(24 * 10).map((_, i) => 1 + Math.sin((2 * Math.PI * i) / 24) * 0.5 + (i % 7) * 0.01);
 * values[24 * 9 + 3] = 10;
 * const s = seasonalLag.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, seasonalLag.fit([]));
 * assert.ok(s[24 * 9 + 3] > 10 * s[24 * 9 + 2]);
 * ```
 */
export const seasonalLag: Detector<SeasonalLagParams, SeasonalLagOptions> = {
  name: "seasonal_lag",
  description:
    "value vs the same time 1/2/3/7 days earlier (median), alone and with its run on one side (up to 30 min), in units of the series' usual deviation",
  fit(_train, options = {}) {
    const {
      lags = [DAY, 7 * DAY, 14 * DAY],
      scaleHalfLife = 3 * DAY,
      floor = 0.1,
      minLags = 1,
      window = 30 * MINUTE,
    } = options;
    const weekly = weeklyDayChange(_train);
    return {
      lags,
      scaleHalfLife,
      floor,
      minLags,
      rhythm: rhythmRatio(_train, lags, minLags, weekly),
      weekly,
      window,
    };
  },
  score(series: Series, params) {
    return judge(series, params, false).raw;
  },
  basis(series: Series, params) {
    const { raw, center, unit } = judge(series, params, true);
    return { raw, center: center!, unit: unit! };
  },
  explain(_raw, observed, expected, params) {
    const first = Math.min(...params.lags);
    const carried = params.weekly?.some((d) => d !== 0) ? ", carried over the family's weekly rhythm" : "";
    const run = params.window ? `; alone or with its run on one side, up to ${span(params.window)}` : "";
    return `${num(observed)} vs ${num(expected)} expected (median of the same time ${
      lagList(params.lags)
    } earlier; before the longest exists, ${lagList([first, 2 * first, 3 * first])} earlier${carried}${run})`;
  },
};

/** seasonal_lag's one pass: the raw scores and, when asked, the expectation and the unit they divide by. */
function judge(
  series: Series,
  params: SeasonalLagParams,
  withBasis: boolean,
): { raw: Float64Array; center?: Float64Array; unit?: Float64Array } {
  const { values, step } = series;
  const n = values.length;
  const e = seasonalExpectation(series, {
    lags: params.lags,
    minLags: params.minLags ?? 1,
    dayChange: params.weekly ?? null,
  });
  const out = new Float64Array(n).fill(NaN);
  const unit = withBasis ? new Float64Array(n).fill(NaN) : undefined;
  const hl = pointsIn(params.scaleHalfLife, step);
  const floor = params.floor;
  const level = new RobustLevel(ewAlpha(hl), pointsIn(DAY, step));
  const scale = new RobustScale(ewAlpha(hl), pointsIn(DAY, step));
  // The run: the z of its latest points, at most `window` of them.
  const run = new OneSidedRun(params.window ? Math.round(params.window / step) : 0);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    const ex = e[i];
    const lv = level.value;
    if (unit && ex === ex && lv === lv) {
      // |x − ex| / (|ex| + floor · level) / scale, as below, is |x − ex| / unit.
      unit[i] = (scale.value + 1e-12) * (Math.abs(ex) + floor * lv + 1e-12);
    }
    const d = x === x && ex === ex && lv === lv ? (x - ex) / (Math.abs(ex) + floor * lv + 1e-12) : NaN;
    // NaN until the point's own scale exists.
    if (d === d) out[i] = judgeDeviation(d, scale, run);
    if (x === x) level.update(x);
  }
  return { raw: out, center: withBasis ? e : undefined, unit };
}

/**
 * The median over series of mean |x − e| / mean |x − m|, where e is the seasonal expectation the detector scores
 * against (the shortest lag alone until the longest exists, then the median of all) and m the median of the
 * shortest lag's span before the point (a trailing level); means, so a series that rests at one value between
 * spikes still tells. From at most 256 points per series (m from at most 128 points of its span) and at most 64
 * series; `null` when no series has 32 points with an expectation and a level.
 */
export function rhythmRatio(
  series: readonly Series[],
  lags: number[],
  minLags = 1,
  dayChange: readonly number[] | null = null,
): number | null {
  const ratios: number[] = [];
  const pick = Math.max(1, Math.ceil(series.length / 64));
  for (let k = 0; k < series.length; k += pick) {
    const s = series[k];
    const { values, step } = s;
    const l = Math.round(Math.min(...lags) / step);
    if (l < 2 || values.length < l + 32) continue;
    const e = seasonalExpectation(s, { lags, minLags, dayChange });
    const evals = Math.min(256, values.length - l);
    const stride = (values.length - l) / evals;
    const every = Math.max(1, Math.floor(l / 128));
    const window = new Float64Array(Math.ceil(l / every) + 1);
    let da = 0, db = 0, m = 0;
    for (let q = 0; q < evals; q++) {
      const i = l + Math.floor(q * stride);
      const x = values[i], y = e[i];
      if (x !== x || y !== y) continue;
      let w = 0;
      for (let j = i - 1; j > i - l; j -= every) if (values[j] === values[j]) window[w++] = values[j];
      if (w < 8) continue;
      da += Math.abs(x - y);
      db += Math.abs(x - medianOf(window, w));
      m++;
    }
    if (m < 32) continue;
    // Capped at 100 (the verdict is the same, and the params stay plain JSON).
    if (db > 0 || da > 0) ratios.push(db > 0 ? Math.min(100, da / db) : 100);
  }
  return ratios.length ? medianOf(Float64Array.from(ratios), ratios.length) : null;
}
