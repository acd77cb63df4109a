/**
 * Anomaly detection for Graphite and Grafana metrics.
 *
 * The pipeline, each stage a pure function of the one before:
 * `source → Series[] → train → Model → detect → Anomaly[] → hydrate → fleet / alerts / report`.
 *
 * - {@link Series}: a metric on a regular grid (epoch ms UTC, `NaN` = missing).
 * - {@link loadCsv} / {@link parseGrafanaCsv}: Grafana CSV exports as users have them.
 * - {@link generateCorpus}: the seeded synthetic presence corpus with labelled anomalies.
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
export { createRng, type Rng } from "./synth/prng.ts";
export { generateCorpus, type GenerateOptions } from "./synth/generate.ts";
export {
  ANOMALY_KINDS,
  type AnomalyKind,
  type AnomalyLabel,
  type Corpus,
  PRESENCE_AGGREGATORS,
} from "./synth/types.ts";
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
