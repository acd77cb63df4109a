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
 * import { parseGrafanaCsv, summarize } from "./mod.ts";
 * const { series } = parseGrafanaCsv("Time,a\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,3\n");
 * console.assert(summarize(series[0]).max === 3);
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
