import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { HOUR } from "../series/robust.ts";

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
  description: "hours the value has been stuck at one exact value",
  fit(_train, options = {}) {
    const { tolerance = 1e-9 } = options;
    return { tolerance };
  },
  score(series: Series, params) {
    const { values, step } = series;
    const n = values.length;
    const out = new Float64Array(n).fill(NaN);
    const tol = params.tolerance;
    let last = NaN, runStart = -1;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x !== x) continue;
      if (last === last && Math.abs(x - last) <= tol * Math.max(Math.abs(x), Math.abs(last))) {
        out[i] = ((i - runStart) * step) / HOUR;
      } else {
        runStart = i;
        out[i] = 0;
      }
      last = x;
    }
    return out;
  },
  explain(raw, observed, _expected, _params, { step }) {
    return `stuck at ${num(observed)} for ${span(raw * HOUR + step)}`;
  },
};
