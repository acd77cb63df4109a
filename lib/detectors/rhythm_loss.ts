import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { DAY, pointsIn } from "../series/robust.ts";
import { seasonalExpectation } from "../series/seasonal_expectation.ts";

/** Params of {@link rhythmLoss}. */
export interface RhythmLossParams extends Record<string, unknown> {
  /** Trailing window over which the shape is compared, ms. */
  window: number;
}

/** Options of {@link rhythmLoss}'s `fit`. */
export interface RhythmLossOptions {
  /** @default 1 day */
  window?: number;
}

/**
 * Loss of the daily rhythm: over the trailing day, regresses the values on their seasonal expectation; the
 * slope is ≈ 1 while the rhythm holds and ≈ 0 when the series goes flat or out of phase. The score is the
 * t-statistic of (1 − slope): scale-free, and low for series that never had a rhythm to lose.
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
  fit(_train, options = {}) {
    const { window = DAY } = options;
    return { window };
  },
  score(series: Series, params) {
    const { values, step } = series;
    const n = values.length;
    const e = seasonalExpectation(series);
    const w = pointsIn(params.window, step);
    const out = new Float64Array(n).fill(NaN);
    // Sliding sums of x, e, x², e², xe over pairs where both exist; shifted by a reference to limit
    // cancellation, and recomputed from scratch every 4w points to stop drift.
    let c = 0, sx = 0, se = 0, sxx = 0, see = 0, sxe = 0, ref = NaN, since = 0;
    const add = (j: number, sign: number) => {
      const x = values[j], y = e[j];
      if (x !== x || y !== y) return;
      if (ref !== ref) ref = y;
      const a = x - ref, b = y - ref;
      c += sign;
      sx += sign * a;
      se += sign * b;
      sxx += sign * a * a;
      see += sign * b * b;
      sxe += sign * a * b;
    };
    for (let i = 0; i < n; i++) {
      if (++since >= 4 * w) {
        since = 0;
        c =
          sx =
          se =
          sxx =
          see =
          sxe =
            0;
        ref = NaN;
        for (let j = Math.max(0, i - w + 1); j < i; j++) add(j, 1);
      } else if (i >= w) {
        add(i - w, -1);
      }
      add(i, 1);
      if (values[i] !== values[i] || c < Math.ceil((3 * w) / 4)) continue;
      const vx = c * sxx - sx * sx, ve = c * see - se * se, cov = c * sxe - sx * se;
      if (!(ve > 0) || c < 4) {
        out[i] = 0;
        continue;
      }
      // Regression of the values on their expectation: the slope is ≈ 1 while the rhythm holds and ≈ 0 when
      // it is gone. The score is the t-statistic of (1 − slope), so it is scale-free and accounts for noise.
      const slope = cov / ve;
      const ssr = Math.max(0, (vx - slope * cov) / c);
      const stderr = Math.sqrt(ssr / (c - 2) / (ve / c));
      out[i] = stderr > 0 ? Math.max(0, (1 - slope) / stderr) : 0;
    }
    return out;
  },
  explain(raw, _observed, _expected, params) {
    return `the daily rhythm is gone over the last ${span(params.window)} (shape score ${num(raw)})`;
  },
};
