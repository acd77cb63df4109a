import type { Series } from "../series/types.ts";
import type { FamilyModel, Model } from "../model/schema.ts";
import type { Calibration } from "../model/calibration.ts";
import { compileCalibration } from "../model/compile_calibration.ts";
import { DETECTORS } from "../detectors/registry.ts";

/** Per-point scores of one series under a model. */
export interface SeriesScores {
  /** Combined ensemble score per point, 0..1 (`NaN` where no detector can say). */
  combined: Float64Array;
  /** Index of the detector (in `names`) that drove each combined score, −1 when none. */
  driver: Int8Array;
  /** Detector names, in model order. */
  names: string[];
  /** Calibrated score per detector per point, 0..1. */
  calibrated: Float64Array[];
  /** Raw score per detector per point. */
  raw: Float64Array[];
}

const compiledCache = new WeakMap<Calibration, (x: number) => number>();
function compiled(cal: Calibration): (x: number) => number {
  let f = compiledCache.get(cal);
  if (!f) compiledCache.set(cal, f = compileCalibration(cal));
  return f;
}

/** Tail probabilities of static breach levels 0, 1, 2 (not learned: a breach is a breach). */
const BREACH_P = [1, 1e-5, 1e-9];

/**
 * Scores one series with every detector of the model, calibrates each detector's raw scores into tail
 * probabilities p, and combines them: combined = −log10(min(1, D · min_d p_d)) / digits, capped at 1
 * (a Bonferroni correction over the D detectors that could say something at that point).
 *
 * @param model The model.
 * @param family The family's part of the model.
 * @param series A series on the model's step.
 * @returns Per-point scores.
 * @example
 * ```ts ignore
 * const scores = scoreSeries(model, model.families.presence, series);
 * ```
 */
export function scoreSeries(
  model: Pick<Model, "detectors" | "ensemble">,
  family: Pick<FamilyModel, "calibration">,
  series: Series,
): SeriesScores {
  const names = Object.keys(model.detectors);
  const raw = names.map((name) => {
    const det = DETECTORS[name];
    if (!det) throw new RangeError(`Cannot score ${series.key}: unknown detector "${name}" in the model`);
    return det.score(series, model.detectors[name]);
  });
  return combineRaw(model, family, names, raw, series.key);
}

/**
 * Calibrates and combines raw detector scores already computed (see {@link scoreSeries}).
 *
 * @param model The model's ensemble settings.
 * @param family The family's calibrations.
 * @param names Detector names, one per raw array.
 * @param raw Raw scores per detector.
 * @param key Series key, for messages.
 * @returns Per-point scores.
 */
export function combineRaw(
  model: Pick<Model, "ensemble">,
  family: Pick<FamilyModel, "calibration">,
  names: string[],
  raw: Float64Array[],
  key: string,
): SeriesScores {
  const n = raw.length ? raw[0].length : 0;
  const digits = model.ensemble.digits;
  const calibrated = names.map(() => new Float64Array(n));
  const logP = names.map(() => new Float64Array(n));
  names.forEach((name, d) => {
    const r = raw[d], c = calibrated[d], lp = logP[d];
    if (name === "static_breach") {
      for (let i = 0; i < n; i++) {
        const v = r[i];
        lp[i] = v === v ? Math.log10(BREACH_P[v]) : NaN;
        c[i] = v === v ? Math.min(1, -lp[i] / digits) : NaN;
      }
      return;
    }
    const cal = family.calibration[name];
    if (!cal) throw new RangeError(`Cannot score ${key}: the model has no calibration for "${name}"`);
    const log10p = compiled(cal);
    for (let i = 0; i < n; i++) {
      const l = log10p(r[i]);
      lp[i] = l;
      c[i] = l === l ? Math.min(1, -l / digits) : NaN;
    }
  });
  const { combined, driver } = combineLogP(logP, digits);
  return { combined, driver, names, calibrated, raw };
}

/**
 * The ensemble's combination of per-detector log10 tail probabilities at each point: the smallest, Bonferroni-
 * corrected by the number of detectors that could say something there, as −log10(p) / digits capped at 1
 * (`NaN` where none could). Shared by `detect` and the NAB runner, so both measure the same scorer.
 *
 * @param logP log10 tail probability per detector per point (`NaN` = the detector cannot say).
 * @param digits Calibrated score = −log10(p) / digits.
 * @returns The combined score and, per point, the index of the detector that drove it (−1 for none).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { combineLogP } from "./score_series.ts";
 * const { combined, driver } = combineLogP([new Float64Array([-1, NaN]), new Float64Array([-5, NaN])], 8);
 * assert.equal(driver[0], 1);
 * assert.ok(Math.abs(combined[0] - (5 - Math.log10(2)) / 8) < 1e-12);
 * assert.ok(Number.isNaN(combined[1]));
 * ```
 */
export function combineLogP(
  logP: Float64Array[],
  digits: number,
): { combined: Float64Array; driver: Int8Array } {
  const n = logP.length ? logP[0].length : 0;
  const combined = new Float64Array(n);
  const driver = new Int8Array(n);
  const D = logP.length;
  for (let i = 0; i < n; i++) {
    let best = Infinity, who = -1, count = 0;
    for (let d = 0; d < D; d++) {
      const l = logP[d][i];
      if (l !== l) continue;
      count++;
      if (l < best) {
        best = l;
        who = d;
      }
    }
    if (count === 0) {
      combined[i] = NaN;
      driver[i] = -1;
      continue;
    }
    const lc = Math.min(0, best + Math.log10(count));
    combined[i] = Math.min(1, -lc / digits);
    driver[i] = who;
  }
  return { combined, driver };
}
