/**
 * The data a report page is rendered from: plain values, built by `buildReport` from the pipeline's results.
 *
 * @module
 */
import type { Anomaly } from "../detect/types.ts";
import type { FleetIncident } from "../fleet/types.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import type { ShardSummary } from "../fleet/shard_summary.ts";
import type { HeatmapCell } from "./charts/fleet_heatmap.ts";
import type { AnomalyChartData } from "./charts/anomaly_chart.ts";

export type { HeatmapCell } from "./charts/fleet_heatmap.ts";
export type { AnomalyChartData } from "./charts/anomaly_chart.ts";

/** A series whose data looks wrong in the report window. */
export interface QualityRow {
  /** Series key. */
  series: string;
  machine: string;
  aggregator: string;
  /** What is wrong: `missing` (little data), `stale` (stopped reporting), `flat` (stuck), or a detect note. */
  issue: string;
  /** A sentence. */
  detail: string;
}

/** Everything the page shows. */
export interface ReportData {
  title: string;
  /** When the report was made, ISO. */
  generatedAt: string;
  /** The report window, epoch ms. */
  from: number;
  until: number;
  /** Where the data came from, e.g. `replay of data/ (6 CSV files)`. */
  source: string;
  /** What was written back to carbon, one sentence (absent without write-back). */
  writeBack?: string;
  model: {
    family: string;
    trainedOn: string;
    profile: string;
    threshold: number;
    detectors: string[];
    /** Detectors left out of the model, with why. */
    skipped: string[];
  };
  /** Series asked for, and scored. */
  series: { asked: number; scored: number };
  /** Fraction of points in the window that hold a value, 0..1. */
  coverage: number;
  anomalies: HydratedAnomaly[];
  /** Anomalies operators' feedback dismissed in the window (not alerted), each with its reason first. */
  dismissed?: Anomaly[];
  /** Per anomaly (same order), the Grafana dashboard on its shard and aggregator around it, when a Grafana URL is
   * configured. */
  dashboardLinks?: string[];
  /** Heatmap cells per aggregator, and the bucket size. */
  heatmaps: { aggregator: string; cells: HeatmapCell[] }[];
  bucket: number;
  /** Context charts of the top anomalies, in rank order. */
  charts: AnomalyChartData[];
  /** Fleet-wide incidents in the window: many shards of one aggregator anomalous at once. */
  incidents: FleetIncident[];
  /** The fleet-incident floor used, for the page's wording. */
  fleetFloor: { minShards: number; minFraction?: number };
  /** Per-shard summaries over the trend period (from `trendFrom` to `until`). */
  shards: ShardSummary[];
  /** Start of the trend period, epoch ms. */
  trendFrom: number;
  /** Grid step of each series, ms (for durations). */
  steps: Record<string, number>;
  /** Anomalies per shard per day over the trend period (for the trend chart). */
  trend: { machine: string; day: number; anomalies: number }[];
  quality: QualityRow[];
  /** Fetch failures by series (live sources), empty for files. */
  failures: { series: string; reason: string }[];
}
