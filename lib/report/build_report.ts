import type { Series } from "../series/types.ts";
import type { Model } from "../model/schema.ts";
import { type DetectResult, SCORED_NOTES } from "../detect/detect.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import { SEVERITY_RANK } from "../detect/types.ts";
import { shardSummary } from "../fleet/shard_summary.ts";
import { fleetIncidents } from "../fleet/fleet_incidents.ts";
import { scoreSeries } from "../model/score_series.ts";
import { thresholdAt } from "../model/threshold_at.ts";
import type { AnomalyChartData, HeatmapCell, QualityRow, ReportData } from "./types.ts";

/** Options for {@link buildReport}. */
export interface BuildReportOptions {
  /** Report window start and end, epoch ms. */
  from: number;
  until: number;
  /** When the report is made, epoch ms (lib never reads the clock). */
  now: number;
  /** Where the data came from, for the summary. */
  source: string;
  /** Context charts for this many top anomalies. @default 12 */
  top?: number;
  /** Page title. @default "Anomaly report" */
  title?: string;
  /** Fetch failures (live sources). @default [] */
  failures?: { series: string; reason: string }[];
  /** What was written back to carbon, one sentence. @default undefined (no write-back) */
  writeBack?: string;
  /** Heatmap cells per aggregator at most (the bucket grows to fit). @default 2400 */
  maxCells?: number;
  /** Start of the per-shard trend period, epoch ms (`detected` must cover it). @default from − 13 days */
  trendFrom?: number;
  /** Every fetched series, scored or not, for the data coverage (unscored ones count as what they hold).
   * @default the scored series */
  allSeries?: readonly Series[];
  /** Fleet-wide incidents: at least max(minShards, ceil(minFraction × shards)) shards of one aggregator
   * anomalous within `window` ms. @default { minShards: 20, window: 1 h } */
  fleet?: { minShards?: number; minFraction?: number; window?: number };
  /** The Grafana dashboard link of an anomaly (e.g. from `dashboardLinker`), shown in the anomaly table.
   * @default undefined (no links) */
  dashboardLink?: (anomaly: HydratedAnomaly) => string;
}

const HOUR = 3_600_000, DAY = 86_400_000;

/**
 * Gathers everything the report page shows from the pipeline's results: a summary, a heatmap per aggregator
 * (highest ensemble score per shard and time bucket), the ranked anomalies with the context chart data of the
 * top N (series, the expected value and the band: the values that would score below the threshold, as detect
 * computes it with `band`), per-shard summaries and trends, and the data-quality rows (missing, stale, flat,
 * unscored series).
 *
 * @param model The model used.
 * @param detected `detect(..., {keepScores: true})` over the series.
 * @param hydrated The hydrated anomalies.
 * @param options See {@link BuildReportOptions}.
 * @returns The report data.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildReport } from "./build_report.ts";
 * import { detect } from "../detect/detect.ts";
 * import { hydrate } from "../hydrate/hydrate.ts";
 * import { train } from "../model/train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 2, days: 20, aggregators: ["A"], seed: 3 });
 * const until = series[0].start + (series[0].values.length - 1) * series[0].step, from = until - 86_400_000;
 * const model = train(series);
 * const detected = detect(model, series, { from, until, keepScores: true });
 * const hydrated = hydrate(detected.anomalies, series);
 * const data = buildReport(model, detected, hydrated, { from, until, now: until, source: "replay of data/" });
 * assert.equal(data.source, "replay of data/");
 * assert.equal(data.heatmaps.length, 1);
 * ```
 */
export function buildReport(
  model: Model,
  detected: DetectResult,
  hydrated: HydratedAnomaly[],
  options: BuildReportOptions,
): ReportData {
  const { from, until, now, source, top = 12, title = "Anomaly report", failures = [], maxCells = 2400 } =
    options;
  const trendFrom = options.trendFrom ?? from - 13 * DAY;
  const kept = detected.scores ?? new Map();
  const family = model.families[model.family];
  const steps: Record<string, number> = {};
  for (const [key, { series }] of kept) steps[key] = series.step;
  const inTrend = detected.anomalies.filter((a) => a.end >= trendFrom && a.start <= until);
  const anomalies = hydrated.filter((a) => a.end >= from && a.start <= until)
    .sort((a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.score - a.score || a.start - b.start
    );

  // Heatmaps: per aggregator, shards × buckets.
  const byAggregator = new Map<string, { series: Series; combined: Float64Array }[]>();
  for (const { series, scores } of kept.values()) {
    const agg = series.labels.aggregator ?? "(no aggregator)";
    let list = byAggregator.get(agg);
    if (!list) byAggregator.set(agg, list = []);
    list.push({ series, combined: scores.combined });
  }
  const biggest = Math.max(1, ...[...byAggregator.values()].map((l) => l.length));
  let bucket = HOUR;
  while ((biggest * (until - from)) / bucket > maxCells) bucket *= 2;
  const heatmaps = [...byAggregator].sort((a, b) => a[0].localeCompare(b[0])).map(([aggregator, list]) => {
    const cells: HeatmapCell[] = [];
    for (const { series, combined } of list.sort((a, b) => a.series.key.localeCompare(b.series.key))) {
      const machine = series.labels.machine ?? series.key;
      for (let t = Math.floor(from / bucket) * bucket; t <= until; t += bucket) {
        const i0 = Math.max(0, Math.ceil((t - series.start) / series.step));
        const i1 = Math.min(combined.length - 1, Math.floor((t + bucket - 1 - series.start) / series.step));
        let m = NaN;
        for (let i = i0; i <= i1; i++) {
          if (combined[i] === combined[i] && !(combined[i] <= m)) m = combined[i];
        }
        cells.push({ machine, time: t, score: m });
      }
    }
    return { aggregator, cells };
  });

  // Context charts of the top anomalies.
  const charts: AnomalyChartData[] = [];
  for (const a of anomalies.slice(0, top)) {
    const entry = kept.get(a.series);
    if (!entry) continue;
    const s = entry.series;
    // The band detect would flag outside of (the same for write-back and Grafana): kept by detect with
    // `band` when it covers the chart, else computed for this series alone.
    const i0 = Math.max(0, Math.ceil((a.context.from - s.start) / s.step));
    const keptBand = entry.scores.band;
    const band = keptBand && keptBand.first <= i0 ? keptBand : scoreSeries(model, family, s, {
      band: {
        threshold: thresholdAt(detected.threshold, model.trainedOn.step, s.step, model.ensemble.digits),
      },
    }).band!;
    const points: AnomalyChartData["points"] = [];
    const lo: number[] = [], hi: number[] = [];
    const i1 = Math.min(s.values.length - 1, Math.floor((a.context.to - s.start) / s.step));
    for (let i = i0; i <= i1; i++) {
      points.push({ time: s.start + i * s.step, value: s.values[i], expected: band.expected[i] });
      lo.push(band.lower[i]);
      hi.push(band.upper[i]);
    }
    // Mark the largest value of the anomalous span (what the title reports), or the peak score if it has none.
    let markAt = a.peakAt, markValue: number | null = null;
    const j0 = Math.max(0, Math.round((a.start - s.start) / s.step));
    const j1 = Math.min(s.values.length - 1, Math.round((a.end - s.start) / s.step));
    for (let i = j0; i <= j1; i++) {
      const v = s.values[i];
      if (v === v && (markValue === null || v > markValue)) {
        markValue = v;
        markAt = s.start + i * s.step;
      }
    }
    charts.push({
      points,
      band: { lo, hi },
      start: a.start,
      end: a.end,
      peakAt: markAt,
      peakValue: markValue,
      machine: a.machine || a.series,
      aggregator: a.aggregator,
      severity: a.severity,
    });
  }

  // Fleet-wide incidents in the window, against the shards scored per aggregator.
  const { minShards = 20, minFraction, window: fleetWindow = HOUR } = options.fleet ?? {};
  const fleetSize: Record<string, number> = Object.create(null);
  for (const [, { series }] of kept) {
    const agg = series.labels.aggregator;
    if (agg) fleetSize[agg] = (fleetSize[agg] ?? 0) + 1;
  }
  const incidents = fleetIncidents(
    detected.anomalies.filter((a) =>
      a.end >= from && a.start <= until && Object.hasOwn(fleetSize, a.aggregator)
    ),
    { fleetSize, minShards, minFraction, window: fleetWindow },
  );

  // Shards and trends over the trend period, by day.
  const shards = shardSummary(inTrend, { from: trendFrom, until, bucket: DAY });
  const trend: ReportData["trend"] = [];
  for (const sh of shards) {
    sh.perBucket.forEach((count, k) =>
      trend.push({ machine: sh.machine, day: trendFrom + k * DAY, anomalies: count })
    );
  }

  // Data quality in the window.
  const quality: QualityRow[] = detected.notes.map((n) => ({
    series: n.series,
    machine: "",
    aggregator: "",
    issue: n.reason,
    detail: n.detail,
  }));
  let total = 0, valid = 0;
  const scoredKeys = new Set(kept.keys());
  for (const s of options.allSeries ?? []) {
    if (scoredKeys.has(s.key)) continue;
    const i0 = Math.max(0, Math.ceil((from - s.start) / s.step));
    const i1 = Math.min(s.values.length - 1, Math.floor((until - s.start) / s.step));
    total += Math.max(0, Math.round((until - from) / s.step) + 1);
    for (let i = i0; i <= i1; i++) if (s.values[i] === s.values[i]) valid++;
  }
  for (const { series } of kept.values()) {
    const i0 = Math.max(0, Math.ceil((from - series.start) / series.step));
    const i1 = Math.min(series.values.length - 1, Math.floor((until - series.start) / series.step));
    let n = 0, ok = 0, trailing = 0, flatPairs = 0, pairs = 0, prev = NaN;
    for (let i = i0; i <= i1; i++) {
      const v = series.values[i];
      n++;
      if (v === v) {
        ok++;
        trailing = 0;
        if (prev === prev) {
          pairs++;
          if (v === prev) flatPairs++;
        }
        prev = v;
      } else trailing++;
    }
    total += n;
    valid += ok;
    const base = {
      series: series.key,
      machine: series.labels.machine ?? "",
      aggregator: series.labels.aggregator ?? "",
    };
    if (n && ok / n < 0.8) {
      quality.push({
        ...base,
        issue: "missing",
        detail: `${((1 - ok / n) * 100).toFixed(0)} % of the window is missing`,
      });
    }
    if (trailing > 0 && trailing * series.step >= HOUR) {
      quality.push({
        ...base,
        issue: "stale",
        detail: `no data for the last ${((trailing * series.step) / HOUR).toFixed(1)} h`,
      });
    }
    if (pairs >= 4 && flatPairs / pairs >= 0.5) {
      quality.push({
        ...base,
        issue: "flat",
        detail: `${((flatPairs / pairs) * 100).toFixed(0)} % of consecutive points repeat exactly`,
      });
    }
  }
  return {
    title,
    generatedAt: new Date(now).toISOString(),
    from,
    until,
    source,
    model: {
      family: model.family,
      trainedOn: `${model.trainedOn.series} series, ${model.trainedOn.from.slice(0, 10)} – ${
        model.trainedOn.to.slice(0, 10)
      }${model.timeZone ? `, days on ${model.timeZone} time` : ""}`,
      profile: detected.profile,
      threshold: detected.threshold,
      detectors: Object.keys(model.detectors),
      skipped: (model.skippedDetectors ?? []).map((s) => `${s.detector} (${s.reason})`),
    },
    series: {
      asked: detected.scored + detected.notes.filter((n) => !SCORED_NOTES.has(n.reason)).length,
      scored: detected.scored,
    },
    coverage: total ? valid / total : 0,
    anomalies,
    ...(options.dashboardLink ? { dashboardLinks: anomalies.map(options.dashboardLink) } : {}),
    heatmaps,
    bucket,
    charts,
    incidents,
    fleetFloor: { minShards, ...(minFraction !== undefined ? { minFraction } : {}) },
    shards,
    trendFrom,
    steps,
    trend,
    quality,
    failures,
    ...(detected.dismissed?.length
      ? { dismissed: detected.dismissed.filter((a) => a.end >= from && a.start <= until) }
      : {}),
    ...(options.writeBack ? { writeBack: options.writeBack } : {}),
  };
}
