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

/** A generated corpus: the series, the ground-truth labels, and the options that produced them. */
export interface Corpus {
  /** One series per shard × aggregator, all on one grid, shard-major order (aggregator varies fastest). */
  series: Series[];
  /** Every labelled anomaly, sorted by start time then series key. */
  labels: AnomalyLabel[];
  /** The options with every default filled in, enough to regenerate the corpus exactly. */
  options: Required<GenerateOptions>;
}
