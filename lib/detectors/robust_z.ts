import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { DAY, medianOf, pointsIn } from "../series/robust.ts";

/** Params of {@link robustZ}. */
export interface RobustZParams extends Record<string, unknown> {
  /** Trailing window, ms. */
  window: number;
  /** Median and MAD are recomputed every window/`refreshes` points (1 = every point on short windows). */
  refreshes: number;
}

/** Options of {@link robustZ}'s `fit`. */
export interface RobustZOptions {
  /** @default 1 day */
  window?: number;
  /** @default 16 */
  refreshes?: number;
}

/**
 * Robust z-score: |x − median| / (1.4826 · MAD) over the trailing window (excluding the current point),
 * median and MAD refreshed every window/16 points, from at most ~256 evenly spaced points of the window, so
 * long windows at fine steps stay cheap. It needs no
 * seasonal history: it scores once half its window (12 hours) is behind — a MAD of fewer hours misses the range
 * of a daily rhythm and flagged the first morning of every series.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { robustZ } from "./robust_z.ts";
 * const values = new Float64Array(100).map((_, i) => 1 + (i % 5) * 0.1);
 * values[80] = 5;
 * const s = robustZ.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, robustZ.fit([]));
 * assert.ok(s[80] > 10 && s[79] < 3);
 * ```
 */
export const robustZ: Detector<RobustZParams, RobustZOptions> = {
  name: "robust_z",
  description: "distance from the trailing 24 h median in robust standard deviations (MAD)",
  fit(_train, options = {}) {
    const { window = DAY, refreshes = 16 } = options;
    return { window, refreshes };
  },
  score(series: Series, params) {
    return judge(series, params, false).raw;
  },
  basis(series: Series, params) {
    const { raw, center, unit } = judge(series, params, true);
    return { raw, center: center!, unit: unit! };
  },
  explain(raw, _observed, _expected, params) {
    return `${num(raw)} robust standard deviations from the trailing ${span(params.window)} median`;
  },
};

/** robust_z's one pass: the raw scores and, when asked, the median and the unit they divide by. */
function judge(
  series: Series,
  params: RobustZParams,
  withBasis: boolean,
): { raw: Float64Array; center?: Float64Array; unit?: Float64Array } {
  const { values, step } = series;
  const n = values.length;
  const w = pointsIn(params.window, step);
  const stride = Math.max(1, Math.floor(w / params.refreshes));
  const warm = Math.ceil(w / 2);
  const every = Math.max(1, Math.ceil(w / 256));
  const buf = new Float64Array(w);
  const out = new Float64Array(n).fill(NaN);
  const center = withBasis ? new Float64Array(n).fill(NaN) : undefined;
  const unit = withBasis ? new Float64Array(n).fill(NaN) : undefined;
  let med = NaN, mad = NaN;
  for (let i = 0; i < n; i++) {
    if (i % stride === 0 && i >= warm) {
      // At most ~256 evenly spaced points of the window: the median and MAD of a long window at a fine step
      // (1440 points a day at 1 minute) are as good from a sample (standard error ~0.08 σ) and cheaper.
      let m = 0, tot = 0;
      for (let j = i - 1; j >= Math.max(0, i - w); j -= every) {
        tot++;
        const v = values[j];
        if (v === v) buf[m++] = v;
      }
      // While the history is shorter than the window, the first hours suffice; after that, half the window.
      if (m >= (i < w ? Math.ceil(warm / every) : tot / 2)) {
        med = medianOf(buf, m);
        for (let j = 0; j < m; j++) buf[j] = Math.abs(buf[j] - med);
        mad = medianOf(buf, m);
      } else {
        med = mad = NaN;
      }
    }
    if (med !== med) continue;
    const u = 1.4826 * mad + 1e-3 * Math.abs(med) + 1e-12;
    if (center) {
      center[i] = med;
      unit![i] = u;
    }
    const x = values[i];
    if (x === x) out[i] = Math.abs(x - med) / u;
  }
  return { raw: out, center, unit };
}
