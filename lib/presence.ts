/**
 * The presence family's shared vocabulary: its aggregators (the product's default fleet), the anomaly kinds
 * operators see on `agg_length_behind_ratio`, and the labels that mark them. Read by the sources' config, the
 * evaluation, the generator and the display; it depends on nothing.
 *
 * @module
 */

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
 * import { ANOMALY_KINDS } from "./presence.ts";
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
 * import { PRESENCE_AGGREGATORS } from "./presence.ts";
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
