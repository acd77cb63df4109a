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
    // step, ρ itself), so one or two outlying minutes do not feed the sums, and the statistic means the same at
    // any step.
    const k = Math.max(1, Math.round(HOUR / step));
    const rho = k === 1 ? ratio : hourlyMedian(ratio, k);
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
 * The median of the valid values among the last `k` (i − k + 1 … i), `NaN` where x[i] is missing or fewer than
 * k / 2 are valid.
 */
export function hourlyMedian(x: Float64Array, k: number): Float64Array {
  const out = trailingMedian(x, k, Math.ceil(k / 2));
  for (let i = 0; i < x.length; i++) if (x[i] !== x[i]) out[i] = NaN;
  return out;
}
