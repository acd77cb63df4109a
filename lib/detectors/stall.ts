import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { DAY, ewAlpha, HOUR, pointsIn, RobustScale, warmupPoints } from "../series/robust.ts";
import { logRatio } from "./_log_ratio.ts";
import { weeklyDayChange } from "../series/weekly_day_change.ts";

/** Params of {@link stall}. */
export interface StallParams extends Record<string, unknown> {
  /** Window over which the climb is measured, ms. */
  window: number;
  /** The family's day-over-day change by hour of the week (`weeklyDayChange`); absent or `null`: none. */
  weekly?: number[] | null;
}

/** Options of {@link stall}'s `fit`. */
export interface StallOptions {
  /** @default 4 hours */
  window?: number;
}

/**
 * Stall: an aggregator falling behind makes its lag ratio climb steadily. Fits a line to the hourly means of
 * the log ratio of value to seasonal expectation over the trailing window and scores its rise (slope × window,
 * in units of the series' running scale) times R² (how steady the climb is); only climbs count, never falls.
 * Hourly means make the score mean the same at 1-minute and 1-hour steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stall } from "./stall.ts";
 * const values = new Float64Array(24 * 20).map((_, i) => 1 + 0.3 * Math.sin((2 * Math.PI * i) / 24) + 0.05 * Math.sin(i * 7.3));
 * for (let k = 0; k < 8; k++) values[24 * 19 + k] *= 1 + k;
 * const s = stall.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, stall.fit([]));
 * assert.ok(s[24 * 19 + 6] > 5 * Math.max(s[24 * 19 - 2], 0.1));
 * ```
 */
export const stall: Detector<StallParams, StallOptions> = {
  name: "stall",
  description: "the value climbing steadily above its expectation (an aggregator falling behind)",
  fit(train, options = {}) {
    const { window = 4 * HOUR } = options;
    return { window, weekly: weeklyDayChange(train) };
  },
  score(series: Series, params) {
    const { step } = series;
    const rho = logRatio(series, params.weekly ?? null);
    const n = rho.length;
    // Work on hourly means so the statistic means the same at 1-minute and 1-hour steps: m[i] is the mean of
    // ρ over the hour ending at i, and the line is fitted to m at i, i − 1 h, ..., i − window.
    const k = Math.max(1, Math.round(HOUR / step));
    const hours = Math.max(2, Math.round(params.window / HOUR));
    const scale = new RobustScale(ewAlpha(pointsIn(3 * DAY, step)), warmupPoints(step));
    const hourly = new Float64Array(n).fill(NaN);
    const out = new Float64Array(n).fill(NaN);
    const every = Math.max(1, Math.floor(k / 6));
    let held = NaN;
    let sum = 0, count = 0;
    const xs = new Float64Array(hours + 1), ys = new Float64Array(hours + 1);
    // i % every, counted rather than divided.
    let phase = 0;
    for (let i = 0; i < n; i++) {
      const r = rho[i];
      if (r === r) {
        sum += r;
        count++;
      }
      if (i >= k) {
        const old = rho[i - k];
        if (old === old) {
          sum -= old;
          count--;
        }
      }
      if (count * 2 >= k) hourly[i] = sum / count;
      const s = scale.value;
      // The hourly line changes slowly: refit every `every` points (every point at hourly steps, every 10 min
      // at 1-minute steps) and hold the score in between — still causal, 10× cheaper at fine steps.
      const due = phase === 0;
      phase = phase + 1 === every ? 0 : phase + 1;
      if (r === r && s === s && !due && held === held) {
        out[i] = held;
      } else if (r === r && s === s) {
        let c = 0;
        for (let j = 0; j <= hours; j++) {
          const idx = i - (hours - j) * k;
          if (idx < 0) continue;
          const y = hourly[idx];
          if (y !== y) continue;
          xs[c] = j;
          ys[c] = y;
          c++;
        }
        if (c >= Math.ceil((2 * (hours + 1)) / 3)) {
          let st = 0, sy = 0;
          for (let j = 0; j < c; j++) {
            st += xs[j];
            sy += ys[j];
          }
          const mt = st / c, my = sy / c;
          let stt = 0, syy = 0, sty = 0;
          for (let j = 0; j < c; j++) {
            const a = xs[j] - mt, b = ys[j] - my;
            stt += a * a;
            syy += b * b;
            sty += a * b;
          }
          out[i] = stt > 0 && syy > 0 && sty > 0
            ? ((sty / stt) * hours / (s + 1e-12)) * ((sty * sty) / (stt * syy))
            : 0;
        }
        held = out[i];
      }
      if (r === r) scale.update(Math.abs(r));
    }
    return out;
  },
  explain(_raw, observed, expected, params) {
    return `climbing steadily above expectation over ${span(params.window)} (${num(observed)} vs ${
      num(expected)
    } expected)`;
  },
};
