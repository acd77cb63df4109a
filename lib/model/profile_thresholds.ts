/**
 * Profile thresholds: quantiles of the per-series-day maxima of the ensemble's L = −log10 p, read off a Gumbel
 * distribution fitted to their quartiles.
 *
 * @module
 */

import { gumbelLevel } from "./gumbel.ts";
import { scoreOfLogP } from "./score_series.ts";

/**
 * Profile thresholds from the per-series-day maxima of the ensemble's L = −log10 p. Training data is not clean
 * (it holds the very incidents we want to find, and a sustained one raises the maxima of several days), so the
 * upper quantiles are not read off directly: a Gumbel distribution (the law of maxima) is fitted to the middle
 * of the daily maxima of L — their quartiles — and its p95 / p99 are used, never below what a day of perfectly
 * calibrated probabilities would reach, never above `ceiling`.
 *
 * @param sortedL Per-series-day maxima of L, ascending.
 * @param q The quantile of each profile.
 * @param perDay Points a day at the training step.
 * @param digits The ensemble's L at score 0.5.
 * @param ceiling The highest L a threshold may have.
 * @returns Each profile's threshold as a 0..1 score.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { profileThresholds } from "./profile_thresholds.ts";
 * const t = profileThresholds(new Float64Array(20).fill(5), { permissive: 0.95, strict: 0.99 }, 24, 8, 12);
 * assert.ok(t.permissive <= t.strict && t.strict < 1);
 * ```
 */
export function profileThresholds(
  sortedL: Float64Array,
  q: { permissive: number; strict: number },
  perDay: number,
  digits: number,
  ceiling: number,
) {
  // The floor: the level that a day of perfectly calibrated (uniform) tail probabilities exceeds with
  // probability 1 − q. The fit can only raise it, where the calibrated tails are heavier than their fit.
  const floor = (p: number) => Math.log10(perDay / (1 - p));
  const at = (p: number) => {
    const fit = gumbelLevel(sortedL, p);
    return scoreOfLogP(-Math.min(ceiling, Math.max(floor(p), fit === fit ? fit : 0)), digits);
  };
  return { permissive: at(q.permissive), strict: at(q.strict) };
}
