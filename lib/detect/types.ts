/**
 * The anomaly record: the original scripts' fields (`machine, aggregator, timestamp, severity`) so their
 * consumers keep working, plus what an operator needs to act on it.
 *
 * @module
 */

/** Severity, from the calibrated score and the duration. */
export type Severity = "low" | "medium" | "high";

/** Every severity, least first. */
export const SEVERITIES: readonly Severity[] = Object.freeze(["low", "medium", "high"]);

/**
 * The order of severities, low to high: compare ranks, never names (the one table; alerts, the fleet view and
 * the report sort and filter by it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SEVERITY_RANK } from "./types.ts";
 * assert.ok(SEVERITY_RANK.high > SEVERITY_RANK.medium && SEVERITY_RANK.medium > SEVERITY_RANK.low);
 * ```
 */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = Object.freeze({
  low: 0,
  medium: 1,
  high: 2,
});

/**
 * How many of each severity a list holds.
 *
 * @param items Anything with a severity (anomalies, incidents, alerts).
 * @returns The counts, every severity present (0 when none).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countBySeverity } from "./types.ts";
 * assert.deepEqual(countBySeverity([{ severity: "high" }, { severity: "low" }]), { high: 1, medium: 0, low: 1 });
 * ```
 */
export function countBySeverity(items: Iterable<{ severity: Severity }>): Record<Severity, number> {
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const { severity } of items) counts[severity]++;
  return counts;
}

/** One accent colour per severity: the report, its charts and the notebook tables. */
export const SEVERITY_COLOR: Readonly<Record<Severity, string>> = Object.freeze({
  low: "#e6a817",
  medium: "#e8590c",
  high: "#c92a2a",
});

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
  /**
   * The episode's stable id (`a-` and 11 characters): the same episode has the same id in every run and window
   * (see `episodeId`); `deno task feedback` takes it.
   */
  id: string;
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
