/**
 * Types of the synthetic "presence" corpus generator's options (the kinds and labels themselves are in
 * `lib/presence.ts`).
 *
 * @module
 */
import type { AnomalyKind } from "../presence.ts";

/** A range `[lo, hi]` (inclusive) a size is drawn from uniformly. */
export type SizeRange = readonly [number, number];

/**
 * Incident sizes per kind for {@link GenerateOptions.sizes}: multiples of the expected value and durations in
 * wall time, turned into points at the corpus step (a spike at least 1 point, a stall's climb and a flatline
 * at least 3, a dropout, level shift and rhythm loss at least 2, so they differ from the unlabelled blips).
 */
export interface IncidentSizes {
  /** A short excursion: `factor` × the expected value for `minutes`. */
  spike?: { factor: SizeRange; minutes: SizeRange };
  /** A steady climb to `factor` × the mean expected value over `climbHours`, then a 1–2 h recovery. */
  stall?: { factor: SizeRange; climbHours: SizeRange };
  /** One exact constant for `hours`. */
  flatline?: { hours: SizeRange };
  /** No data for `hours`. */
  dropout?: { hours: SizeRange };
  /** The values × `factor` for `hours`. */
  level_shift?: { factor: SizeRange; hours: SizeRange };
  /** A constant level near the daily peak plus noise for `hours`. */
  rhythm_loss?: { hours: SizeRange };
}

/**
 * A final evaluation span for {@link GenerateOptions.evalSpan}: the last `days` are cut into `perSeries` equal
 * slots on every series, and each slot holds one labelled anomaly (at least 6 h, or an eighth of the slot, from
 * its edges; cut to fit when longer), its kind dealt from a shuffled deck of `kinds` so kinds stay balanced.
 */
export interface EvalSpanOptions {
  /** Length of the span in days, > 0, leaving at least a day before it. */
  days: number;
  /** Labelled anomalies per series in the span, an integer ≥ 1. */
  perSeries: number;
  /** Kinds dealt. @default {ANOMALY_KINDS} */
  kinds?: readonly AnomalyKind[];
}
