/**
 * The NAB threshold sweep: the one corpus-wide threshold that maximises a profile's score.
 *
 * @module
 */

import { type NabCosts, type NabProfileName, resolveNabProfile } from "./nab_profiles.ts";
import { nabRowWeights, type NabScoredFile } from "./nab_row_weights.ts";
import { type NabScore, scoreNabAtThreshold } from "./nab_score_at_threshold.ts";

/** Options of {@linkcode optimizeNabThreshold}. */
export interface OptimizeNabThresholdOptions {
  /**
   * A NAB profile name, or custom costs.
   * @default {"standard"}
   */
  profile?: NabProfileName | NabCosts;
}

/** Ties closer than this go to the higher threshold, like NAB's `max()` over thresholds in descending order. */
const TIE = 1e-9;

/**
 * Finds the threshold that maximises the NAB score of the whole corpus, sweeping every distinct score value (and
 * "detect nothing", returned as `Infinity`), as NAB v1.1's sweeper does. Ties go to the higher threshold.
 *
 * The sweep is O(N log N) in the number of scored rows: rows are sorted by score, descending, and added one group of
 * equal scores at a time while the total is kept up to date — an FP row adds its own weight, and a window's share is
 * `-A_FN` until its first row arrives, then the weight of its earliest detected row so far.
 *
 * @param files One entry per NAB file: scores and windows as row ranges.
 * @param options The profile.
 * @returns The score at the best threshold (`threshold` is a score value, so `score >= threshold` reproduces it).
 * @throws {RangeError} An unknown profile, or a file `nabRowWeights` refuses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimizeNabThreshold } from "./nab_optimize_threshold.ts";
 *
 * const scores = new Float64Array(20);
 * scores[5] = 0.9; // false positive before the window
 * scores[10] = 0.7; // the window's first row
 * const best = optimizeNabThreshold([{ name: "c/f.csv", scores, windows: [[10, 13]] }]);
 * assert.equal(best.threshold, 0.7);
 * assert.equal(best.tp, 1);
 * assert.equal(best.fp, 1);
 * ```
 */
export function optimizeNabThreshold(
  files: ReadonlyArray<NabScoredFile>,
  options: OptimizeNabThresholdOptions = {},
): NabScore {
  const { profile = "standard" } = options;
  const { costs } = resolveNabProfile(profile);
  let rows = 0, windowCount = 0, total = 0;
  const weights = files.map((file) => {
    const w = nabRowWeights(file, costs);
    for (let i = w.probation; i < file.scores.length; i++) if (!Number.isNaN(file.scores[i])) rows++;
    total -= costs.fn * w.scoredWindows;
    return w;
  });
  const score = new Float64Array(rows);
  const weight = new Float64Array(rows);
  const window = new Int32Array(rows); // corpus-wide window index, -1 outside windows
  const row = new Int32Array(rows);
  let r = 0;
  for (const [f, file] of files.entries()) {
    const w = weights[f];
    for (let i = w.probation; i < file.scores.length; i++) {
      if (Number.isNaN(file.scores[i])) continue;
      score[r] = file.scores[i];
      weight[r] = w.weight[i];
      window[r] = w.window[i] < 0 ? -1 : windowCount + w.window[i];
      row[r] = i;
      r++;
    }
    windowCount += file.windows.length;
  }
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => score[b] - score[a]);

  const earliest = new Int32Array(windowCount).fill(-1); // earliest detected row of each window, in `row` terms
  const earliestWeight = new Float64Array(windowCount);
  let best = total, bestThreshold = Infinity;
  for (let g = 0; g < rows;) {
    const threshold = score[order[g]];
    for (; g < rows && score[order[g]] === threshold; g++) {
      const j = order[g];
      const k = window[j];
      if (k < 0) {
        total += weight[j];
      } else if (earliest[k] < 0) {
        total += weight[j] + costs.fn;
        earliest[k] = row[j];
        earliestWeight[k] = weight[j];
      } else if (row[j] < earliest[k]) {
        total += weight[j] - earliestWeight[k];
        earliest[k] = row[j];
        earliestWeight[k] = weight[j];
      }
    }
    if (total > best + TIE) {
      best = total;
      bestThreshold = threshold;
    }
  }
  return scoreNabAtThreshold(files, bestThreshold, { profile });
}
