/**
 * Types shared by the synthetic "presence" corpus generator and its writers.
 *
 * @module
 */
import type { Series } from "../series/types.ts";
import type { GenerateOptions } from "./generate.ts";

/**
 * The anomaly kinds operators see on `agg_length_behind_ratio`:
 * - `spike`: 1–3 points (hourly) far above the expected value;
 * - `stall`: the ratio climbs steadily for hours, then recovers;
 * - `flatline`: the value is stuck at one exact constant (a gauge that stopped updating);
 * - `dropout`: no data at all (`NaN`) for hours;
 * - `level_shift`: the level is several times higher for days, then back;
 * - `rhythm_loss`: the daily rhythm disappears for days (a constant level plus noise).
 */
export type AnomalyKind = "spike" | "stall" | "flatline" | "dropout" | "level_shift" | "rhythm_loss";

/**
 * Every {@link AnomalyKind}, in a fixed order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ANOMALY_KINDS } from "./types.ts";
 * assert.ok(ANOMALY_KINDS.length === 6 && ANOMALY_KINDS.includes("stall"));
 * ```
 */
export const ANOMALY_KINDS: readonly AnomalyKind[] = Object.freeze([
  "spike",
  "stall",
  "flatline",
  "dropout",
  "level_shift",
  "rhythm_loss",
]);

/**
 * The six presence aggregators the original scripts watched, in their usual order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PRESENCE_AGGREGATORS } from "./types.ts";
 * assert.ok(PRESENCE_AGGREGATORS.every((a) => a.startsWith("ProbeTablesAggregator.")));
 * ```
 */
export const PRESENCE_AGGREGATORS: readonly string[] = Object.freeze([
  "ProbeTablesAggregator.network_tag_node_tag_cmx_probe_counts_by_ssid_day_utc",
  "ProbeTablesAggregator.network_tag_node_tag_cmx_probe_counts_by_ssid_hour_utc",
  "ProbeTablesAggregator.network_tag_node_tag_cmx_probe_hll_hour",
  "ProbeTablesAggregator.node_tag_cmx_probe_counts_by_ssid_day_utc",
  "ProbeTablesAggregator.node_tag_cmx_probe_counts_by_ssid_hour_utc",
  "ProbeTablesAggregator.node_tag_cmx_probe_hll_hour",
]);

/**
 * One labelled anomaly: the inclusive time range (epoch ms UTC, both ends on the series grid) that covers
 * exactly the anomalous points of one series.
 */
export interface AnomalyLabel {
  /** The series key (full Graphite path). */
  series: string;
  /** The shard, e.g. `n200-primary-meraki-com`. */
  machine: string;
  /** The aggregator, e.g. `ProbeTablesAggregator.node_tag_cmx_probe_hll_hour`. */
  aggregator: string;
  /** What happened. */
  kind: AnomalyKind;
  /** Time of the first anomalous point, epoch ms UTC. */
  start: number;
  /** Time of the last anomalous point (inclusive), epoch ms UTC. */
  end: number;
}

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

/** The options of a generated corpus: every base option resolved; the extras only when they were given. */
export type ResolvedGenerateOptions =
  & Required<Omit<GenerateOptions, "noise" | "sizes" | "kinds" | "evalSpan">>
  & Pick<GenerateOptions, "noise" | "sizes" | "kinds" | "evalSpan">;

/** A generated corpus: the series, the ground-truth labels, and the options that produced them. */
export interface Corpus {
  /** One series per shard × aggregator, all on one grid, shard-major order (aggregator varies fastest). */
  series: Series[];
  /** Every labelled anomaly, sorted by start time then series key. */
  labels: AnomalyLabel[];
  /** The options with every default filled in, enough to regenerate the corpus exactly. */
  options: ResolvedGenerateOptions;
}
