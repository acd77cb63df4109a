/**
 * NAB scores of a detector under all three profiles.
 *
 * @module
 */

import { NAB_PROFILES, type NabProfileName } from "./nab_profiles.ts";
import type { NabScoredFile } from "./nab_row_weights.ts";
import { type NabScore, scoreNabAtThreshold } from "./nab_score_at_threshold.ts";
import { optimizeNabThreshold } from "./nab_optimize_threshold.ts";

/** Options of {@linkcode scoreNab}. */
export interface ScoreNabOptions {
  /**
   * A fixed threshold to score at as well as the optimised one (e.g. the threshold the detector ships with).
   * @default {undefined}
   */
  threshold?: number;
}

/** The NAB results of one profile. */
export interface NabProfileResult {
  /** At the corpus-wide threshold that maximises this profile's score (NAB's reported figure). */
  optimized: NabScore;
  /** At the fixed threshold, when one was given. */
  atThreshold?: NabScore;
}

/** NAB results for every profile. */
export type NabReport = Record<NabProfileName, NabProfileResult>;

/**
 * Scores a detector's output on a NAB corpus under the standard, reward_low_FP_rate and reward_low_FN_rate
 * profiles: each with its own optimised threshold and, when `threshold` is given, at that fixed threshold.
 *
 * @param files One entry per NAB file: scores and windows as row ranges (see `nabWindowRows`).
 * @param options An optional fixed threshold.
 * @returns One {@linkcode NabProfileResult} per profile.
 * @throws {RangeError} A `NaN` threshold, or a file `nabRowWeights` refuses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreNab } from "./nab_score.ts";
 *
 * const scores = new Float64Array(20);
 * scores[10] = 1;
 * const report = scoreNab([{ name: "c/f.csv", scores, windows: [[10, 13]] }], { threshold: 2 });
 * assert.equal(report.standard.optimized.normalized, 100);
 * assert.equal(report.reward_low_FN_rate.atThreshold?.normalized, 0);
 * ```
 */
export function scoreNab(files: ReadonlyArray<NabScoredFile>, options: ScoreNabOptions = {}): NabReport {
  const { threshold } = options;
  const result = (profile: NabProfileName): NabProfileResult => {
    const optimized = optimizeNabThreshold(files, { profile });
    return threshold === undefined
      ? { optimized }
      : { optimized, atThreshold: scoreNabAtThreshold(files, threshold, { profile }) };
  };
  const report = {} as NabReport;
  for (const profile of Object.keys(NAB_PROFILES) as NabProfileName[]) report[profile] = result(profile);
  return report;
}
