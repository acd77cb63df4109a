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
    const pooled = Float64Array.from(all);
    const centre = medianOf(pooled.slice(), pooled.length);
    const spread = 1.4826 * medianOf(pooled.map((v) => Math.abs(v - centre)), pooled.length);
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
