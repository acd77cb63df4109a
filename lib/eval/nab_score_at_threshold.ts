/**
 * The NAB score of a corpus at one fixed threshold.
 *
 * @module
 */

import { type NabCosts, type NabProfileName, resolveNabProfile } from "./nab_profiles.ts";
import { nabRowWeights, type NabScoredFile } from "./nab_row_weights.ts";

/** Options of {@linkcode scoreNabAtThreshold}. */
export interface ScoreNabAtThresholdOptions {
  /**
   * A NAB profile name, or custom costs.
   * @default {"standard"}
   */
  profile?: NabProfileName | NabCosts;
}

/** One file's share of a NAB score. */
export interface NabFileScore {
  /** The NAB file name. */
  name: string;
  /** The file's raw score: TP weights + FP weights − `A_FN`·missed windows. */
  raw: number;
  /** Windows that count (at least one row after the probationary period). */
  windows: number;
  /** Windows with a detection. */
  tp: number;
  /** Windows without a detection. */
  fn: number;
  /** Detections outside every window (after the probationary period). */
  fp: number;
}

/** A NAB score over a corpus at one threshold. */
export interface NabScore {
  /** The profile name, or `"custom"` when costs were given. */
  profile: NabProfileName | "custom";
  /** The profile's costs. */
  costs: NabCosts;
  /** The threshold: a row is a detection when `score >= threshold` (`Infinity` detects nothing). */
  threshold: number;
  /** The raw score `S`, summed over files. */
  raw: number;
  /** `100·(S − S_null)/(S_perfect − S_null)`: 0 for the Null detector, 100 for a perfect one; `NaN` with no window. */
  normalized: number;
  /** `S_null = −A_FN·windows`. */
  nullScore: number;
  /** `S_perfect = A_TP·windows`. */
  perfectScore: number;
  /** Windows that count, over all files. */
  windows: number;
  /** Windows with a detection. */
  tp: number;
  /** Windows without a detection. */
  fn: number;
  /** Detections outside every window. */
  fp: number;
  /** Per-file breakdown, in input order. */
  files: NabFileScore[];
}

/**
 * Scores a detector's output on a NAB corpus at one threshold, exactly as NAB v1.1 does.
 *
 * In each file the first `min(floor(0.15·N), 750)` rows are not scored; a detection is a row with
 * `score >= threshold`; inside a window only the earliest detection counts (its weight from
 * `nabRowWeights`), a window without one costs `A_FN`, and every detection outside windows adds its (negative) FP
 * weight. The normalised score maps the Null detector (no detection) to 0 and a perfect one to 100.
 *
 * @param files One entry per NAB file: scores and windows as row ranges.
 * @param threshold The detection threshold (`NaN` is refused; `Infinity` detects nothing).
 * @param options The profile.
 * @returns The raw and normalised scores, TP/FN window counts, FP detections, and a per-file breakdown.
 * @throws {RangeError} A `NaN` threshold, an unknown profile, or a file `nabRowWeights` refuses.
 *
 * @example A detection on the window's first row is a perfect score
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreNabAtThreshold } from "./nab_score_at_threshold.ts";
 *
 * const scores = new Float64Array(20);
 * scores[10] = 1;
 * const result = scoreNabAtThreshold([{ name: "c/f.csv", scores, windows: [[10, 13]] }], 0.5);
 * assert.equal(result.normalized, 100);
 * assert.equal(scoreNabAtThreshold([{ name: "c/f.csv", scores, windows: [[10, 13]] }], 2).normalized, 0);
 * ```
 */
export function scoreNabAtThreshold(
  files: ReadonlyArray<NabScoredFile>,
  threshold: number,
  options: ScoreNabAtThresholdOptions = {},
): NabScore {
  const { profile = "standard" } = options;
  if (typeof threshold !== "number" || Number.isNaN(threshold)) {
    throw new RangeError(`Cannot score NAB: threshold must be a number, current value is ${threshold}`);
  }
  const { name: profileName, costs } = resolveNabProfile(profile);
  const perFile: NabFileScore[] = [];
  let raw = 0, windows = 0, tp = 0, fp = 0;
  for (const file of files) {
    const { probation, window, weight, scoredWindows } = nabRowWeights(file, costs);
    const detected = new Uint8Array(file.windows.length);
    const { scores } = file;
    let fileRaw = 0, fileTp = 0, fileFp = 0;
    for (let i = probation; i < scores.length; i++) {
      if (!(scores[i] >= threshold)) continue;
      const k = window[i];
      if (k < 0) {
        fileRaw += weight[i];
        fileFp++;
      } else if (detected[k] === 0) {
        detected[k] = 1;
        fileRaw += weight[i];
        fileTp++;
      }
    }
    const fileFn = scoredWindows - fileTp;
    fileRaw -= costs.fn * fileFn;
    perFile.push({
      name: file.name,
      raw: fileRaw,
      windows: scoredWindows,
      tp: fileTp,
      fn: fileFn,
      fp: fileFp,
    });
    raw += fileRaw;
    windows += scoredWindows;
    tp += fileTp;
    fp += fileFp;
  }
  const nullScore = -costs.fn * windows;
  const perfectScore = costs.tp * windows;
  const normalized = windows === 0 ? NaN : 100 * (raw - nullScore) / (perfectScore - nullScore);
  return {
    profile: profileName,
    costs,
    threshold,
    raw,
    normalized,
    nullScore,
    perfectScore,
    windows,
    tp,
    fn: windows - tp,
    fp,
    files: perFile,
  };
}
