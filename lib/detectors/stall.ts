import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { DAY, ewAlpha, HOUR, pointsIn, RobustScale } from "./_common.ts";
import { logRatio } from "./_log_ratio.ts";

/** Params of {@link stall}. */
export interface StallParams extends Record<string, unknown> {
  /** Window over which the climb is measured, ms. */
  window: number;
}

/** Options of {@link stall}'s `fit`. */
export interface StallOptions {
  /** @default 4 hours */
  window?: number;
}

/**
 * Stall: an aggregator falling behind makes its lag ratio climb steadily. Over the trailing window, fits a line
 * to the log ratio of value to seasonal expectation and scores its rise (slope × window, in units of the
 * series' running scale) times R² (how steady the climb is); only climbs count, never falls.
 *
 * @example
 * ```ts
 * import { stall } from "./stall.ts";
 * const values = new Float64Array(24 * 12).map((_, i) => 1 + 0.3 * Math.sin((2 * Math.PI * i) / 24) + 0.05 * Math.sin(i * 7.3));
 * for (let k = 0; k < 8; k++) values[24 * 11 + k] *= 1 + k;
 * const s = stall.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, stall.fit([]));
 * console.assert(s[24 * 11 + 6] > 5 * Math.max(s[24 * 11 - 2], 0.1));
 * ```
 */
export const stall: Detector<StallParams, StallOptions> = {
  name: "stall",
  description: "the value climbing steadily above its expectation (an aggregator falling behind)",
  fit(_train, options = {}) {
    const { window = 4 * HOUR } = options;
    return { window };
  },
  score(series: Series, params) {
    const { step } = series;
    const rho = logRatio(series);
    const n = rho.length;
    const w = Math.max(3, pointsIn(params.window, step) + 1);
    const scale = new RobustScale(ewAlpha(pointsIn(3 * DAY, step)), pointsIn(DAY, step));
    const out = new Float64Array(n).fill(NaN);
    // Sliding sums over the window with t measured from `base`; rebased every w points for precision.
    let base = 0, c = 0, st = 0, stt = 0, sy = 0, syy = 0, sty = 0;
    const add = (j: number, sign: number) => {
      const y = rho[j];
      if (y !== y) return;
      const t = j - base;
      c += sign;
      st += sign * t;
      stt += sign * t * t;
      sy += sign * y;
      syy += sign * y * y;
      sty += sign * t * y;
    };
    for (let i = 0; i < n; i++) {
      if (i - base >= 4 * w) {
        // Rebase: the window (i-w, i) from scratch, with small t.
        base = i - w + 1;
        c =
          st =
          stt =
          sy =
          syy =
          sty =
            0;
        for (let j = Math.max(0, i - w + 1); j < i; j++) add(j, 1);
      } else if (i >= w) {
        add(i - w, -1);
      }
      add(i, 1);
      const r = rho[i];
      const s = scale.value;
      if (r === r && s === s && c >= Math.ceil((2 * w) / 3)) {
        const dt = c * stt - st * st;
        const dy = c * syy - sy * sy;
        const cov = c * sty - st * sy;
        if (dt > 0 && cov > 0 && dy > 0) {
          const slope = cov / dt;
          const r2 = (cov * cov) / (dt * dy);
          out[i] = ((slope * (w - 1)) / (s + 1e-12)) * r2;
        } else {
          out[i] = 0;
        }
      }
      if (r === r) scale.update(Math.abs(r));
    }
    return out;
  },
};
