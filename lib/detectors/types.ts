/**
 * The detector contract (Merlion/ADTK style: score first, label second).
 *
 * @module
 */
import type { Series } from "../series/types.ts";

/** JSON-serialisable detector parameters. */
export type Params = Record<string, unknown>;

/**
 * A detector: `fit` learns plain-JSON params from training series; `score` is causal — `score[i]` uses only
 * `values[0..i]` — and returns one raw score per point, higher = more anomalous, `NaN` where it cannot say.
 * Raw scores are on the detector's own scale; the model calibrates them (lib/model) before they are combined.
 */
export interface Detector<P extends Params = Params, O = Record<string, unknown>> {
  /** Stable name used in models and reasons, e.g. `seasonal_lag`. */
  readonly name: string;
  /** One line for humans. */
  readonly description: string;
  /** Learns params from training series (may be empty params when nothing needs learning). */
  fit(train: readonly Series[], options?: O): P;
  /** Causal raw scores, one per point. */
  score(series: Series, params: P): Float64Array;
  /**
   * A sentence for people about one point this detector flagged, stating the model's own options (its lags,
   * its windows), e.g. `0.31 vs 0.04 expected (median of the same time 1 d / 7 d / 14 d earlier)`.
   *
   * @param raw The detector's raw score at the point.
   * @param observed The value at the point (`NaN` when missing).
   * @param expected The seasonal expectation at the point (`NaN` when unknown).
   * @param params The params the model holds for this detector.
   * @param context The series' step, ms.
   */
  explain(raw: number, observed: number, expected: number, params: P, context: ExplainContext): string;
  /**
   * For a detector that judges a point by its distance from a baseline: the baseline and the unit of distance
   * at each point, so that wherever `score` is a number, `score[i] = |values[i] − center[i]| / unit[i]`. Both
   * use only the points before i (a forecast), so the values scoring below a raw limit r at i are
   * `center[i] ± r · unit[i]`: the band. Absent on detectors that judge a run, a climb or a sum over time.
   */
  basis?(series: Series, params: P): Basis;
  /**
   * Points from a series' start during which this detector's scores run on a baseline not yet complete (a
   * trailing window not yet full): they are calibrated on their own, apart from the scores after (see `train`).
   * Absent: one calibration throughout.
   */
  warmUp?(params: P, step: number): number;
}

/** What a distance-from-baseline detector judges each point against (see {@link Detector.basis}). */
export interface Basis {
  /** The raw scores, as `score` returns them (the same pass). */
  raw: Float64Array;
  /** The baseline per point (`NaN` where there is none yet). */
  center: Float64Array;
  /** The unit of distance per point (`NaN` where there is none yet). */
  unit: Float64Array;
}

/** What {@link Detector.explain} knows about the series besides the point. */
export interface ExplainContext {
  /** The series' step, ms. */
  step: number;
  /** The series' values, when the caller has them (with `index`): a detector may read the points before. */
  values?: ArrayLike<number>;
  /** The point's index in `values`. */
  index?: number;
}
