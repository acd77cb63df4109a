import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import {
  DAY,
  ewAlpha,
  HOUR,
  medianOf,
  pointsIn,
  RobustLevel,
  select,
  warmupPoints,
  weekSlot,
} from "../series/robust.ts";
import { weeklyDayChange } from "../series/weekly_day_change.ts";

/** Params of {@link rhythmLoss}. */
export interface RhythmLossParams extends Record<string, unknown> {
  /** Trailing window over which the shape is compared, ms. */
  window: number;
  /** Earlier days whose same hour, carried over the weekly profile, make the usual shape (their median). */
  days?: number;
  /** The family's day-over-day change by hour of the week ({@link weeklyDayChange}); absent or `null`: none. */
  weekly?: number[] | null;
}

/** Options of {@link rhythmLoss}'s `fit`. */
export interface RhythmLossOptions {
  /** @default 1 day */
  window?: number;
  /** @default 14 */
  days?: number;
}

/**
 * Loss of the daily rhythm: over the trailing day, the hourly log means regressed on their usual values (the
 * same hour on the last 14 days, carried over the family's weekly profile); the slope is ≈ 1 while the rhythm
 * holds and ≈ 0 when the series goes flat or out of phase. The score is (1 − slope) in standard errors, read as
 * the normal tail's decades ({@link normalTailDecades}): scale-free, 0 for series with no rhythm to lose, from the
 * fourth day (see `shapeLoss` below for the details).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rhythmLoss } from "./rhythm_loss.ts";
 * const values = new Float64Array(24 * 14).map((_, i) => 1 + 0.5 * Math.sin((2 * Math.PI * i) / 24) + 0.05 * Math.sin(i * 7.3));
 * for (let i = 24 * 12; i < values.length; i++) values[i] = 1 + 0.05 * Math.sin(i * 7.3);
 * const s = rhythmLoss.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, rhythmLoss.fit([]));
 * assert.ok(s[24 * 13] > 5 * s[24 * 12 - 1]);
 * ```
 */
export const rhythmLoss: Detector<RhythmLossParams, RhythmLossOptions> = {
  name: "rhythm_loss",
  description: "the daily rhythm gone: the last day no longer follows the usual shape",
  fit(train, options = {}) {
    const { window = DAY, days = 14 } = options;
    return { window, days, weekly: weeklyDayChange(train) };
  },
  score(series: Series, params) {
    return shapeLoss(series, params.window, params.days ?? 14, params.weekly ?? null);
  },
  explain(raw, _observed, _expected, params) {
    return `the daily rhythm faded over the last ${
      span(params.window)
    }: the day follows the usual daily shape ` +
      `${num(zOfDecades(raw))} standard errors less than it should`;
  },
};

/**
 * The score of {@link rhythmLoss}. The values are read as log means over bins of an hour (of the step where it
 * is longer), log(x + c) with c 10% of the series' running level. A bin's usual value is the median of the same
 * bin on each of the last `days` days, each carried to today over the family's day-over-day profile `weekly`
 * (so Saturday's usual shape is read from the weekdays before it). Over the trailing `window`, the bins are
 * regressed on their usual values, with an intercept for each calendar day the window holds (levels move from
 * one day to the next — a weekend, a busier day — and a window across midnight would otherwise read the step
 * as a change of shape): the slope is about 1 while the shape holds and about 0 when it is gone. The
 * usual values are medians of a few noisy days, and noise in a regressor pulls the slope towards 0 (regression
 * dilution), so their sampling variance — from the spread of the days around each median, pooled over the
 * window — is taken out of the regressor's variance; where it is half of it or more, the shape is not known
 * better than its noise and the score is 0. The score is (1 − slope) / its standard error, 0 when above 1: how
 * many standard errors of the slope the daily swing has shrunk by. The bin holding a point counts its points so
 * far.
 */
function shapeLoss(
  series: Series,
  window: number,
  days: number,
  weekly: readonly number[] | null,
): Float64Array {
  const { values, step, start } = series;
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  const bin = Math.max(HOUR, step);
  if (n === 0 || DAY % bin !== 0 || bin % step !== 0) return out;
  const perDay = DAY / bin, perBin = bin / step, span = Math.max(4, Math.round(window / bin));
  const first = Math.floor(start / bin);
  const bins = Math.floor((start + (n - 1) * step) / bin) - first + 1;
  // Each complete bin's log mean (NaN with fewer than half its points).
  const mean = new Float64Array(bins).fill(NaN);
  const level = new RobustLevel(ewAlpha(pointsIn(3 * DAY, step)), warmupPoints(step));
  const logs = new Float64Array(n).fill(NaN);
  {
    let b = -1, sum = 0, count = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor((start + i * step) / bin) - first;
      if (j !== b) {
        if (b >= 0 && 2 * count >= perBin) mean[b] = sum / count;
        b = j;
        sum = count = 0;
      }
      const x = values[i];
      if (x !== x) continue;
      const lv = level.value;
      level.update(x);
      if (lv !== lv) continue;
      const v = Math.log(Math.max(x, 0) + 0.1 * lv + 1e-12);
      logs[i] = v;
      sum += v;
      count++;
    }
    if (b >= 0 && 2 * count >= perBin) mean[b] = sum / count;
  }
  // Each bin's usual value (the median of the carried earlier days) and the median absolute deviation of those
  // days around it.
  const usual = new Float64Array(bins).fill(NaN), spread = new Float64Array(bins).fill(NaN);
  const counts = new Int32Array(bins);
  const buf = new Float64Array(days), dev = new Float64Array(days);
  for (let j = perDay; j < bins; j++) {
    let k = 0, carry = 0;
    for (let d = 1; d <= days; d++) {
      const q = j - d * perDay;
      if (q < 0) break;
      if (weekly) carry += weekly[weekSlot((first + q + perDay) * bin)];
      const v = mean[q];
      if (v === v) buf[k++] = v + carry;
    }
    if (k < 3) continue;
    const m = medianOf(buf, k);
    for (let t = 0; t < k; t++) dev[t] = Math.abs(buf[t] - m);
    usual[j] = m;
    spread[j] = select(dev, k, k >> 1) * Math.sqrt(k / (k - 1));
    counts[j] = k;
  }
  const pooled = new Float64Array(span);
  let b = -1, sum = 0, count = 0;
  // The trailing complete bins' sums (count, Σx, Σy, Σx², Σy², Σxy), re-read at each new bin: the day before the
  // current bin's and the current bin's day so far, each with its own intercept.
  const before = new Float64Array(6), today = new Float64Array(6);
  let inv0 = 0, np = 0, noise = NaN;
  for (let i = 0; i < n; i++) {
    const j = Math.floor((start + i * step) / bin) - first;
    if (j !== b) {
      b = j;
      sum = count = 0;
      before.fill(0);
      today.fill(0);
      inv0 = 0;
      np = 0;
      const day = Math.floor(((first + j) * bin) / DAY);
      for (let q = Math.max(0, j - span + 1); q < j; q++) {
        const x = usual[q], y = mean[q];
        if (x !== x || y !== y) continue;
        addPair(Math.floor(((first + q) * bin) / DAY) === day ? today : before, x, y);
        inv0 += 1 / counts[q];
        pooled[np++] = spread[q];
      }
      if (usual[j] === usual[j]) pooled[np++] = spread[j];
      const sd = np > 0 ? 1.4826 * select(pooled, np, np >> 1) : NaN;
      noise = (Math.PI / 2) * sd * sd * (inv0 + 1 / counts[j]);
    }
    const v = logs[i];
    if (v !== v) continue;
    sum += v;
    count++;
    const x = usual[j];
    if (x !== x) continue;
    const y = sum / count;
    const ca = before[0], c2 = today[0] + 1, c = ca + c2;
    if (4 * c < 3 * span) continue;
    const tx = today[1] + x, ty = today[2] + y;
    let vx = today[3] + x * x - (tx * tx) / c2,
      vy = today[4] + y * y - (ty * ty) / c2,
      cxy = today[5] + x * y - (tx * ty) / c2;
    if (ca > 0) {
      vx += before[3] - (before[1] * before[1]) / ca;
      vy += before[4] - (before[2] * before[2]) / ca;
      cxy += before[5] - (before[1] * before[2]) / ca;
    }
    // Each day's intercept takes one degree of freedom, from the noise as from the residuals.
    const groups = ca > 0 ? 2 : 1;
    const known = vx - (noise * (c - groups)) / c;
    if (!(known > vx - known)) {
      out[i] = 0;
      continue;
    }
    const slope = cxy / known;
    const rss = Math.max(0, vy - (cxy * cxy) / vx);
    const se = Math.sqrt(rss / (c - groups - 1) / known);
    out[i] = se > 0 ? normalTailDecades((1 - slope) / se) : 0;
  }
  return out;
}

/** Adds the pair (x, y) to sums laid out as count, Σx, Σy, Σx², Σy², Σxy. */
function addPair(s: Float64Array, x: number, y: number): void {
  s[0]++;
  s[1] += x;
  s[2] += y;
  s[3] += x * x;
  s[4] += y * y;
  s[5] += x * y;
}

/**
 * −log10 of the standard normal's upper tail at z (0 at or below 0): a near-Gaussian statistic's evidence in
 * decades, which grows with z² (an exponential tail read off its body would grow with z only). Abramowitz and
 * Stegun 7.1.26 for erfc below z = 5 (error under 1.5e-7), the asymptotic series above.
 */
export function normalTailDecades(z: number): number {
  if (!(z > 0)) return 0;
  if (z < 5) {
    const x = z / Math.SQRT2;
    const t = 1 / (1 + 0.3275911 * x);
    const erfc = t *
      (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-x * x);
    return -Math.log10(erfc / 2);
  }
  const z2 = z * z;
  return (z2 / 2 + Math.log(z * Math.sqrt(2 * Math.PI)) - Math.log(1 - 1 / z2 + 3 / (z2 * z2))) / Math.LN10;
}

/** The z whose {@link normalTailDecades} is `decades` (bisection; for explanations only). */
export function zOfDecades(decades: number): number {
  if (!(decades > 0)) return 0;
  let lo = 0, hi = 1;
  while (normalTailDecades(hi) < decades) hi *= 2;
  for (let k = 0; k < 50; k++) {
    const mid = (lo + hi) / 2;
    if (normalTailDecades(mid) < decades) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
