import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { DAY, insertionSort, pointsIn } from "../series/robust.ts";

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
 * of a daily rhythm and flagged the first morning of every series. Values recorded on a grid (a percentage
 * with one decimal, a count) can leave most of a quiet window on one value: a MAD of 0 there counts as half a
 * step of the finest grid the windows have been seen on, so one step is not hundreds of standard deviations.
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
  warmUp(params, step) {
    // Until the window is full its median and MAD are of the first hours only: half a daily rhythm, a MAD that
    // misses the other half's range.
    return pointsIn(params.window, step);
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
  const sample = new TrailingSample(values, w, every, stride % every === 0);
  const out = new Float64Array(n).fill(NaN);
  const center = withBasis ? new Float64Array(n).fill(NaN) : undefined;
  const unit = withBasis ? new Float64Array(n).fill(NaN) : undefined;
  let med = NaN, mad = NaN, resolution = Infinity, u = NaN;
  // i % stride, counted rather than divided.
  for (let i = 0, phase = 0; i < n; i++, phase = phase + 1 === stride ? 0 : phase + 1) {
    if (phase === 0 && i >= warm) {
      // At most ~256 evenly spaced points of the window: the median and MAD of a long window at a fine step
      // (1440 points a day at 1 minute) are as good from a sample (standard error ~0.08 σ) and cheaper.
      const tot = sample.moveTo(i), m = sample.size;
      // While the history is shorter than the window, the first hours suffice; after that, half the window.
      if (m >= (i < w ? Math.ceil(warm / every) : tot / 2)) {
        med = sample.median();
        mad = sample.medianDeviation(med);
        resolution = Math.min(resolution, sample.grid());
        // Values recorded at a resolution q (a percentage with one decimal, a count) leave more than half of a
        // quiet window on one value, a MAD of 0, and one step of q would be hundreds of "standard deviations":
        // a MAD of 0 only says the spread is below half a step, so it counts as half a step (q, the finest grid
        // the trailing windows' values have been seen on; values recorded in full have none, and nothing
        // changes).
        const spread = resolution < Infinity ? Math.max(mad, resolution / 2) : mad;
        u = 1.4826 * spread + 1e-3 * Math.abs(med) + 1e-12;
      } else {
        med = mad = u = NaN;
      }
    }
    if (med !== med) continue;
    if (center) {
      center[i] = med;
      unit![i] = u;
    }
    const x = values[i];
    if (x === x) out[i] = Math.abs(x - med) / u;
  }
  return { raw: out, center, unit };
}

/**
 * The valid values at i − 1, i − 1 − every, … down to i − w (or 0), kept sorted as i moves forward. When each
 * move is a multiple of `every` (`aligned`), the points leaving and entering are merged into the sorted sample
 * in one pass; otherwise it is sorted again. The median and MAD read off the sorted sample are those of the same
 * values in any order.
 */
class TrailingSample {
  #sorted: Float64Array;
  #next: Float64Array;
  #in: Float64Array;
  #out: Float64Array;
  #at = -1;
  size = 0;
  constructor(
    readonly values: Float64Array,
    readonly w: number,
    readonly every: number,
    readonly aligned: boolean,
  ) {
    const cap = Math.ceil(w / every) + 1;
    this.#sorted = new Float64Array(cap);
    this.#next = new Float64Array(cap);
    this.#in = new Float64Array(cap);
    this.#out = new Float64Array(cap);
  }

  /** The sample for point i (i only grows); returns how many positions it covers, missing values included. */
  moveTo(i: number): number {
    const { values, w, every } = this;
    const lowest = Math.max(0, i - w);
    const tot = i - 1 >= lowest ? Math.floor((i - 1 - lowest) / every) + 1 : 0;
    const prev = this.#at;
    this.#at = i;
    if (!this.aligned || prev < 0 || !this.#merge(prev, i, lowest)) {
      let m = 0;
      for (let j = i - 1; j >= lowest; j -= every) {
        const v = values[j];
        if (v === v) this.#sorted[m++] = v;
      }
      this.#sorted.subarray(0, m).sort();
      this.size = m;
    }
    return tot;
  }

  /** Merges the points entering since `prev` and drops those below `lowest`; false if the sample disagrees. */
  #merge(prev: number, i: number, lowest: number): boolean {
    const { values, every } = this;
    const inV = this.#in, outV = this.#out;
    let nIn = 0, nOut = 0;
    for (let j = i - 1; j > prev - 1; j -= every) {
      const v = values[j];
      if (v === v) inV[nIn++] = v;
    }
    const prevLowest = Math.max(0, prev - this.w);
    if (prev - 1 >= prevLowest) {
      for (let j = prev - 1 - Math.floor((prev - 1 - prevLowest) / every) * every; j < lowest; j += every) {
        const v = values[j];
        if (v === v) outV[nOut++] = v;
      }
    }
    insertionSort(inV, nIn);
    insertionSort(outV, nOut);
    const s = this.#sorted, next = this.#next, size = this.size;
    let a = 0, b = 0, c = 0, k = 0;
    while (a < size || c < nIn) {
      if (a < size && b < nOut && s[a] === outV[b]) {
        a++;
        b++;
      } else if (c < nIn && (a >= size || inV[c] < s[a])) next[k++] = inV[c++];
      else next[k++] = s[a++];
    }
    if (b !== nOut) return false;
    this.#next = s;
    this.#sorted = next;
    this.size = k;
    return true;
  }

  /** The median (the mean of the middle two for an even count). */
  median(): number {
    const s = this.#sorted, m = this.size;
    return m % 2 ? s[m >> 1] : (s[(m >> 1) - 1] + s[m >> 1]) / 2;
  }

  /**
   * The grid the sample's values are recorded on: the smallest gap g between two distinct values, where every
   * value is the lowest plus a whole multiple of g and there are at least three distinct values (a percentage
   * with one decimal, a count); `Infinity` otherwise (values recorded in full, or a series at rest with a few
   * spikes, whose gaps are the spikes' sizes).
   */
  grid(): number {
    const s = this.#sorted, m = this.size;
    let g = Infinity, distinct = m > 0 ? 1 : 0;
    for (let j = 1; j < m; j++) {
      const d = s[j] - s[j - 1];
      if (d > 0) {
        distinct++;
        if (d < g) g = d;
      }
    }
    if (distinct < 3) return Infinity;
    for (let j = 1; j < m; j++) {
      const k = (s[j] - s[0]) / g;
      if (Math.abs(k - Math.round(k)) > 1e-6 * Math.max(1, k)) return Infinity;
    }
    return g;
  }

  /** The median of |value − med| over the sample: the two sides' distances merged outward from `med`. */
  medianDeviation(med: number): number {
    const s = this.#sorted, m = this.size;
    let lo = 0, hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] < med) lo = mid + 1;
      else hi = mid;
    }
    let left = lo - 1, right = lo, prev = NaN, d = NaN;
    for (let t = 0; t <= m >> 1; t++) {
      prev = d;
      if (right >= m || (left >= 0 && med - s[left] <= s[right] - med)) d = med - s[left--];
      else d = s[right++] - med;
    }
    return m % 2 ? d : (prev + d) / 2;
  }
}
