/**
 * Anomaly detection for Graphite and Grafana metrics.
 *
 * The pipeline, each stage a pure function of the one before:
 * `source → Series[] → train → Model → detect → Anomaly[] → hydrate → fleet / alerts / report`.
 *
 * - {@link Series}: a metric on a regular grid (epoch ms UTC, `NaN` = missing).
 * - {@link loadCsv} / {@link parseGrafanaCsv}: Grafana CSV exports as users have them.
 * - {@link generateCorpus}: the seeded synthetic presence corpus with labelled anomalies.
 * - {@link runDetection}, {@link runReport}, {@link runWatchCycle}: the chain as `deno task detect`, `report` and
 *   `watch` run it (lib/pipeline/), for notebooks and scripts.
 * - {@link runPartition}, {@link loadPartitions}, {@link mergePartitions}: a fleet split by machine
 *   (`--partition i/N`) and joined again (`deno task merge`), finding what one run finds.
 * - {@link show}: a result rendered for Jupyter (results themselves are plain data).
 * - {@link grafanaDashboard}, {@link dashboardUrl}: the Grafana dashboard of the scores written back to Graphite,
 *   and the link to it that alerts and the report carry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGrafanaCsv, summarize } from "./mod.ts";
 * const { series } = parseGrafanaCsv("Time,a\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,3\n");
 * assert.ok(summarize(series[0]).max === 3);
 * ```
 *
 * @module
 */
export type { Series } from "./series/types.ts";
export { parseTime } from "./series/parse_time.ts";
export { compileTemplate, DEFAULT_TEMPLATE, type Template } from "./series/template.ts";
export { type Grid, inferStep, toGrid, type ToGridOptions } from "./series/to_grid.ts";
export {
  type CsvReport,
  type ParsedCsv,
  parseGrafanaCsv,
  type ParseGrafanaCsvOptions,
  type SkippedRow,
} from "./series/parse_grafana_csv.ts";
export { listCsvFiles, loadCsv, type LoadCsvOptions, type LoadedCsv } from "./series/load_csv.ts";
export { quantileSorted, type SeriesSummary, summarize } from "./series/summarize.ts";
export { createRng, type Rng } from "./prng.ts";
export { type Corpus, generateCorpus, type GenerateOptions } from "./synth/generate.ts";
export { ANOMALY_KINDS, type AnomalyKind, type AnomalyLabel, PRESENCE_AGGREGATORS } from "./presence.ts";
export { formatGrafanaCsv, type FormatGrafanaCsvOptions } from "./synth/write_csv.ts";
export { writeCorpus, type WriteCorpusOptions, type WriteCorpusResult } from "./synth/write_corpus.ts";
export { type NabFile, readNabCorpus } from "./eval/nab_corpus.ts";
export { type NabResultRows, writeNabResults } from "./eval/nab_write_results.ts";
export { nabRowLabels } from "./eval/nab_row_labels.ts";
export { nabWindowRows } from "./eval/nab_window_rows.ts";
export { NAB_PROFILES, type NabCosts, type NabProfileName, resolveNabProfile } from "./eval/nab_profiles.ts";
export { type NabRowWeights, nabRowWeights, type NabScoredFile } from "./eval/nab_row_weights.ts";
export { type NabFileScore, type NabScore, scoreNabAtThreshold } from "./eval/nab_score_at_threshold.ts";
export { optimizeNabThreshold, type OptimizeNabThresholdOptions } from "./eval/nab_optimize_threshold.ts";
export { type NabProfileResult, type NabReport, scoreNab, type ScoreNabOptions } from "./eval/nab_score.ts";
export { resample } from "./series/resample.ts";
export type { Detector, Params } from "./detectors/types.ts";
export { DEFAULT_DETECTORS, DETECTORS } from "./detectors/registry.ts";
export { seasonalExpectation, type SeasonalExpectationOptions } from "./series/seasonal_expectation.ts";
export {
  checkTimeZone,
  fromLocal,
  localTimeView,
  type LocalView,
  offsetSpans,
  utcOffset,
} from "./series/local_time.ts";
export { weeklyDayChange } from "./series/weekly_day_change.ts";
export { derivedOf } from "./series/derived.ts";
export { seasonalLag, type SeasonalLagOptions, type SeasonalLagParams } from "./detectors/seasonal_lag.ts";
export { robustZ, type RobustZOptions, type RobustZParams } from "./detectors/robust_z.ts";
export { levelShift, type LevelShiftOptions, type LevelShiftParams } from "./detectors/level_shift.ts";
export { stall, type StallOptions, type StallParams } from "./detectors/stall.ts";
export { flatline, type FlatlineOptions, type FlatlineParams } from "./detectors/flatline.ts";
export { missingData, type MissingDataParams } from "./detectors/missing_data.ts";
export { rhythmLoss, type RhythmLossOptions, type RhythmLossParams } from "./detectors/rhythm_loss.ts";
export {
  staticBreach,
  type StaticBreachOptions,
  type StaticBreachParams,
} from "./detectors/static_breach.ts";
export { parseDurationMs, parseLagMinutes } from "./series/parse_duration.ts";
export { parseWhen } from "./series/parse_when.ts";
export {
  isolationForest,
  type IsolationForestOptions,
  type IsolationForestParams,
} from "./detectors/isolation_forest.ts";
export {
  originalMethod,
  originalMethodFlags,
  type OriginalMethodOptions,
  type OriginalMethodParams,
} from "./eval/original_method.ts";
export {
  type Calibration,
  fitCalibration,
  type FitCalibrationOptions,
  fitRunLength,
  type FitRunLengthOptions,
  tailFloor,
  tailProbability,
} from "./model/calibration.ts";
export { compileCalibration } from "./model/compile_calibration.ts";
export { type FamilyModel, type Model, ModelSchema, type Profile, SCHEMA_VERSION } from "./model/schema.ts";
export { train, type TrainOptions } from "./model/train.ts";
export { saveModel } from "./model/save_model.ts";
export { type LoadModelOptions, parseModel } from "./model/parse_model.ts";
export { loadModel } from "./model/load_model.ts";
export { modelFingerprint } from "./model/model_fingerprint.ts";
export {
  type Anomaly,
  countBySeverity,
  type Reason,
  SEVERITIES,
  type Severity,
  SEVERITY_COLOR,
  SEVERITY_RANK,
} from "./detect/types.ts";
export {
  type Band,
  combineRaw,
  logPOfScore,
  scoreOfLogP,
  scoreSeries,
  type ScoreSeriesOptions,
  type SeriesScores,
} from "./model/score_series.ts";
export {
  detect,
  type DetectOptions,
  type DetectResult,
  type ScoredSeries,
  type SeriesNote,
} from "./detect/detect.ts";
export type { Basis } from "./detectors/types.ts";
export { hydrate, type HydratedAnomaly, type HydrateOptions } from "./hydrate/hydrate.ts";
export { type ShardSummary, shardSummary, type ShardSummaryOptions } from "./fleet/shard_summary.ts";
export type { FleetIncident, PeerOutlier } from "./fleet/types.ts";
export { fleetIncidents, type FleetIncidentsOptions } from "./fleet/fleet_incidents.ts";
export { peerOutliers, type PeerOutliersOptions } from "./fleet/peer_outliers.ts";
export { peerBaseline, type PeerBaselineOptions } from "./fleet/peer_baseline.ts";
export { mergePeerOutliers, type MergePeerOutliersOptions } from "./fleet/merge_peer_outliers.ts";
export { loadLabels } from "./eval/labels.ts";
export { parseLabels } from "./eval/parse_labels.ts";
export {
  type EventMetrics,
  eventMetrics,
  type EventMetricsOptions,
  type KindMetrics,
  type PredictedEvent,
  type SeriesCoverage,
} from "./eval/event_metrics.ts";
export { eventsFromFlags, type EventsFromFlagsOptions } from "./eval/events_from_flags.ts";
export { evaluate, type EvaluateOptions, type MethodResult } from "./eval/evaluate.ts";
export {
  type MatrixCell,
  type MatrixCellResult,
  type MatrixResult,
  robustnessMatrix,
  type RobustnessMatrixOptions,
} from "./eval/robustness_matrix.ts";
export { robustnessMatrixTable } from "./eval/robustness_matrix_table.ts";
export { type NabRun, runNab, type RunNabOptions } from "./eval/run_nab.ts";
export { buildReport, type BuildReportOptions } from "./report/build_report.ts";
export { renderPage } from "./report/render_page.ts";
export { renderBacktestPage } from "./report/render_backtest_page.ts";
export { alertsPerDayChart, type AlertsPerDayChartOptions } from "./report/charts/alerts_per_day_chart.ts";
export { type SweepRow, thresholdSweepChart } from "./report/charts/threshold_sweep_chart.ts";
export type { QualityRow, ReportData } from "./report/types.ts";
export { fleetHeatmap, type FleetHeatmapOptions, type HeatmapCell } from "./report/charts/fleet_heatmap.ts";
export {
  anomalyChart,
  type AnomalyChartData,
  type AnomalyChartOptions,
  type AnomalyChartPoint,
} from "./report/charts/anomaly_chart.ts";
export { maxBarChart, type MaxBarChartOptions, type MaxBarRow } from "./report/charts/max_bar_chart.ts";
export {
  shardTrendChart,
  type ShardTrendChartOptions,
  type ShardTrendRow,
} from "./report/charts/shard_trend_chart.ts";
export { scoreTimeline } from "./report/charts/score_timeline.ts";
export { crop } from "./series/crop.ts";
export { type Config, ConfigSchema, isLive, parseConfig } from "./sources/config.ts";
export { machineNames } from "./sources/machines.ts";
export { inPartition, type Partition } from "./sources/in_partition.ts";
export { parsePartition } from "./sources/parse_partition.ts";
export { displayUrl } from "./sources/display_url.ts";
export type { FailureKind, SourceFailure, SourceHttpOptions, SourceResult } from "./sources/types.ts";
export { fetchSource, type FetchSourceOptions, type SourceRun } from "./sources/fetch_source.ts";
export { fetchGraphite, type FetchGraphiteOptions } from "./sources/graphite.ts";
export {
  fetchFleet,
  type FetchFleetOptions,
  type FleetEntry,
  type FleetResult,
  type FleetSpec,
} from "./sources/fetch_fleet.ts";
export { fetchGrafanaQuery, type FetchGrafanaQueryOptions } from "./sources/grafana_query.ts";
export {
  type ParsedGraphiteJson,
  parseGraphiteJson,
  type ParseGraphiteJsonOptions,
} from "./sources/parse_graphite_json.ts";
export { parseGraphiteRaw } from "./sources/parse_graphite_raw.ts";
export { parseGraphitePickle } from "./sources/parse_graphite_pickle.ts";
export type {
  Alert,
  AlertEpisode,
  AlertHydration,
  AlertKind,
  AlertState,
  DeliveryResult,
  Sink,
} from "./alerts/types.ts";
export { toAlerts, type ToAlertsOptions } from "./alerts/to_alerts.ts";
export { sendSlack, type SendSlackOptions } from "./alerts/slack.ts";
export { postGrafanaAnnotations, type PostGrafanaAnnotationsOptions } from "./alerts/grafana_annotations.ts";
export { postWebhook, type PostWebhookOptions } from "./alerts/webhook.ts";
export {
  type AlertPlan,
  planAlerts,
  type PlanAlertsOptions,
  type SuppressedAlert,
} from "./alerts/plan_alerts.ts";
export { recordDeliveries, type RecordDeliveriesOptions } from "./alerts/record_deliveries.ts";
export {
  type AlertStateUpdate,
  withAlertState,
  type WithAlertStateOptions,
} from "./alerts/with_alert_state.ts";
export {
  ANOMALY_TAG,
  DASHBOARD_SCHEMA_VERSION,
  FLEET_PANEL_ID,
  grafanaDashboard,
  type GrafanaDashboardOptions,
} from "./dashboard/grafana_dashboard.ts";
export type {
  DashboardAnnotation,
  DashboardPanel,
  DashboardVariable,
  GrafanaDashboard,
  GraphiteTarget,
} from "./dashboard/types.ts";
export { type AggregatorVariable, aggregatorVariable } from "./dashboard/aggregator_variable.ts";
export { modelThreshold, type ScoreThreshold } from "./dashboard/model_threshold.ts";
export { type DashboardTarget, dashboardUrl, type DashboardUrlOptions } from "./dashboard/dashboard_url.ts";
export { dashboardLinker } from "./dashboard/dashboard_linker.ts";
export {
  pushDashboard,
  type PushDashboardOptions,
  type PushedDashboard,
} from "./dashboard/push_dashboard.ts";
export {
  type GrafanaAlertRules,
  grafanaAlertRules,
  type GrafanaAlertRulesOptions,
} from "./dashboard/grafana_alert_rules.ts";
export { type Displayable, displayable, JUPYTER_DISPLAY, type MimeBundle } from "./display/displayable.ts";
export { htmlTable, type HtmlTableColumn, type HtmlTableOptions } from "./display/html_table.ts";
export { anomalyTable, type AnomalyTableOptions } from "./display/anomaly_table.ts";
export { modelSummary } from "./display/model_summary.ts";
export { detectSummary } from "./display/detect_summary.ts";
export { evaluationTable } from "./display/evaluation_table.ts";
export { type FrameLike, frameTable, type FrameTableOptions } from "./display/frame_table.ts";
export { showHtml } from "./display/show_html.ts";
export { show, type Showable } from "./display/show.ts";
export { createDocument } from "./report/create_document.ts";
export { type SeasonalProfile, seasonalProfile } from "./display/seasonal_profile.ts";
export { type PlotlyFigure, plotlyFigure, type PlotlyFigureOptions } from "./display/plotly_figure.ts";
export { pageFrame, type PageFrameOptions } from "./display/page_frame.ts";
export {
  type Detection,
  type DetectionTimings,
  runDetection,
  type RunDetectionOptions,
} from "./pipeline/run_detection.ts";
export { fetchWindow, type FetchWindowOptions } from "./pipeline/fetch_window.ts";
export { trainFromSource, type TrainFromSourceOptions } from "./pipeline/train_from_source.ts";
export { type ReportRun, runReport, type RunReportOptions } from "./pipeline/run_report.ts";
export { hydrateFromSource, type HydrateFromSourceOptions } from "./pipeline/hydrate_from_source.ts";
export {
  type CycleFindings,
  type CycleLog,
  type CycleStage,
  type CycleStages,
  describeCycle,
  runWatchCycle,
  type RunWatchCycleOptions,
} from "./pipeline/run_watch_cycle.ts";
export { runWatch, type RunWatchOptions, type WatchControl } from "./pipeline/run_watch.ts";
export {
  type HistoryCache,
  historyCache,
  type HistoryCacheOptions,
  type HistoryCacheStats,
  type RangeFetch,
} from "./pipeline/history_cache.ts";
export { episodeId } from "./detect/anomaly_id.ts";
export type {
  EpisodeShape,
  FeedbackDecision,
  FeedbackLine,
  FeedbackSpan,
  FeedbackUndo,
} from "./feedback/types.ts";
export { readFeedback } from "./feedback/read_feedback.ts";
export { appendFeedback, type AppendFeedbackOptions } from "./feedback/append_feedback.ts";
export { activeDecisions } from "./feedback/active_decisions.ts";
export { episodeShape } from "./feedback/episode_shape.ts";
export { compareShapes, RESEMBLANCE, type ShapeComparison } from "./feedback/compare_shapes.ts";
export { applyFeedback, type DismissedAnomaly } from "./feedback/apply_feedback.ts";
export { findEpisode, type FoundEpisode } from "./feedback/find_episode.ts";
export { makeDecision, type MakeDecisionOptions } from "./feedback/make_decision.ts";
export { exportLabels } from "./feedback/export_labels.ts";
export { anomalousSpans } from "./feedback/anomalous_spans.ts";
export { recordFeedback, type RecordFeedbackOptions } from "./pipeline/record_feedback.ts";
export {
  openWriteBack,
  type OpenWriteBackOptions,
  type WriteBack,
  type WriteBackRecord,
} from "./pipeline/write_back.ts";
export {
  type CarbonWriter,
  type CarbonWriterOptions,
  openCarbonWriter,
  type WriteBackStats,
} from "./writeback/carbon_writer.ts";
export { writeBackLines, type WriteBackLinesOptions } from "./writeback/write_back_lines.ts";
export {
  DEFAULT_WRITE_BACK_PREFIX,
  WRITE_BACK_FIELDS,
  type WriteBackField,
  writeBackPath,
} from "./writeback/metric_path.ts";
export { thresholdAt } from "./model/threshold_at.ts";
export { runBacktest, type RunBacktestOptions } from "./pipeline/run_backtest.ts";
export { runPartition, type RunPartitionOptions } from "./pipeline/run_partition.ts";
export { savePartition } from "./pipeline/save_partition.ts";
export { type LoadedPartition, loadPartitions } from "./pipeline/load_partitions.ts";
export {
  type MergedPartitions,
  mergePartitions,
  type MergePartitionsOptions,
} from "./pipeline/merge_partitions.ts";
export {
  PARTITION_FILE,
  PARTITION_FORMAT,
  PARTITION_VERSION,
  type PartitionOutput,
  PartitionOutputSchema,
  type PartitionSeries,
} from "./pipeline/partition_types.ts";
export type {
  BacktestResult,
  EpisodeTimeline,
  KindDetection,
  PerDayStats,
  ProfileBacktest,
  SendSummary,
  SentAlert,
  SweepPoint,
  TimelineEpisode,
} from "./backtest/types.ts";
export { episodeTimeline, type EpisodeTimelineOptions } from "./backtest/episode_timeline.ts";
export { scoredAt } from "./backtest/scored_at.ts";
export { replayAlerts, type ReplayAlertsOptions, type ReplayResult } from "./backtest/replay_alerts.ts";
export { summarizeSends, type SummarizeSendsOptions } from "./backtest/summarize_sends.ts";
export { flaggedRuns } from "./detect/flagged_runs.ts";
export { episodeOnset } from "./detect/episode_onset.ts";
export { episodeVerdict, type EpisodeVerdictOptions } from "./detect/episode_verdict.ts";
