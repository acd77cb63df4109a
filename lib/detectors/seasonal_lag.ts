import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { lagList, num } from "./_explain.ts";
import { DAY, ewAlpha, pointsIn, RobustLevel, RobustScale } from "../series/robust.ts";
import { seasonalExpectation } from "../series/seasonal_expectation.ts";

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
}

/**
 * Seasonal lag: how far a value is from the same time 1, 7 and 14 days earlier (their median, robust to one
 * bad day), relative to the expected value and in units of the series' own running scale of such deviations.
 * Scale-free, so shards of different sizes share one calibration.
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
    "value vs the same time 1/2/3/7 days earlier (median), in units of the series' usual deviation",
  fit(_train, options = {}) {
    const { lags = [DAY, 7 * DAY, 14 * DAY], scaleHalfLife = 3 * DAY, floor = 0.1, minLags = 1 } = options;
    return { lags, scaleHalfLife, floor, minLags };
  },
  score(series: Series, params) {
    const { values, step } = series;
    const n = values.length;
    const e = seasonalExpectation(series, { lags: params.lags, minLags: params.minLags ?? 1 });
    const out = new Float64Array(n).fill(NaN);
    const hl = pointsIn(params.scaleHalfLife, step);
    const level = new RobustLevel(ewAlpha(hl), pointsIn(DAY, step));
    const scale = new RobustScale(ewAlpha(hl), pointsIn(DAY, step));
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x !== x) continue;
      const ex = e[i];
      const lv = level.value;
      if (ex === ex && lv === lv) {
        const d = (x - ex) / (Math.abs(ex) + params.floor * lv + 1e-12);
        const s = scale.value;
        if (s === s) out[i] = Math.abs(d) / (s + 1e-12);
        scale.update(Math.abs(d));
      }
      level.update(x);
    }
    return out;
  },
  explain(_raw, observed, expected, params) {
    return `${num(observed)} vs ${num(expected)} expected (median of the same time ${
      lagList(params.lags)
    } earlier)`;
  },
};
