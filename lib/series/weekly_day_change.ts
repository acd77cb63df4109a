import type { Series } from "./types.ts";
import { DAY, HOUR, medianOf, WEEK_SLOTS, weekSlot } from "./robust.ts";

const cache = new WeakMap<readonly Series[], number[] | null>();

/**
 * What a family's values typically do from one day to the next at each hour of the week (UTC): slot
 * `24 · weekday + hour` (Monday first) holds the log of the typical ratio of a value to the value 24 h before,
 * so a Saturday after a Friday, or a Monday after a Sunday, is expected to drop or rise as the family's weeks
 * did. The day before is a valid baseline from the second day; this makes it one across a weekly rhythm before
 * the weekly lags exist.
 *
 * Estimated in two robust stages: one sample per series and hour (the median log ratio of its points, so a
 * 1-minute series weighs as much as an hourly one), then per slot the median over the weeks of the median over
 * series. A slot is kept only where that change is clear of the samples' spread (more than four standard
 * errors of a median from zero, a 1% level over the 168 slots together, from at least 8 samples); elsewhere it is 0, so a family without a weekly
 * rhythm gets zeros. A profile needs a whole week of changes (at least 90% of the slots with 8 samples each: a
 * day of 8 series, or 8 weeks of one); with less, the weekly rhythm is unknown and the result is `null`.
 *
 * @param train The family's training series (at most 64, evenly picked, are read).
 * @returns 168 log ratios (rounded to 4 decimals; all 0 for a family without a weekly rhythm), or `null` when
 *   the week is not covered.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weeklyDayChange } from "./weekly_day_change.ts";
 * // Hourly, 4 weeks, weekends at half the weekday level (1970-01-05 was a Monday).
 * const start = 4 * 86_400_000;
 * const train = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => ({
 *   key: `s${k}`, labels: {}, start, step: 3_600_000,
 *   values: new Float64Array(24 * 28).map((_, i) => (Math.floor(i / 24) % 7 >= 5 ? 5 : 10) * (1 + 0.01 * Math.sin(i * k))),
 * }));
 * const d = weeklyDayChange(train)!;
 * // Ratios of value + c, with c 10% of the typical level (1 here), so near-zero values do not explode.
 * assert.ok(Math.abs(d[24 * 5 + 3] - Math.log(6 / 11)) < 0.01); // Saturday vs Friday
 * assert.ok(Math.abs(d[24 * 0 + 3] - Math.log(11 / 6)) < 0.01); // Monday vs Sunday
 * assert.equal(d[24 * 2 + 3], 0); // Wednesday vs Tuesday
 * ```
 */
export function weeklyDayChange(train: readonly Series[]): number[] | null {
  if (cache.has(train)) return cache.get(train)!;
  // perSlot[s] holds, per week index, the per-series hourly samples of that week.
  const perSlot: Map<number, number[]>[] = Array.from({ length: WEEK_SLOTS }, () => new Map());
  const pick = Math.max(1, Math.ceil(train.length / 64));
  for (let k = 0; k < train.length; k += pick) addSeries(train[k], perSlot);
  const out = new Array<number>(WEEK_SLOTS).fill(0);
  let covered = 0;
  for (let s = 0; s < WEEK_SLOTS; s++) {
    const weeks = perSlot[s];
    const all: number[] = [];
    const weekly: number[] = [];
    for (const samples of weeks.values()) {
      all.push(...samples);
      weekly.push(medianOf(Float64Array.from(samples), samples.length));
    }
    if (all.length < 8) continue;
    covered++;
    const spread = madSigma(Float64Array.from(all));
    const d = medianOf(Float64Array.from(weekly), weekly.length);
    // Clear of zero at a 1% level over all 168 slots together (Bonferroni: 4 standard errors, the standard
    // error of a median being about 1.253 σ / √n).
    if (Math.abs(d) > (4 * 1.253 * spread) / Math.sqrt(all.length) && Math.abs(d) > 1e-4) {
      out[s] = Math.round(d * 1e4) / 1e4;
    }
  }
  // Only a whole week of changes is a profile: a part of one (the drop into a weekend without the rise out of
  // it) would carry the level one way and never back.
  const result = covered >= 0.9 * WEEK_SLOTS ? out : null;
  cache.set(train, result);
  return result;
}

/** Adds one series' hourly samples of ln((x + c) / (x 24 h before + c)) to their slots and weeks. */
function addSeries(series: Series, perSlot: Map<number, number[]>[]): void {
  const { values, start, step } = series;
  const lag = Math.round(DAY / step);
  if (lag < 1 || DAY % step !== 0 || values.length <= lag) return;
  const c = 0.1 * typicalLevel(values) + 1e-12;
  const perHour = Math.max(1, Math.round(HOUR / step));
  const buf = new Float64Array(perHour);
  let m = 0, hour = NaN;
  const flush = () => {
    if (m > 0 && m * 2 >= perHour) {
      const t = hour * HOUR;
      const slot = weekSlot(t);
      const week = Math.floor((t + 3 * DAY) / (7 * DAY));
      const bucket = perSlot[slot];
      let list = bucket.get(week);
      if (!list) bucket.set(week, list = []);
      list.push(medianOf(buf, m));
    }
    m = 0;
  };
  for (let i = lag; i < values.length; i++) {
    const t = start + i * step;
    const h = Math.floor(t / HOUR);
    if (h !== hour) {
      flush();
      hour = h;
    }
    const x = values[i], y = values[i - lag];
    if (x !== x || y !== y) continue;
    if (m < perHour) buf[m++] = Math.log((Math.max(x, 0) + c) / (Math.max(y, 0) + c));
  }
  flush();
}

/** The median of up to 512 evenly picked valid values, 0 when there are none. */
function typicalLevel(values: Float64Array): number {
  const every = Math.max(1, Math.floor(values.length / 512));
  const buf = new Float64Array(Math.ceil(values.length / every));
  let m = 0;
  for (let i = 0; i < values.length; i += every) if (values[i] === values[i]) buf[m++] = values[i];
  return m ? medianOf(buf, m) : 0;
}

/** A slope with its standard error (see {@link slopeOf}). */
interface Slope {
  gain: number;
  se: number;
}

/** The two parts of a weekly profile: each day's mean change (`level`) and each hour's change about it (`swing`). */
function partsOf(profile: readonly number[]): { level: number[]; swing: number[] } {
  const level = new Array<number>(WEEK_SLOTS), swing = new Array<number>(WEEK_SLOTS);
  for (let d = 0; d < 7; d++) {
    let sum = 0;
    for (let h = 0; h < 24; h++) sum += profile[24 * d + h];
    for (let h = 0; h < 24; h++) {
      level[24 * d + h] = sum / 24, swing[24 * d + h] = profile[24 * d + h] - sum / 24;
    }
  }
  return { level, swing };
}

/**
 * The L1 slope through the origin of `y` on `x` (the median of y / x weighted by |x|), with its standard error:
 * the larger of the samples' (1.2533 σ / √Σ x², σ from the MAD of the residuals) and the weeks' (1.2533 ·
 * 1.4826 · the MAD of each week's own slope / √weeks), as the hours of one weekend share that weekend's own ups
 * and downs. Samples with x = 0 say nothing and are left out; `undefined` without two weeks of samples.
 */
function slopeOf(samples: { x: number; y: number; week: number }[]): Slope | undefined {
  const used = samples.filter((v) => v.x !== 0);
  const weeks = new Map<number, typeof used>();
  for (const v of used) {
    const list = weeks.get(v.week);
    if (list) list.push(v);
    else weeks.set(v.week, [v]);
  }
  if (weeks.size < 2) return undefined;
  const median = (vs: typeof used) => weightedMedian(vs.map((v) => v.y / v.x), vs.map((v) => Math.abs(v.x)));
  const gain = median(used);
  const residuals = Float64Array.from(used, (v) => Math.abs(v.y - gain * v.x));
  const sigma = 1.4826 * medianOf(residuals, residuals.length);
  const sumX2 = used.reduce((a, v) => a + v.x * v.x, 0);
  const between = madSigma(Float64Array.from(weeks.values(), median));
  return {
    gain,
    se: Math.max((1.2533 * sigma) / Math.sqrt(sumX2), (1.2533 * between) / Math.sqrt(weeks.size)),
  };
}

/**
 * How strongly one series follows the two parts of its family's weekly profile ({@link partsOf}), from its
 * hourly day-over-day log changes: the level's slope from each day's median change, the swing's from each hour's
 * change about its day's median ({@link slopeOf}). Only for a series with two calendar weeks (Monday to Sunday,
 * UTC or the model's zone) that each cover 90% of the profile's non-zero hours of the week (a rise out of a
 * weekend and a drop into one); `undefined` otherwise.
 */
function gainEstimate(
  series: Series,
  profile: readonly number[],
  parts: { level: number[]; swing: number[] },
): { level?: Slope; swing?: Slope } | undefined {
  const perSlot: Map<number, number[]>[] = Array.from({ length: WEEK_SLOTS }, () => new Map());
  addSeries(series, perSlot);
  // Per week and day of the week: the hours' changes (one sample per hour, the median of its points).
  const days = new Map<string, { week: number; day: number; hours: { slot: number; y: number }[] }>();
  const covered = new Map<number, number>();
  let active = 0;
  for (let s = 0; s < WEEK_SLOTS; s++) {
    if (profile[s] !== 0) active++;
    for (const [week, samples] of perSlot[s]) {
      if (profile[s] !== 0) covered.set(week, (covered.get(week) ?? 0) + 1);
      const key = `${week}:${Math.floor(s / 24)}`;
      let d = days.get(key);
      if (!d) days.set(key, d = { week, day: Math.floor(s / 24), hours: [] });
      for (const y of samples) d.hours.push({ slot: s, y });
    }
  }
  const full = [...covered.values()].filter((n) => n >= 0.9 * active).length;
  if (active === 0 || full < 2) return undefined;
  const level: { x: number; y: number; week: number }[] = [], swing: typeof level = [];
  for (const { week, day, hours } of days.values()) {
    if (hours.length * 2 < 24) continue;
    const ys = Float64Array.from(hours, (h) => h.y);
    const mid = medianOf(ys, ys.length);
    level.push({ x: parts.level[24 * day], y: mid, week });
    for (const h of hours) swing.push({ x: parts.swing[h.slot], y: h.y - mid, week });
  }
  return { level: slopeOf(level), swing: slopeOf(swing) };
}

/** Whether a slope is one to pool: both its gain and its standard error finite. */
function usable(e: Slope | undefined): e is Slope {
  return e !== undefined && Number.isFinite(e.se) && Number.isFinite(e.gain);
}

/** σ read robustly: 1.4826 × the median absolute deviation of `a` from its median (reorders `a`). */
function madSigma(a: Float64Array): number {
  const centre = medianOf(a, a.length);
  return 1.4826 * medianOf(a.map((v) => Math.abs(v - centre)), a.length);
}

/** The weighted median of `x` (weights > 0): the smallest value whose cumulative weight reaches half. */
function weightedMedian(x: number[], w: number[]): number {
  const order = x.map((_, k) => k).sort((a, b) => x[a] - x[b]);
  const half = w.reduce((a, b) => a + b, 0) / 2;
  let acc = 0;
  for (const k of order) {
    acc += w[k];
    if (acc >= half) return x[k];
  }
  return x[order[order.length - 1]];
}

/**
 * Each series' own gains on the two parts of its family's weekly day-over-day profile ({@link weeklyDayChange}):
 * how far its level moves from one day to the next (a shard whose weekends drop to 60% where the family's drop
 * to 80% follows the profile's level about twice as far, one that barely dips nearly not at all) and how far its
 * daily shape does (a weekend's smaller swing). Each gain is read off the series' own history
 * ({@link gainEstimate}) and pooled towards the family's 1 by how sure it is (empirical Bayes: 1 + (ĝ − 1) · τ² /
 * (τ² + se²), τ² the spread of the true gains across the family, the variance of the estimates less their
 * median squared error), so a family whose series share one weekly rhythm keeps the profile as it is, and so does a
 * series with under two weeks of its own. Gains are within 0..4, rounded to 2 decimals; a series is returned
 * only where one of them is not 1.
 *
 * @param train The family's training series (as the detectors see them).
 * @param profile The family's profile, or `null` (none: no gains).
 * @returns `[level, swing]` gains per series key, where they are not both 1.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weeklyDayChange, weeklyGains } from "./weekly_day_change.ts";
 * // Hourly, 4 weeks; weekends at 0.5, 0.6, …, 0.9 of the weekday level (1970-01-05 was a Monday).
 * const start = 4 * 86_400_000;
 * const train = [0.5, 0.6, 0.7, 0.8, 0.9, 0.5, 0.6, 0.7, 0.8, 0.9].map((w, k) => ({
 *   key: `s${k}`, labels: {}, start, step: 3_600_000,
 *   values: new Float64Array(24 * 28).map((_, i) => (Math.floor(i / 24) % 7 >= 5 ? w : 1) * (1 + 0.01 * Math.sin(i * (k + 1)))),
 * }));
 * const gains = weeklyGains(train, weeklyDayChange(train));
 * assert.ok(gains.s0[0] > 1.5 && gains.s4[0] < 0.6); // the deepest weekend follows the profile's level most
 * ```
 */
export function weeklyGains(
  train: readonly Series[],
  profile: readonly number[] | null,
): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  if (!profile || !profile.some((p) => p !== 0)) return out;
  const parts = partsOf(profile);
  const estimates = train.map((s) => gainEstimate(s, profile, parts));
  const pooled = (which: "level" | "swing") => {
    const known = estimates.map((e) => e?.[which]).filter(usable);
    if (known.length < 2) return () => 1;
    // The spread of the true gains: the estimates' variance (robust: MAD) less their median squared error.
    const spread = madSigma(Float64Array.from(known, (e) => e.gain));
    const se2 = Float64Array.from(known, (e) => e.se * e.se);
    const tau2 = Math.max(0, spread * spread - medianOf(se2, se2.length));
    return (e: Slope | undefined) => {
      if (tau2 === 0 || !usable(e)) return 1;
      const pooled = 1 + ((e.gain - 1) * tau2) / (tau2 + e.se * e.se);
      return Math.round(Math.min(4, Math.max(0, pooled)) * 100) / 100;
    };
  };
  const level = pooled("level"), swing = pooled("swing");
  train.forEach((s, k) => {
    const e = estimates[k];
    if (!e) return;
    const gains: [number, number] = [level(e.level), swing(e.swing)];
    if (gains[0] !== 1 || gains[1] !== 1) out[s.key] = gains;
  });
  return out;
}

/**
 * Detector params with every weekly profile (`weekly`) carried at a series' own gains ({@link weeklyGains}):
 * its level part times the first, its swing part times the second. The same object where both are 1 or no
 * detector has a profile.
 */
export function withWeeklyGain<T extends Record<string, Record<string, unknown>>>(
  detectors: T,
  gains: readonly [number, number] | undefined,
): T {
  if (!gains || (gains[0] === 1 && gains[1] === 1)) return detectors;
  // Kept per params object and gains, so the series of the same gains share their profiles (and the derived
  // series keyed by them).
  let byGain = scaledCache.get(detectors);
  if (!byGain) scaledCache.set(detectors, byGain = new Map());
  const key = `${gains[0]},${gains[1]}`;
  const hit = byGain.get(key);
  if (hit) return hit as T;
  const out: Record<string, Record<string, unknown>> = {};
  let changed = false;
  for (const [name, params] of Object.entries(detectors)) {
    const weekly = params.weekly;
    if (Array.isArray(weekly)) {
      const { level, swing } = partsOf(weekly);
      out[name] = {
        ...params,
        weekly: weekly.map((_, s) => Math.round((gains[0] * level[s] + gains[1] * swing[s]) * 1e4) / 1e4),
      };
      changed = true;
    } else out[name] = params;
  }
  const result = changed ? out as T : detectors;
  byGain.set(key, result);
  return result;
}

const scaledCache = new WeakMap<object, Map<string, Record<string, Record<string, unknown>>>>();
