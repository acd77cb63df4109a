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
}
