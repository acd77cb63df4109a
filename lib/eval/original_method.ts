/**
 * The original scripts' method, kept as a named baseline exactly as it was: scikit-learn's
 * `IsolationForest(n_estimators=100, max_samples=256, contamination=0.01, random_state=42)` over raw, un-normalised
 * sliding windows of 24 consecutive values, pooled from every training series into one model. Because the windows
 * are raw, it mostly flags the series with the highest levels — which is why {@link originalMethod} exists only to
 * be compared against.
 *
 * @module
 */
import type { Series } from "../series/types.ts";
import type { Detector } from "../detectors/types.ts";
import { formatNumber } from "../format/format_number.ts";
import { fitForestWith, type Forest, prepareForest, scoreRows } from "../detectors/forest.ts";

/** Params of {@link originalMethod}: plain JSON. */
export type OriginalMethodParams = {
  /** Values per window. */
  window: number;
  /** Share of training windows flagged, as scikit-learn's `contamination`. */
  contamination: number;
  /** A point is flagged when its score exceeds this: the `1 − contamination` quantile of training scores. */
  threshold: number;
  /** The fitted forest. */
  forest: Forest;
};

/** Options of {@link originalMethod}'s `fit`. */
export type OriginalMethodOptions = {
  /**
   * Seed of the forest (scikit-learn's `random_state`; the trees differ from scikit-learn's, the method does not).
   * @default {42}
   */
  seed?: number;
  /**
   * Number of trees (`n_estimators`).
   * @default {100}
   */
  trees?: number;
  /**
   * Windows drawn per tree (`max_samples`).
   * @default {256}
   */
  sampleSize?: number;
  /**
   * Share of training windows to flag (`contamination`), in (0, 0.5].
   * @default {0.01}
   */
  contamination?: number;
  /**
   * Values per window.
   * @default {24}
   */
  window?: number;
};

/**
 * Fills gaps like the script's `interpolate().bfill().ffill()`: linear between known values, the first known
 * value before it and the last known value after it. All-`NaN` input stays `NaN`.
 */
function _fillLinear(values: Float64Array): Float64Array {
  const out = new Float64Array(values);
  let last = -1;
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) continue;
    if (last < 0) {
      out.fill(out[i], 0, i);
    } else if (i - last > 1) {
      const a = out[last];
      const slope = (out[i] - a) / (i - last);
      for (let k = last + 1; k < i; k++) out[k] = a + slope * (k - last);
    }
    last = i;
  }
  if (last >= 0) out.fill(out[last], last + 1);
  return out;
}

/** Causal fill for scoring: carries the last known value forward (leading gaps stay `NaN`). */
function _fillForward(values: Float64Array): Float64Array {
  const out = new Float64Array(values);
  let last = NaN;
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) out[i] = last;
    else last = out[i];
  }
  return out;
}

/** The `q` quantile (0..1) with linear interpolation between order statistics, as numpy's default. */
function _quantile(values: Float64Array, q: number): number {
  const sorted = values.slice().sort();
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function _fit(train: readonly Series[], options: OriginalMethodOptions = {}): OriginalMethodParams {
  const { seed = 42, trees = 100, sampleSize = 256, contamination = 0.01, window = 24 } = options;
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(
      `Cannot fit original_method: window must be an integer >= 1, current value is ${window}`,
    );
  }
  if (!(contamination > 0 && contamination <= 0.5)) {
    throw new RangeError(
      `Cannot fit original_method: contamination must be in (0, 0.5], current value is ${contamination}`,
    );
  }
  // Gaps filled as the script did; series with no value or fewer points than a window add no window.
  const filled = train.map((s) => _fillLinear(s.values)).filter((v) =>
    v.length >= window && !Number.isNaN(v[0])
  );
  const starts = new Float64Array(filled.length + 1);
  filled.forEach((v, k) => starts[k + 1] = starts[k] + v.length - window + 1);
  const total = starts[filled.length];
  if (total === 0) {
    throw new RangeError(
      `Cannot fit original_method: need a series with at least ${window} points and a value, current value is ${train.length} series`,
    );
  }
  // Windows are never materialised: a tree asks for window `index` and gets it copied from its series.
  const forest = fitForestWith(total, window, (index, out, at) => {
    let lo = 0;
    let hi = filled.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    const offset = index - starts[lo];
    out.set(filled[lo].subarray(offset, offset + window), at);
  }, { seed, trees, sampleSize });
  // scikit-learn's offset_: the contamination quantile of score_samples (= −score) over every training window.
  const prepared = prepareForest(forest);
  const scores = new Float64Array(total);
  filled.forEach((v, k) => scores.set(scoreRows(prepared, v, window, { stride: 1 }), starts[k]));
  const threshold = _quantile(scores, 1 - contamination);
  return { window, contamination, threshold, forest };
}

function _score(series: Series, params: OriginalMethodParams): Float64Array {
  const { window, forest } = params;
  const n = series.values.length;
  const out = new Float64Array(n).fill(NaN);
  if (n < window) return out;
  out.set(scoreRows(forest, _fillForward(series.values), window, { stride: 1 }), window - 1);
  return out;
}

/**
 * The original method as a detector named `original_method`.
 *
 * - `fit(train, options)` pools every sliding window of `window` (24) consecutive values from all training
 *   series (gaps first filled linearly, then back- and forward-filled, as the script's `interpolate().bfill()
 *   .ffill()`), grows the forest on `sampleSize` random windows per tree, then scores every training window to set
 *   `threshold` = the `1 − contamination` quantile (scikit-learn's `offset_`, sign flipped). Memory stays at one
 *   copy of the training values plus one score per window.
 * - `score(series, params)` gives point `i ≥ window − 1` the score `2^(−E[h]/c(256))` of the window
 *   `values[i − 23 .. i]` and `NaN` to the first 23 points. To stay causal, gaps are filled by carrying the last
 *   value forward (what `interpolate()` does at the live edge) instead of interpolating towards a future value;
 *   windows that still hold a `NaN` (before the first value) score `NaN`.
 *
 * @example
 * ```ts
 * import { originalMethod } from "./original_method.ts";
 * const wave = (i: number) => 10 + Math.sin(i / 4);
 * const train = { key: "a", labels: {}, start: 0, step: 3_600_000, values: Float64Array.from({ length: 500 }, (_, i) => wave(i)) };
 * const params = originalMethod.fit([train], { trees: 50 });
 * const live = { ...train, values: Float64Array.from({ length: 400 }, (_, i) => (i >= 280 && i < 320 ? 40 : wave(i))) };
 * const scores = originalMethod.score(live, params);
 * if (!(Number.isNaN(scores[22]) && scores[23] > 0 && scores[310] > params.threshold)) throw new Error("unexpected scores");
 * ```
 */
export const originalMethod: Detector<OriginalMethodParams, OriginalMethodOptions> = {
  name: "original_method",
  description: "The original scripts: isolation forest on raw 24-value windows, 1% contamination (baseline)",
  fit: _fit,
  score: _score,
  explain(raw, _observed, _expected, params) {
    const flagged = raw > params.threshold ? "above" : "below";
    return `isolation score ${formatNumber(raw)} of the last ${params.window} raw values, ${flagged} the ` +
      `threshold ${formatNumber(params.threshold)} (contamination ${params.contamination})`;
  },
};

/**
 * The original method's labels: 1 where the score exceeds the fitted threshold (scikit-learn's `predict == -1`),
 * 0 elsewhere, including points without a score.
 *
 * @param series The series to label.
 * @param params Params from `originalMethod.fit`.
 * @returns One flag per point.
 *
 * @example
 * ```ts
 * import { originalMethod, originalMethodFlags } from "./original_method.ts";
 * const wave = (i: number) => 10 + Math.sin(i / 4) + Math.sin(i * 1.7) / 3;
 * const train = { key: "a", labels: {}, start: 0, step: 60_000, values: Float64Array.from({ length: 400 }, (_, i) => wave(i)) };
 * const live = { ...train, values: Float64Array.from({ length: 400 }, (_, i) => (i >= 180 && i < 220 ? 50 : wave(i))) };
 * const flags = originalMethodFlags(live, originalMethod.fit([train]));
 * if (flags[210] !== 1 || flags[100] !== 0) throw new Error("unexpected flags");
 * ```
 */
export function originalMethodFlags(series: Series, params: OriginalMethodParams): Uint8Array {
  const scores = _score(series, params);
  const flags = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) flags[i] = scores[i] > params.threshold ? 1 : 0;
  return flags;
}
