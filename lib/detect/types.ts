/**
 * The anomaly record: the original scripts' fields (`machine, aggregator, timestamp, severity`) so their
 * consumers keep working, plus what an operator needs to act on it.
 *
 * @module
 */

/** Severity, from the calibrated score and the duration. */
export type Severity = "low" | "medium" | "high";

/** Why a detector fired. */
export interface Reason {
  /** Detector name, e.g. `seasonal_lag`. */
  detector: string;
  /** Its calibrated score at the peak, 0..1. */
  score: number;
  /** A sentence for humans, e.g. `0.31 vs 0.04 expected (same hour, median of 1d/2d/3d/7d)`. */
  detail: string;
}

/** One detected anomalous episode on one series. */
export interface Anomaly {
  /** Shard, e.g. `n200-primary-meraki-com` (empty when the key did not match the template). */
  machine: string;
  /** Aggregator, e.g. `ProbeTablesAggregator.node_tag_cmx_probe_hll_hour`. */
  aggregator: string;
  /** When it started, ISO 8601 UTC (the event time, never the wall clock). */
  timestamp: string;
  /** low / medium / high. */
  severity: Severity;
  /** The series key. */
  series: string;
  /** First anomalous point, epoch ms. */
  start: number;
  /** Last anomalous point (inclusive), epoch ms. */
  end: number;
  /** When the causal score first crossed the threshold, epoch ms (≥ start: a stuck value or a gap is dated
   * from its onset, which is known only once it has lasted long enough to flag). */
  detectedAt: number;
  /** The point with the highest score, epoch ms. */
  peakAt: number;
  /** The highest calibrated ensemble score in the episode, 0..1. */
  score: number;
  /** The value at the peak (`null` when missing, e.g. a dropout). */
  observed: number | null;
  /** The expected value at the peak (seasonal baseline), `null` when unknown. */
  expected: number | null;
  /** Which detectors fired, strongest first. */
  reasons: Reason[];
}
