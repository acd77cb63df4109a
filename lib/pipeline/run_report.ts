import type { Config } from "../sources/config.ts";
import type { SourceRun } from "../sources/fetch_source.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import type { Anomaly } from "../detect/types.ts";
import { hydrate, type HydratedAnomaly } from "../hydrate/hydrate.ts";
import { buildReport } from "../report/build_report.ts";
import { renderPage } from "../report/render_page.ts";
import type { ReportData } from "../report/types.ts";
import { type Detection, runDetection, type RunDetectionOptions } from "./run_detection.ts";
import type { WriteBack, WriteBackRecord } from "./write_back.ts";
import { dashboardLinker } from "../dashboard/dashboard_linker.ts";

const DAY = 86_400_000;

/** Options for {@link runReport}. */
export interface RunReportOptions
  extends
    Pick<RunDetectionOptions, "model" | "until" | "window" | "profile" | "now" | "token" | "fetch" | "log"> {
  /** Context charts for the top anomalies. @default 12 */
  top?: number;
  /** Days of per-shard trend, the window included. @default 14 */
  trendDays?: number;
  /** How the page names the source, from what it answered. @default `<source> (<answered>/<asked> series)` */
  sourceLabel?: (run: SourceRun) => string;
  /** Write the window's scores, expected values and bands back to carbon, waiting at most `wait` ms. */
  writeBack?: { to: WriteBack; wait: number };
  /** Grafana's base URL for the anomaly table's dashboard links. @default the config's dashboard.grafanaUrl (none:
   * no links) */
  grafanaUrl?: string;
}

/** What {@link runReport} made. */
export interface ReportRun {
  /** The detection run (over the trend's days). */
  detection: Detection;
  /** The anomalies in the report window. */
  anomalies: Anomaly[];
  /** The same, hydrated with the 24 h around each. */
  hydrated: HydratedAnomaly[];
  /** The page's data. */
  data: ReportData;
  /** The page: one self-contained HTML document. */
  html: string;
  /** What was written back to carbon (with `writeBack`). */
  written?: WriteBackRecord;
}

/**
 * The report, the way `deno task report` and the report notebook make it: a detection run over the window and
 * the trend's days before it ({@link runDetection}), the window's anomalies hydrated from the series already
 * fetched, the fleet summary, and the page.
 *
 * @param config A parsed config.
 * @param options See {@link RunReportOptions}.
 * @returns The detection, the window's anomalies (plain and hydrated), the page data and the HTML.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runReport } from "./run_report.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const { html, anomalies, hydrated } = await runReport(config, { top: 2 });
 * assert.ok(html.startsWith("<!DOCTYPE html>") && anomalies.length === hydrated.length);
 * ```
 */
export async function runReport(config: Config, options: RunReportOptions = {}): Promise<ReportRun> {
  const { top = 12, trendDays = 14, log = () => {} } = options;
  const detection = await runDetection(config, {
    ...options,
    keepScores: true,
    extra: (trendDays - 1) * DAY,
    writeBack: options.writeBack && { to: options.writeBack.to },
  });
  // Carbon gets a bounded wait to take the window; the page says what reached it.
  const written = await options.writeBack?.to.close(options.writeBack.wait);
  const { series, run, model, from, until, detected } = detection;
  const anomalies = detected.anomalies.filter((a) => a.end >= from && a.start <= until);
  log(
    `${anomalies.length} anomalies in the window, ${detected.anomalies.length} over the ${trendDays}-day trend`,
  );
  const hydrated = hydrate(anomalies, series, {
    before: parseDurationMs(config.hydrate.before),
    after: parseDurationMs(config.hydrate.after),
  });
  const grafanaUrl = options.grafanaUrl ?? config.dashboard.grafanaUrl;
  const link = grafanaUrl ? dashboardLinker(config, grafanaUrl) : undefined;
  const data = buildReport(model, detected, hydrated, {
    dashboardLink: link && ((a) => link({ ...a, machine: a.machine || undefined })),
    from,
    until,
    now: until,
    source: options.sourceLabel?.(run) ?? `${run.source} (${run.answered}/${run.asked} series)`,
    top,
    trendFrom: from - (trendDays - 1) * DAY,
    failures: run.failures.map((f) => ({ series: f.series, reason: `${f.kind}: ${f.reason}` })),
    allSeries: series,
    ...(written ? { writeBack: written.summary } : {}),
    fleet: {
      minShards: config.fleet.minShards,
      minFraction: config.fleet.minFraction,
      window: parseDurationMs(config.fleet.window),
    },
  });
  return { detection, ...(written ? { written } : {}), anomalies, hydrated, data, html: renderPage(data) };
}
