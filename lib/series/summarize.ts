import type { Series } from "./types.ts";

/** Descriptive statistics of one series. */
export interface SeriesSummary {
  /** Series key. */
  key: string;
  /** Series labels. */
  labels: Record<string, string>;
  /** First grid time, epoch ms. */
  start: number;
  /** Last grid time, epoch ms. */
  end: number;
  /** Step, ms. */
  step: number;
  /** Grid points. */
  points: number;
  /** Fraction of points that are not missing, 0..1. */
  valid_pct: number;
  /** Smallest value (`NaN` when there are none). */
  min: number;
  /** Median. */
  p50: number;
  /** 95th percentile. */
  p95: number;
  /** Largest value. */
  max: number;
  /** Mean. */
  mean: number;
}

/**
 * The `q`-quantile (0..1) of sorted values, linearly interpolated (numpy's default), `NaN` when empty.
 *
 * @param sorted Values in ascending order, no `NaN`.
 * @param q The quantile, 0..1.
 * @returns The quantile.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quantileSorted } from "./summarize.ts";
 * assert.ok(quantileSorted(new Float64Array([1, 2, 3, 4]), 0.5) === 2.5);
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Summarises a series: span, points, valid fraction, min, p50, p95, max, mean.
 *
 * @param series The series.
 * @returns Its summary.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summarize } from "./summarize.ts";
 * const s = summarize({ key: "k", labels: {}, start: 0, step: 1000, values: new Float64Array([1, NaN, 3, 2]) });
 * assert.ok(s.valid_pct === 0.75 && s.max === 3 && s.p50 === 2 && s.end === 3000);
 * ```
 */
export function summarize(series: Series): SeriesSummary {
  const { key, labels, start, step, values } = series;
  const valid = values.filter((v) => !Number.isNaN(v)).sort();
  let sum = 0;
  for (const v of valid) sum += v;
  return {
    key,
    labels,
    start,
    end: start + (values.length - 1) * step,
    step,
    points: values.length,
    valid_pct: values.length ? valid.length / values.length : 0,
    min: valid.length ? valid[0] : NaN,
    p50: quantileSorted(valid, 0.5),
    p95: quantileSorted(valid, 0.95),
    max: valid.length ? valid[valid.length - 1] : NaN,
    mean: valid.length ? sum / valid.length : NaN,
  };
}
