/**
 * Groups the flagged points of a score series (`score ≥ threshold`) into runs: a flagged point at most `gap`
 * points after the previous one continues its run. The grouping is causal: the runs of `scores[0..c]` are the
 * runs of the whole series cut at `c` (the last one truncated to its flagged points ≤ `c`), which is what lets a
 * backtest replay what detect would have built at any earlier "now". `NaN` is never flagged.
 *
 * @param scores Per-point scores (e.g. the ensemble's `combined`).
 * @param threshold A point is flagged when its score is at least this.
 * @param gap Largest distance, in points, between two flagged points of one run (≥ 1).
 * @returns The runs in order, each `[first, last]`: the indices of its first and last flagged points.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flaggedRuns } from "./flagged_runs.ts";
 * const scores = Float64Array.of(0, 0.9, 0.2, 0.95, 0, 0, 0, NaN, 0.99);
 * assert.deepEqual(flaggedRuns(scores, 0.9, 2), [[1, 3], [8, 8]]);
 * ```
 */
export function flaggedRuns(
  scores: ArrayLike<number>,
  threshold: number,
  gap: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let first = -1, last = -1;
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i] >= threshold)) continue;
    if (first >= 0 && i - last <= gap) {
      last = i;
      continue;
    }
    if (first >= 0) out.push([first, last]);
    first = last = i;
  }
  if (first >= 0) out.push([first, last]);
  return out;
}
