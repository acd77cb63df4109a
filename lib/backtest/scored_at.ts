import type { Series } from "../series/types.ts";

/** detect's shortest series scored (6 hours, at least 24 points): see `detect`. */
const MIN_HISTORY = 6 * 3_600_000, MIN_POINTS = 24;

/**
 * Whether `detect` scores a series when its data ends at index `c` (a watch cycle's data cut at its "now"),
 * by detect's own rules: not while it is shorter than 6 hours (and 24 points), not while every point is missing,
 * and not while it has been constant over at least that many valid points — unless it varied in training (then
 * it is stuck, and scored). Answers in constant time for any `c`.
 *
 * @param series The whole series.
 * @param variedInTraining Whether the model saw it vary (`seriesRanges[key]` with p05 ≠ p99).
 * @returns A predicate of the last index `c`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoredAt } from "./scored_at.ts";
 * const values = new Float64Array(48).fill(1);
 * values[30] = 2;
 * const at = scoredAt({ key: "s", labels: {}, start: 0, step: 3_600_000, values }, false);
 * assert.deepEqual([at(22), at(23), at(29), at(30)], [false, false, false, true]);
 * ```
 */
export function scoredAt(series: Series, variedInTraining: boolean): (c: number) => boolean {
  const { values, step } = series;
  const need = Math.max(MIN_POINTS, Math.round(MIN_HISTORY / step));
  let firstValid = -1, validNeed = Infinity, nonConstant = Infinity, valid = 0, v0 = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (firstValid < 0) [firstValid, v0] = [i, v];
    else if (v !== v0 && nonConstant === Infinity) nonConstant = i;
    if (++valid === need) validNeed = i;
    if (nonConstant < Infinity && validNeed < Infinity) break;
  }
  return (c) =>
    c + 1 >= need && firstValid >= 0 && c >= firstValid &&
    (variedInTraining || !(c >= validNeed && c < nonConstant));
}
