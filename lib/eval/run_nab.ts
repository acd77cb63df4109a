import type { NabFile } from "./nab_corpus.ts";
import { nabRows } from "./_nab_rows.ts";
import { toGrid } from "../series/to_grid.ts";
import type { Series } from "../series/types.ts";
import { train } from "../model/train.ts";
import { detect } from "../detect/detect.ts";
import { logPOfScore } from "../model/score_series.ts";

/** Options for {@link runNab}. */
export interface RunNabOptions {
  /** Detectors of the ensemble. @default DEFAULT_DETECTORS, as `train` uses */
  detectors?: string[];
  /** Our own decision threshold on the 0..1 score (`is_anomaly`). @default 0.5: each file's model's strict threshold */
  threshold?: number;
  /** Alert expiry as a fraction of the file's rows: within it, a point must beat the highest earlier score to
   * be reported again (threshold-independent, so the threshold sweep still sees one score per row). @default 0.05 */
  expiry?: number;
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
 * Runs the product itself over NAB files by NAB's rules: restarted for every file, one configuration for all
 * files, causal and online. For each file, `train` learns a model from the probationary period (the first
 * min(⌊0.15·N⌋, 750) rows) alone, as `deno task train` would from that much history, and `detect` scores the
 * whole file with it (every detector causal; calibrations hand over to the series' own history as it grows).
 * What NAB's rules force on top of that, and nothing else:
 * - one threshold for all files, where each file has a model of its own: a file's scores are re-expressed
 *   relative to its model's strict threshold, as L' / digits capped at 1 with L' = L − L_strict + digits / 2
 *   and L = −log10 p, so 0.5 is "at its own threshold" — our decision, `is_anomaly`;
 * - one score per row: at or beyond our own threshold a row is reported once per episode (flags within the
 *   model's episode gap) and again when it escalates by a decade, as `detect` and the alert plan do; below it
 *   an alert expiry stands in (a row that beats the preceding 5 % of the file), with the same episodes (rows
 *   that keep beating it within the episode gap are one report, again when they have risen by a decade); rows
 *   are mapped onto a regular grid and back, so the output has one score per input row, in input order.
 *
 * @param files NAB files from `readNabCorpus`.
 * @param options See {@link RunNabOptions}.
 * @returns One result per file.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runNab } from "./run_nab.ts";
 * // One NAB-style file: 10 days at 5 minutes, a daily rhythm, a spike on the last day.
 * const step = 300_000, n = 10 * 288;
 * const timestamps = Float64Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1) + i * step);
 * const values = Float64Array.from({ length: n }, (_, i) => 10 + Math.sin((2 * Math.PI * i) / 288) + (i % 7) / 10);
 * values[n - 100] = 40;
 * const [run] = runNab([{ name: "demo/one.csv", timestamps, values, windows: [] }]);
 * assert.equal(run.scores.length, n);
 * assert.equal(run.isAnomaly[n - 100], 1);
 * ```
 */
export function runNab(files: readonly NabFile[], options: RunNabOptions = {}): NabRun[] {
  const { detectors, threshold = 0.5, expiry = 0.05, detectorOptions = {} } = options;
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
    const rowIdx = new Int32Array(n);
    for (let r = 0; r < n; r++) rowIdx[r] = Math.round((file.timestamps[r] - grid.start) / grid.step);
    const probation = Math.min(Math.floor(0.15 * n), 750);
    let probEnd = 0; // first grid index after the probationary period
    for (let r = 0; r < probation; r++) probEnd = Math.max(probEnd, rowIdx[r] + 1);
    const model = train([{ ...series, values: series.values.slice(0, probEnd) }], {
      detectors,
      detectorOptions,
      unit: "other",
      minHistory: 0,
    });
    const digits = model.ensemble.digits;
    // L' = L − L_strict + digits / 2: the file's own strict threshold scores 0.5 (see below).
    const shift = -logPOfScore(model.families[model.family].thresholds.strict, digits) - digits / 2;
    // detect() itself, so its rules hold here too (a series constant in training and after is not scored).
    const scored = detect(model, [series], { keepScores: true }).scores?.get(series.key)?.scores.combined;
    // Escalation stops at certainty: beyond p = 10^−digits every score is the same (L / digits capped at 1), or
    // each further decade of an incident that is already certain would count as a new report.
    const g = series.values.length;
    const combined = new Float64Array(g);
    for (let i = 0; i < g; i++) {
      const c = scored ? scored[i] : 0;
      combined[i] = c === c ? Math.min(1, Math.max(0, -logPOfScore(c, digits) - shift) / digits) : c;
    }
    const raw = new Float64Array(n);
    for (let r = 0; r < n; r++) raw[r] = combined[rowIdx[r]];
    const scores = nabRows(raw, file.timestamps, {
      probation,
      window: Math.max(1, Math.round(expiry * n)),
      gapMs: model.events.episodeGap,
      digits,
    });
    const isAnomaly = Uint8Array.from(scores, (s) => (s > 0 && s >= threshold ? 1 : 0));
    return { name: file.name, scores, isAnomaly };
  });
}
