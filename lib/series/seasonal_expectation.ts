import type { Series } from "./types.ts";
import { DAY, HOUR, smallMedian, weekSlot } from "./robust.ts";
import { derivedOf } from "./derived.ts";
import { profileId } from "./profile_id.ts";

/**
 * Days until the longest of the default lags (14 days) exists: before it, a series' expectation is the days just
 * before (1, 2 and 3 days back), carried over the family's weekly rhythm where that is known.
 */
export const CARRIED_DAYS = 14;

/** Options for {@link seasonalExpectation}. */
export interface SeasonalExpectationOptions {
  /** Lags in ms whose values are compared. @default [1 d, 7 d, 14 d] */
  lags?: number[];
  /** Fewest lagged values needed for an expectation (1: from the second day, the 1 d lag alone). @default 1 */
  minLags?: number;
  /** Before the longest lag exists, the median of 1, 2 and 3 shortest lags back (as many as exist) is the
   * expectation; `false`: no expectation until then.
   * @default true */
  early?: boolean;
  /**
   * The family's day-over-day change by hour of the week (`weeklyDayChange`): a value k days back (k not a
   * multiple of 7) is carried forward by the changes of the k days between, so a Friday stands in for a Saturday
   * at the level a Saturday has. `null`: values are compared as they are.
   * @default null
   */
  dayChange?: readonly number[] | null;
}

/**
 * The seasonal expectation of each point: the median of the values at the same time 1, 7 and 14 days earlier.
 * The median makes it robust to one bad day (an incident yesterday does not become today's normal), and the
 * weekly lags keep a Monday from being compared with a Sunday only. Until the longest lag exists (two weeks),
 * the days just before stand in: the median of the values 1, 2 and 3 days earlier, as many as exist (the 1 d
 * lag alone on the second day), as robust to one bad day.
 * Causal: `e[i]` uses only earlier points. `NaN` where fewer than `minLags` lagged values exist. The result is
 * kept with the values array's derived series (`derivedOf`; treat it as read-only).
 *
 * @param series The series.
 * @param options See {@link SeasonalExpectationOptions}.
 * @returns One expectation per point.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seasonalExpectation } from "./seasonal_expectation.ts";
 * const values = new Float64Array(24 * 9).map((_, i) => i % 24);
 * const e = seasonalExpectation({ key: "k", labels: {}, start: 0, step: 3_600_000, values });
 * assert.ok(Number.isNaN(e[20]) && e[30] === 6 && e[24 * 7 + 5] === 5);
 * ```
 */
export function seasonalExpectation(series: Series, options: SeasonalExpectationOptions = {}): Float64Array {
  const { lags = [DAY, 7 * DAY, CARRIED_DAYS * DAY], minLags = 1, early: useEarly = true, dayChange = null } =
    options;
  const { values, step, start } = series;
  // Several detectors need the same expectation of the same series: cache it per values array.
  const cacheKey = keyOf(series, lags, minLags, useEarly, dayChange);
  const derived = derivedOf(values);
  const hit = derived.get(cacheKey) as Float64Array | undefined;
  if (hit) return hit;
  const n = values.length;
  if (!useEarly || minLags > 1) {
    // The same medians as with the early lags and one lagged value, where this asks for no early lags (NaN before
    // the longest lag) or for more lagged values (NaN where fewer exist): derived, not computed again.
    const base = seasonalExpectation(series, { lags, minLags: 1, early: true, dayChange });
    // Stored with it (and cleared with it: detect clears a series' derived entries together).
    const counts = derived.get(`${keyOf(series, lags, 1, true, dayChange)}|n`) as Uint8Array;
    const out = base.slice();
    if (!useEarly) {
      const longest = Math.max(0, ...lags.map((l) => Math.round(l / step)).filter((l) => l >= 1));
      out.fill(NaN, 0, Math.min(n, longest));
    }
    if (minLags > 1) { for (let i = 0; i < n; i++) if (counts[i] < minLags) out[i] = NaN; }
    derived.set(cacheKey, out);
    return out;
  }
  const lagPts = lags.map((l) => Math.round(l / step)).filter((l) => l >= 1);
  const out = new Float64Array(n).fill(NaN);
  const counts = new Uint8Array(n);
  const buf = new Float64Array(Math.max(8, lagPts.length));
  const shortest = Math.min(...lagPts), longest = Math.max(...lagPts);
  // Until the longest lag exists, the days just before stand in: 1, 2 and 3 shortest lags back (their median is
  // robust to one bad day as the weekly lags are), as many of them as exist.
  const early = useEarly ? [shortest, 2 * shortest, 3 * shortest].filter((l) => l < longest) : [];
  if (useEarly && early.length === 0) early.push(shortest);
  // Per lag in points: how many whole days back it reaches when the weekly profile applies to it (0: as is).
  const perDay = step > 0 && DAY % step === 0 ? DAY / step : 0;
  const carries = perDay > 0 && dayChange !== null && dayChange.some((d) => d !== 0);
  const daysBack = (l: number) => (carries && l % perDay === 0 && (l / perDay) % 7 !== 0 ? l / perDay : 0);
  const earlyDays = early.map(daysBack), lagDays = lagPts.map(daysBack);
  const maxDays = Math.max(0, ...earlyDays, ...lagDays);
  // carry[k] = the factor of the day-over-day changes from k days back to now at the current point's slot.
  const carry = new Float64Array(maxDays + 1).fill(1);
  // The point where the hour changes next (start and step are whole ms: exact), so the carries are recomputed
  // once an hour without a division per point.
  let nextHour = 0;
  const three = lagPts.length === 3;
  const [k0, k1, k2] = lagDays;
  for (let i = 0; i < n; i++) {
    let m = 0;
    // The longer lags join together once the longest exists (the weekly lags at two weeks): a median of 1 d
    // and 7 d alone is the mean of two days, neither robust to a bad day nor the weekly profile.
    const later = i >= longest;
    const use = later ? lagPts : early;
    if (maxDays > 0 && i >= nextHour) {
      const t = start + i * step;
      const hour = Math.floor(t / HOUR);
      nextHour = Math.max(i + 1, Math.ceil(((hour + 1) * HOUR - start) / step));
      for (let k = 1; k <= maxDays; k++) {
        carry[k] = carry[k - 1] * Math.exp(dayChange![weekSlot(t - (k - 1) * DAY)]);
      }
    }
    if (later && three) {
      // Three lags (the default), all there: the rest of the hour (the carries hold for it) in one tight loop.
      const stop = maxDays > 0 ? Math.min(n, nextHour) : n;
      threeLags(
        values,
        out,
        counts,
        i,
        stop,
        lagPts,
        k0 ? carry[k0] : 1,
        k1 ? carry[k1] : 1,
        k2 ? carry[k2] : 1,
        buf,
      );
      i = stop - 1;
      continue;
    }
    for (let j = 0; j < use.length; j++) {
      const idx = i - use[j];
      if (idx < 0) continue;
      const v = values[idx];
      if (v !== v) continue;
      const k = later ? lagDays[j] : earlyDays[j];
      buf[m++] = k ? v * carry[k] : v;
    }
    counts[i] = m;
    if (m === 3) out[i] = middleOf(buf[0], buf[1], buf[2], buf);
    else if (m === 1) out[i] = buf[0];
    else if (m >= 1) out[i] = smallMedian(buf, m);
  }
  derived.set(cacheKey, out);
  derived.set(`${cacheKey}|n`, counts);
  return out;
}

/**
 * The expectation from three lags for points `from..stop`, each lagged value times its factor (the carries,
 * 1 where none): the median of the three ({@link middleOf}); where some are missing, the median of those
 * there. `buf` is scratch space of at least three.
 */
function threeLags(
  values: Float64Array,
  out: Float64Array,
  counts: Uint8Array,
  from: number,
  stop: number,
  lags: number[],
  f0: number,
  f1: number,
  f2: number,
  buf: Float64Array,
): void {
  const l0 = lags[0], l1 = lags[1], l2 = lags[2];
  for (let i = from; i < stop; i++) {
    const a = values[i - l0] * f0, b = values[i - l1] * f1, c = values[i - l2] * f2;
    if (a === a && b === b && c === c) {
      counts[i] = 3;
      out[i] = middleOf(a, b, c, buf);
      continue;
    }
    let m = 0;
    if (a === a) buf[m++] = a;
    if (b === b) buf[m++] = b;
    if (c === c) buf[m++] = c;
    counts[i] = m;
    if (m === 1) out[i] = buf[0];
    else if (m === 2) out[i] = smallMedian(buf, 2);
  }
}

/**
 * The middle one of three values (none NaN), chosen by index rather than by branches: which lag is the middle
 * one is a coin toss at every point, and a mispredicted branch cost more than the rest of the loop. `buf` is
 * scratch space of at least three (overwritten).
 */
function middleOf(a: number, b: number, c: number, buf: Float64Array): number {
  const swap = +(b < a);
  buf[0] = a;
  buf[1] = b;
  const lo = buf[swap], hi = buf[1 - swap];
  buf[0] = c;
  buf[1] = lo;
  buf[2] = hi;
  return buf[+(c < lo) + 2 * +(c > hi)];
}

/** The derived-series key of one expectation of one series. */
function keyOf(
  series: Series,
  lags: number[],
  minLags: number,
  early: boolean,
  dayChange: readonly number[] | null,
): string {
  return `seasonalExpectation|${series.step}|${series.start}|${minLags}|${early}|${lags.join(",")}|${
    profileId(dayChange)
  }`;
}
