import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { ewAlpha, HOUR } from "../series/robust.ts";

/** Params of {@link flatline}. */
export interface FlatlineParams extends Record<string, unknown> {
  /** Two values are "the same" when they differ by at most this fraction of their size. */
  tolerance: number;
}

/** Options of {@link flatline}'s `fit`. */
export interface FlatlineOptions {
  /** @default 1e-9 */
  tolerance?: number;
}

/**
 * Flatline: how long (in hours) the value has been stuck at one exact value — a gauge that stopped updating.
 * Missing points neither break nor extend a run. A changing value scores 0.
 *
 * A repeat is evidence of a stuck gauge only as far as the series would have moved: each repeat counts in full
 * where the series repeats its value at most half the time at that hour of the day (UTC), and by the odds
 * against it where it repeats more often, −log₂ r of a step at a repeat rate r (a quarter of a step at r 0.84,
 * none at r 1). r is a running rate per hour of the day (half-life 3 days), from the points before. Values
 * recorded in full never repeat by chance, and count as they always did; a quiet shard exported as a
 * one-decimal percentage sits on 0.1 % for hours every night, and its nights count for little, while the same
 * run at an hour the series moves counts in full.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatline } from "./flatline.ts";
 * const values = new Float64Array([1, 2, 3, 3, 3, 3, 4]);
 * const s = flatline.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, flatline.fit([]));
 * assert.ok(s[5] === 3 && s[6] === 0);
 * ```
 */
export const flatline: Detector<FlatlineParams, FlatlineOptions> = {
  name: "flatline",
  description: "hours the value has been stuck at one exact value (less at hours the series often repeats)",
  fit(_train, options = {}) {
    const { tolerance = 1e-9 } = options;
    return { tolerance };
  },
  score(series: Series, params) {
    const { values, step, start } = series;
    const n = values.length;
    const out = new Float64Array(n).fill(NaN);
    const tol = params.tolerance;
    // The repeat rate per hour of the day, each hour's own points updating it (half-life 3 days of them).
    const rate = new Float64Array(24);
    const alpha = ewAlpha(3 * Math.max(1, Math.round(HOUR / step)));
    const hours = step / HOUR;
    let last = NaN, at = -1, run = 0;
    // The hour of the day of point i, recomputed only where the hour changes (start and step are whole ms).
    let slot = 0, nextHour = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x !== x) continue;
      if (i >= nextHour) {
        const hour = Math.floor((start + i * step) / HOUR);
        slot = ((hour % 24) + 24) % 24;
        nextHour = Math.max(i + 1, Math.ceil(((hour + 1) * HOUR - start) / step));
      }
      if (last === last) {
        const r = rate[slot];
        if (Math.abs(x - last) <= tol * Math.max(Math.abs(x), Math.abs(last))) {
          // The time since the last value (a missing point neither breaks nor extends what it spans).
          run += (r > 0.5 ? -Math.log2(r) : 1) * (i - at) * hours;
          rate[slot] = r + alpha * (1 - r);
        } else {
          run = 0;
          rate[slot] = r - alpha * r;
        }
      }
      out[i] = run;
      last = x;
      at = i;
    }
    return out;
  },
  explain(raw, observed, _expected, _params, { step }) {
    // raw is the run's length where the series seldom repeats at those hours, and less where it often does.
    return `stuck at ${num(observed)} for ${
      span(raw * HOUR + step)
    } (repeats count less at hours it often repeats)`;
  },
};
