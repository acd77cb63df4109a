/**
 * The NAB sweep weight of every row: what flagging that row would add to a file's score.
 *
 * @module
 */

import type { NabCosts } from "./nab_profiles.ts";

/**
 * One detector's output on one NAB file, ready to score.
 *
 * Windows are row-index ranges (use `nabWindowRows(file)` to get them from a `NabFile`'s timestamps).
 */
export interface NabScoredFile {
  /** The NAB file name, `"<category>/<file>.csv"`; used in messages and per-file results. */
  name: string;
  /** One anomaly score per row; a row is a detection when `score >= threshold`; `NaN` never detects. */
  scores: Float64Array;
  /** Anomaly windows as inclusive row ranges `[L, R]`, sorted and disjoint, `0 <= L <= R < scores.length`. */
  windows: ReadonlyArray<readonly [number, number]>;
}

/** The weight of every row of one file under one profile. */
export interface NabRowWeights {
  /** Rows `0..probation-1` are the probationary period: never scored. `min(floor(0.15·N), 750)`. */
  probation: number;
  /** Index (into `file.windows`) of the window holding each row, or `-1` outside every window. */
  window: Int32Array;
  /** What a detection on each row is worth: a TP weight inside a window, an FP weight outside. */
  weight: Float64Array;
  /** Windows with at least one row after the probationary period: the ones that count as TP or FN. */
  scoredWindows: number;
}

/** NAB's scaled sigmoid `ŝ(y) = 2/(1+e^{5y}) - 1`, and `-1` when `y > 3`. */
function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}

/**
 * NAB's per-row sweep weights, as in NAB v1.1's `Sweeper.calcSweepScore`.
 *
 * Inside window `L..R` (width `w = R - L + 1`) row `i` is worth `A_TP·ŝ(y)/ŝ(-1)` with `y = -(R - i + 1)/w`, so
 * the window's first row earns `A_TP` and later rows less. Outside windows a row costs `A_FP·ŝ(y)` with
 * `y = |R_prev - i|/(w_prev - 1)` for the most recent window ending before it (a one-row previous window gives
 * `y = ∞`, so `-A_FP`), or `-A_FP` when no window precedes it. Windows inside the probationary period still count
 * as previous windows for later rows, as in NAB.
 *
 * @param file The scores and windows of one file.
 * @param costs The profile's costs.
 * @returns The probationary length, each row's window and weight, and the number of scored windows.
 * @throws {RangeError} Windows out of range, out of order or overlapping, or a score that is ±Infinity.
 * @throws {TypeError} Scores that are not a Float64Array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NAB_PROFILES } from "./nab_profiles.ts";
 * import { nabRowWeights } from "./nab_row_weights.ts";
 *
 * const w = nabRowWeights({ name: "c/f.csv", scores: new Float64Array(20), windows: [[10, 13]] }, NAB_PROFILES.standard);
 * assert.equal(w.probation, 3); // floor(0.15 * 20)
 * assert.equal(w.weight[10], 1); // the window's first row earns A_TP
 * assert.equal(w.weight[0], -0.11); // before any window: -A_FP
 * assert.equal(w.window[13], 0);
 * ```
 */
export function nabRowWeights(file: NabScoredFile, costs: NabCosts): NabRowWeights {
  const { name, scores, windows } = file;
  if (!(scores instanceof Float64Array)) {
    throw new TypeError(
      `Cannot score NAB file ${name}: scores must be a Float64Array, current value is ${scores}`,
    );
  }
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    if (scores[i] === Infinity || scores[i] === -Infinity) {
      throw new RangeError(
        `Cannot score NAB file ${name} row ${i}: scores must be finite or NaN, current value is ${scores[i]}`,
      );
    }
  }
  let previousEnd = -1;
  for (const [k, range] of windows.entries()) {
    const [left, right] = range;
    if (
      !Number.isInteger(left) || !Number.isInteger(right) || left <= previousEnd || right < left || right >= n
    ) {
      throw new RangeError(
        `Cannot score NAB file ${name} window ${k}: windows must be sorted, disjoint row ranges [L, R] with ` +
          `0 <= L <= R < ${n}, current value is [${left}, ${right}]`,
      );
    }
    previousEnd = right;
  }
  const probation = Math.min(Math.floor(0.15 * n), 750);
  const window = new Int32Array(n).fill(-1);
  const weight = new Float64Array(n);
  const maxTp = scaledSigmoid(-1);
  let next = 0; // the next window not yet reached
  let prev = -1; // the most recent window ending before the current row
  for (let i = 0; i < n; i++) {
    while (next < windows.length && windows[next][1] < i) prev = next++;
    if (next < windows.length && windows[next][0] <= i) {
      const [left, right] = windows[next];
      window[i] = next;
      weight[i] = costs.tp * scaledSigmoid(-(right - i + 1) / (right - left + 1)) / maxTp;
    } else if (prev < 0) {
      weight[i] = -costs.fp;
    } else {
      const [left, right] = windows[prev];
      const width = right - left + 1;
      weight[i] = costs.fp * (width === 1 ? -1 : scaledSigmoid(Math.abs(right - i) / (width - 1)));
    }
  }
  let scoredWindows = 0;
  for (const [, right] of windows) if (right >= probation) scoredWindows++;
  return { probation, window, weight, scoredWindows };
}
