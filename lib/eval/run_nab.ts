import type { NabFile } from "./nab_corpus.ts";
import { toGrid } from "../series/to_grid.ts";
import type { Series } from "../series/types.ts";
import { DETECTORS } from "../detectors/registry.ts";
import { fitCalibration } from "../model/calibration.ts";
import { compileCalibration } from "../model/compile_calibration.ts";
import { combineLogP, logPOfScore } from "../detect/score_series.ts";

/** Options for {@link runNab}. */
export interface RunNabOptions {
  /** Detectors of the ensemble (chosen on NAB: see README). @default ["seasonal_lag", "robust_z"] */
  detectors?: string[];
  /** Our own decision threshold on the 0..1 score (`is_anomaly`). @default 0.5 */
  threshold?: number;
  /** Alert expiry as a fraction of the file's rows: within it, a point must beat the highest earlier score to
   * be reported again (threshold-independent, so the threshold sweep still sees one score per row). @default 0.05 */
  expiry?: number;
  /** Calibrations are refitted on all earlier scores every this fraction of the file. @default 0.05 */
  refit?: number;
  /** Calibrated score = −log10(p) / digits. @default 8 */
  digits?: number;
  /** Per-detector fit options, by name. @default {} */
  detectorOptions?: Record<string, Record<string, unknown>>;
}

/** One file's results, row for row. */
export interface NabRun {
  /** The file name `<category>/<file>.csv`. */
  name: string;
  /** Anomaly score per input row, 0..1. */
  scores: Float64Array;
  /** Our own decision per input row. */
  isAnomaly: Uint8Array;
}

/**
 * Runs the ensemble over NAB files by NAB's rules: restarted for every file, one parameter set for all files,
 * causal and online. Detector parameters are fitted on the probationary period (the first min(⌊0.15·N⌋, 750)
 * rows) alone; every detector's raw scores are causal; calibrations are first fitted on the probationary
 * period and then refitted online, every `refit` of the file, on all scores seen so far (a detector with fewer
 * than 10 scores yet — e.g. a 7-day seasonal lag early on — sits out). Calibrated tail probabilities combine
 * with a Bonferroni correction, then an alert expiry keeps one report per episode. Rows are mapped onto a
 * regular grid and back, so the output has one score per input row, in input order.
 *
 * @param files NAB files from `readNabCorpus`.
 * @param options See {@link RunNabOptions}.
 * @returns One result per file.
 * @example
 * ```ts ignore
 * const runs = runNab(await readNabCorpus("nab/data", "nab/labels/combined_windows.json"));
 * ```
 */
export function runNab(files: readonly NabFile[], options: RunNabOptions = {}): NabRun[] {
  const {
    detectors = ["seasonal_lag", "robust_z"],
    threshold = 0.5,
    expiry = 0.05,
    refit = 0.05,
    digits = 8,
    detectorOptions = {},
  } = options;
  return files.map((file) => {
    const n = file.timestamps.length;
    const grid = toGrid(file.timestamps, [file.values], { source: file.name });
    const series: Series = {
      key: file.name,
      labels: {},
      start: grid.start,
      step: grid.step,
      values: grid.columns[0],
    };
    const g = series.values.length;
    const rowIdx = new Int32Array(n);
    for (let r = 0; r < n; r++) rowIdx[r] = Math.round((file.timestamps[r] - grid.start) / grid.step);
    const probation = Math.min(Math.floor(0.15 * n), 750);
    let probEnd = 0; // first grid index after the probationary period
    for (let r = 0; r < probation; r++) probEnd = Math.max(probEnd, rowIdx[r] + 1);
    const trainSeries: Series = { ...series, values: series.values.slice(0, probEnd) };
    const raws = detectors.map((name) => {
      const det = DETECTORS[name];
      if (!det) throw new RangeError(`Cannot run NAB: unknown detector "${name}", current value is ${name}`);
      return det.score(series, det.fit([trainSeries], detectorOptions[name] ?? {}));
    });
    // Online calibration: refit on every score before the chunk, score the chunk.
    const logP = raws.map(() => new Float64Array(g).fill(NaN));
    const chunk = Math.max(1, Math.round(refit * g));
    for (let b = probEnd; b < g; b += chunk) {
      const e = Math.min(g, b + chunk);
      raws.forEach((raw, d) => {
        let log10p: (x: number) => number;
        try {
          log10p = compileCalibration(fitCalibration(raw.slice(0, b)));
        } catch {
          return; // fewer than 10 scores yet: this detector sits out
        }
        for (let i = b; i < e; i++) logP[d][i] = log10p(raw[i]);
      });
    }
    // NAB takes one score per row, so alert expiry stands in for detect's episodes: a row is reported only when
    // it beats every score in the preceding window, as an episode is re-sent only when it escalates. Escalation
    // stops at certainty: beyond p = 10^−digits every score is the same (L / digits capped at 1), or each
    // further decade of an incident that is already certain would count as a new report.
    const combined = combineLogP(logP, digits).combined.map((c) =>
      c === c ? Math.min(1, -logPOfScore(c, digits) / digits) : c
    );
    // Alert expiry: a row is reported only when it beats every score in the preceding window.
    const w = Math.max(1, Math.round(expiry * n));
    const scores = new Float64Array(n);
    const isAnomaly = new Uint8Array(n);
    const raw = new Float64Array(n);
    const deque: number[] = []; // row indices with decreasing raw scores
    for (let r = 0; r < n; r++) {
      raw[r] = combined[rowIdx[r]];
      while (deque.length && deque[0] < r - w) deque.shift();
      const prevMax = deque.length ? raw[deque[0]] : 0;
      const s = r >= probation && raw[r] > prevMax ? raw[r] : 0;
      scores[r] = s;
      isAnomaly[r] = s > 0 && s >= threshold ? 1 : 0;
      while (deque.length && raw[deque[deque.length - 1]] <= raw[r]) deque.pop();
      deque.push(r);
    }
    return { name: file.name, scores, isAnomaly };
  });
}
