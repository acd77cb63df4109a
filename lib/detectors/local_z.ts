import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { judgeDeviation, OneSidedRun } from "./_one_sided_run.ts";
import { weeklyDayChange } from "../series/weekly_day_change.ts";
import {
  DAY,
  ewAlpha,
  HOUR,
  medianOf,
  pointsIn,
  RobustLevel,
  RobustScale,
  trailingMedian,
  warmupPoints,
  WEEK_SLOTS,
  weekSlot,
} from "../series/robust.ts";

/** Params of {@link localZ}. */
export interface LocalZParams extends Record<string, unknown> {
  /** The trailing window whose median is the recent level, ms. */
  window: number;
  /** Longest span of a run of points on one side judged together, ms. */
  run: number;
  /** Half-life of the running scale of log deviations, ms. */
  scaleHalfLife: number;
  /**
   * The family's day-over-day change by hour of the week ({@link weeklyDayChange}), over which the earlier days'
   * change is carried; absent or `null`: none.
   */
  weekly?: number[] | null;
}

/** Options of {@link localZ}'s `fit`. */
export interface LocalZOptions {
  /** @default 2 hours */
  window?: number;
  /** @default 30 minutes */
  run?: number;
  /** @default 3 days */
  scaleHalfLife?: number;
}

/**
 * Fewest points the trailing window must hold for a median to stand for the recent level: at coarser steps (a
 * 2-hour window at 1 hour holds 2) the detector says nothing, and train leaves it out.
 */
export const LOCAL_MIN_POINTS = 8;

/** Below this step, points are read in blocks of this length (their means), ms. */
const BLOCK = 5 * 60_000;

/** How far either side of the same time on an earlier day its level is read from (a median), ms. */
const SMOOTH = 15 * 60_000;

/**
 * Local z: how far a value is from the recent level — the median of the trailing 2 hours, excluding the point —
 * as a log ratio, less the change the same time on earlier days made from theirs (the median over the days a
 * seasonal expectation uses: 1, 2 and 3 days back for two weeks, then 1, 7 and 14; each day's level there the
 * median of the 15 minutes either side, since one point at a fine step is as noisy as the point judged), in
 * units of the series' own running scale of such deviations; alone and with the run it ends (up to 30 minutes
 * of points each at least one unit out on the same side, scored together as |Σ z| / √count, Stouffer's, as
 * `seasonal_lag` judges its runs). It needs no rhythm and, on a series' first day, no history: where the same
 * time yesterday is too noisy to be an expectation (one point at a 1-minute step) or does not exist yet, a spike
 * of ×3 for half an hour is about four noise units in each point at twice `data/`'s noise, as far as a quiet
 * day's own noise reaches in one point, and some twenty as a run. The earlier days' change keeps what happens at
 * that time every day or week (a morning's climb, a weekend's drop at midnight, a per-day aggregate's reset)
 * from being judged a sudden change. The window is twice the longest incident that counts as short (an hour),
 * so its median stays at the level before a spike while the spike lasts. The log ratio (with 10 % of the
 * series' running level added to both sides, so values at or near 0 do not explode) makes the unit the same for
 * a shard at 0.002 and one at 0.05, and the same at night as by day for noise that scales with the value. At
 * steps where the window holds fewer than {@link LOCAL_MIN_POINTS} points (over 15 minutes) it says nothing;
 * `robust_z` and `seasonal_lag` judge single points there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localZ } from "./local_z.ts";
 * // Two days at 1 minute (its scale is first read over a whole day), 20 minutes at ×3 on the second.
 * const values = new Float64Array(2880).map((_, i) => 1 + 0.1 * Math.sin(i * 1.7) + 0.05 * Math.cos(i * 0.3));
 * for (let i = 2500; i < 2520; i++) values[i] *= 3;
 * const s = localZ.score({ key: "k", labels: {}, start: 0, step: 60_000, values }, localZ.fit([]));
 * // One point ×3 is many usual deviations out, and its run more; the point after it ends the run.
 * assert.ok(s[2500] > 10 && s[2519] > 3 * s[2500] && s[2520] < 3 && s[2400] < 3);
 * ```
 */
export const localZ: Detector<LocalZParams, LocalZOptions> = {
  name: "local_z",
  description:
    "log ratio to the trailing 2 h median less the same time's on earlier days, alone and with its run on one side (up to 30 min), in units of the series' usual deviation",
  fit(_train, options = {}) {
    const { window = 2 * HOUR, run = 30 * 60_000, scaleHalfLife = 3 * DAY } = options;
    return { window, run, scaleHalfLife, weekly: weeklyDayChange(_train) };
  },
  score(series: Series, params) {
    return judge(series, params).raw;
  },
  explain(raw, observed, _expected, params, { step, values, index }) {
    const runText = `alone or with its run on one side, up to ${span(params.run)}`;
    if (!values || index === undefined || observed !== observed) {
      return `${num(raw)} usual deviations from the trailing ${span(params.window)} median (${runText})`;
    }
    const w = pointsIn(params.window, step);
    const before: number[] = [];
    for (let j = Math.max(0, index - w); j < index; j++) if (values[j] === values[j]) before.push(values[j]);
    const m = medianOf(Float64Array.from(before), before.length);
    return `${num(observed)} vs ${num(m)}, the trailing ${span(params.window)} median: ${
      num(raw)
    } usual deviations (${runText})`;
  },
};

/** Whether local_z scores at `step`: its trailing window holds at least {@link LOCAL_MIN_POINTS} points there. */
export function localZScoresAt(params: Pick<LocalZParams, "window">, step: number): boolean {
  return Math.round(params.window / step) >= LOCAL_MIN_POINTS;
}

/** local_z's one pass. */
function judge(series: Series, params: LocalZParams): { raw: Float64Array } {
  const { values, step } = series;
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (!localZScoresAt(params, step)) return { raw: out };
  // Below 5 minutes the points are taken in 5-minute blocks (their means): the recent level is the median of the
  // blocks of the last 2 hours before the point's own (at least half of them there), a median of 24 at 1 minute
  // as at 5, refreshed once a block rather than every point.
  const B = Math.max(1, Math.floor(BLOCK / step));
  const nb = Math.ceil(n / B);
  const means = new Float64Array(nb);
  for (let q = 0; q < nb; q++) {
    let sum = 0, count = 0;
    for (let i = q * B; i < Math.min(n, (q + 1) * B); i++) {
      if (values[i] === values[i]) sum += values[i], count++;
    }
    means[q] = count ? sum / count : NaN;
  }
  const W = Math.max(1, Math.round(params.window / (B * step)));
  const trailing = trailingMedian(means, W, Math.ceil(W / 2));
  // The same time on earlier days: the median of the blocks 15 minutes either side of it (one point at a fine
  // step is as noisy as the point judged), as a change from the level before it.
  const hb = Math.max(1, Math.round(SMOOTH / (B * step)));
  const centred = trailingMedian(means, 2 * hb + 1, hb + 1);
  // change[q]: block q's centred median as a log ratio to the level before it, with the floor c of its own
  // start; written once block q + hb is complete.
  const change = new Float64Array(nb).fill(NaN);
  const floorAt = new Float64Array(nb).fill(NaN);
  const perDay = DAY % step === 0 ? DAY / step : 0;
  const earlyDays = [1, 2, 3], laterDays = [1, 0, 0];
  const early = earlyDays.map((k) => k * perDay), later = [1, 7, 14].map((k) => k * perDay);
  const lagged = new Float64Array(3);
  // Carried over the family's weekly rhythm as the seasonal expectation carries its lags (1, 2 and 3 days back
  // early, 1 day later; 7 and 14 are the same weekday): the change k days back plus how much more the days
  // between changed at the point's hour of the week than at its window's (an hour earlier, the middle of the
  // trailing 2 hours), so a first Saturday's drop at midnight is carried from the Friday before.
  // carried[k][slot] = the sum of the day-over-day changes at slot, slot − 24 h, … (k of them).
  const weekly = params.weekly && params.weekly.length === WEEK_SLOTS && params.weekly.some((d) => d !== 0)
    ? params.weekly
    : null;
  const carried = weekly
    ? [0, 1, 2, 3].map((k) =>
      Float64Array.from({ length: WEEK_SLOTS }, (_, slot) => {
        let sum = 0;
        for (let m = 0; m < k; m++) sum += weekly[(((slot - 24 * m) % WEEK_SLOTS) + WEEK_SLOTS) % WEEK_SLOTS];
        return sum;
      })
    )
    : null;
  const shift = new Float64Array(3);
  let nextHour = 0, wasLater = false;
  const level = new RobustLevel(ewAlpha(pointsIn(3 * DAY, step)), warmupPoints(step));
  // Its first estimate from a whole day (as seasonal_lag's): a night's deviations are not a day's.
  const scale = new RobustScale(ewAlpha(pointsIn(params.scaleHalfLife, step)), pointsIn(DAY, step));
  const run = new OneSidedRun(Math.max(1, Math.round(params.run / step)));
  // The expected change, recomputed where a lag's block or the carries change (once a block at most).
  let expected = 0, lastBlock = -1, lastLag = -1;
  const aligned = perDay % B === 0;
  for (let i = 1; i < n; i++) {
    const blk = Math.floor(i / B);
    if (blk !== lastBlock) {
      lastBlock = blk;
      const lv0 = level.value;
      floorAt[blk] = 0.1 * lv0 + 1e-12;
      const q = blk - 1 - hb;
      if (q >= 1) {
        const a = centred[q + hb], m0 = trailing[q - 1], c0 = floorAt[q];
        if (a === a && m0 === m0 && c0 === c0) {
          change[q] = Math.log((Math.max(a, 0) + c0) / (Math.max(m0, 0) + c0));
        }
      }
    }
    const x = values[i], m = blk >= 1 ? trailing[blk - 1] : NaN, lv = level.value;
    if (x === x && m === m && lv === lv) {
      const c = 0.1 * lv + 1e-12;
      if (perDay > 0) {
        const isLater = i >= later[2];
        const lags = isLater ? later : early;
        // Every lag is whole days: where a day is whole blocks, their blocks move together.
        let moved = !aligned || Math.floor((i - lags[0]) / B) !== lastLag || isLater !== wasLater;
        if (carried && (i >= nextHour || isLater !== wasLater)) {
          // Once an hour (start and step are whole ms): the carries at this hour of the week and at the window's.
          const t = series.start + i * step;
          const hour = Math.floor(t / HOUR);
          nextHour = Math.max(i + 1, Math.ceil(((hour + 1) * HOUR - series.start) / step));
          const now = weekSlot(t), before = weekSlot(t - HOUR);
          for (let j = 0; j < 3; j++) {
            const k = (isLater ? laterDays : earlyDays)[j];
            shift[j] = carried[k][now] - carried[k][before];
          }
          moved = true;
        }
        if (moved) {
          wasLater = isLater;
          lastLag = Math.floor((i - lags[0]) / B);
          // The median of three: the days that exist, and no change for those that do not (so one bad day of
          // two does not become today's expectation, and a single day is not yet one).
          let k = 0;
          for (let j = 0; j < 3; j++) {
            const at = i - lags[j];
            if (at < 0) break;
            const v = change[Math.floor(at / B)];
            if (v === v) lagged[k++] = v + (carried ? shift[j] : 0);
          }
          if (k === 0) expected = 0;
          else {
            while (k < 3) lagged[k++] = 0;
            const p0 = lagged[0], p1 = lagged[1], p2 = lagged[2];
            expected = Math.max(Math.min(p0, p1), Math.min(Math.max(p0, p1), p2));
          }
        }
      }
      const d = Math.log((Math.max(x, 0) + c) / (Math.max(m, 0) + c)) - expected;
      out[i] = judgeDeviation(d, scale, run);
    }
    if (x === x) level.update(x);
  }
  return { raw: out };
}
