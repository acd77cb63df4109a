import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num } from "./_explain.ts";
import { DAY, ewAlpha, HOUR, pointsIn, RobustScale, trailingMedian, warmupPoints } from "../series/robust.ts";
import { logRatio } from "./_log_ratio.ts";
import { weeklyDayChange } from "../series/weekly_day_change.ts";

/** Params of {@link levelShift}. */
export interface LevelShiftParams extends Record<string, unknown> {
  /** Allowance per point, in units of the running scale: deviations smaller than this do not accumulate. */
  drift: number;
  /** Each point adds at most this many scale units, so one spike cannot fake a shift. */
  clip: number;
  /** The family's day-over-day change by hour of the week (`weeklyDayChange`); absent or `null`: none. */
  weekly?: number[] | null;
}

/** Options of {@link levelShift}'s `fit`. */
export interface LevelShiftOptions {
  /** @default 2 */
  drift?: number;
  /** @default 6 */
  clip?: number;
}

/**
 * Level shift: a two-sided CUSUM (Page 1954) of the log ratio of value to seasonal expectation, in units of the
 * series' running scale of that ratio. Sustained deviations — a level ×3 for hours, a night that stays at the
 * daytime level — accumulate; noise below the drift allowance does not, and one spike adds at most `clip`.
 * The score is the larger of the upward and downward sums.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { levelShift } from "./level_shift.ts";
 * const values = new Float64Array(24 * 20).map((_, i) => (1 + 0.3 * Math.sin(i / 3.8)) * (1 + 0.05 * Math.sin(i * 7.3)));
 * for (let i = 24 * 18; i < values.length; i++) values[i] *= 4;
 * const s = levelShift.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, levelShift.fit([]));
 * assert.ok(s[24 * 18 + 6] > 5 * s[24 * 18 - 1]);
 * ```
 */
export const levelShift: Detector<LevelShiftParams, LevelShiftOptions> = {
  name: "level_shift",
  description: "sustained change of level vs the seasonal expectation (CUSUM)",
  fit(train, options = {}) {
    const { drift = 2, clip = 6 } = options;
    return { drift, clip, weekly: weeklyDayChange(train) };
  },
  score(series: Series, params) {
    const { step } = series;
    const ratio = logRatio(series, params.weekly ?? null);
    const n = ratio.length;
    // The level over the last hour, not single points: the median of ρ over the hour ending at i (at an hourly
    // step, ρ itself; below 5 minutes, the median of its 5-minute means), so a few outlying minutes do not feed
    // the sums, and the statistic means the same at any step.
    const k = Math.max(1, Math.round(HOUR / step));
    const rho = k === 1 ? ratio : hourlyLevel(ratio, k, Math.round(series.start / step));
    const { drift, clip } = params;
    const scale = new RobustScale(ewAlpha(pointsIn(3 * DAY, step)), warmupPoints(step));
    const out = new Float64Array(n).fill(NaN);
    // Increments are weighted by the step in hours (at most 1), so the sums measure "hours of sustained
    // deviation" the same way at 1-minute and 1-hour resolution.
    const weight = Math.min(1, step / HOUR);
    let up = 0, down = 0;
    for (let i = 0; i < n; i++) {
      const r = rho[i];
      const s = scale.value;
      if (r !== r || s !== s) {
        if (r === r) scale.update(Math.abs(r));
        continue;
      }
      const z = Math.max(-clip, Math.min(clip, r / (s + 1e-12)));
      up = Math.max(0, up + (z - drift) * weight);
      down = Math.max(0, down + (-z - drift) * weight);
      out[i] = Math.max(up, down);
      scale.update(Math.abs(r));
    }
    return out;
  },
  explain(_raw, observed, expected, params) {
    const level = expected > 0 && observed === observed ? `×${num(observed / expected)}` : "changed";
    return `level ${level} vs expected, sustained (CUSUM of the log ratio's hourly median, allowance ` +
      `${num(params.drift)} scale units an hour)`;
  },
};

/**
 * The level of `x` over the last `k` points (an hour): where k is a multiple of 12 above 12 (a step under 5
 * minutes), the median of the hour's twelve block means (blocks of k / 12 points, 5 minutes, aligned to the
 * clock by `offset`, the index of point 0 on the step's grid since the epoch; the block holding i counted with
 * its points so far, so the hour is 11 blocks and a part); otherwise the median of the points
 * ({@link hourlyMedian}). Means within 5 minutes, medians across them: at 1 minute as robust to a few outlying
 * minutes as the median of 60 points (a 2-minute spike moves one block of twelve), at a fraction of the cost,
 * and at 5 minutes the same statistic as at 1. `NaN` where x[i] is missing or fewer than k / 2 points of the
 * hour are valid.
 */
export function hourlyLevel(x: Float64Array, k: number, offset = 0): Float64Array {
  if (k <= 12 || k % 12 !== 0) return hourlyMedian(x, k);
  const b = k / 12, n = x.length;
  const out = new Float64Array(n).fill(NaN);
  // The last 11 complete blocks: their means and counts in a ring, their valid means sorted.
  const FULL = 11;
  const means = new Float64Array(FULL).fill(NaN), counts = new Int32Array(FULL);
  const sorted = new Float64Array(FULL);
  let size = 0, slot = 0, inRing = 0, sum = 0, count = 0;
  let pos = ((offset % b) + b) % b;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v === v) {
      sum += v;
      count++;
      if (2 * (inRing + count) >= k) {
        // The median of the sorted complete blocks with the current block's mean p in its place, with no
        // search for p's rank: the j-th of them is p clamped to [sorted[j − 1], sorted[j]].
        const p = sum / count, h = (size + 1) >> 1;
        if (size % 2 === 0) {
          // An odd count: the h-th alone.
          out[i] = h > 0 && p < sorted[h - 1] ? sorted[h - 1] : h < size && p > sorted[h] ? sorted[h] : p;
        } else {
          // An even count: the (h − 1)-th and the h-th, which share sorted[h − 1].
          const mid = sorted[h - 1];
          const other = p < mid
            ? (h >= 2 && p < sorted[h - 2] ? sorted[h - 2] : p)
            : (h < size && p > sorted[h] ? sorted[h] : p);
          out[i] = (mid + other) / 2;
        }
      }
    }
    if (++pos === b) {
      // The block is complete: it replaces the oldest in the ring.
      const old = means[slot];
      if (old === old) {
        let h = 0;
        while (sorted[h] !== old) h++;
        for (; h + 1 < size; h++) sorted[h] = sorted[h + 1];
        size--;
      }
      inRing -= counts[slot];
      const m = count ? sum / count : NaN;
      means[slot] = m;
      counts[slot] = count;
      inRing += count;
      if (m === m) {
        let h = size++;
        while (h > 0 && sorted[h - 1] > m) {
          sorted[h] = sorted[h - 1];
          h--;
        }
        sorted[h] = m;
      }
      slot = slot + 1 === FULL ? 0 : slot + 1;
      sum = count = pos = 0;
    }
  }
  return out;
}

/**
 * The median of the valid values among the last `k` (i − k + 1 … i), `NaN` where x[i] is missing or fewer than
 * k / 2 are valid.
 */
export function hourlyMedian(x: Float64Array, k: number): Float64Array {
  const out = trailingMedian(x, k, Math.ceil(k / 2));
  for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) out[i] = NaN;
  return out;
}
