import { type Anomaly, countBySeverity } from "../detect/types.ts";
import type { HydratedAnomaly } from "../hydrate/hydrate.ts";
import { htmlTable, type HtmlTableColumn } from "./html_table.ts";
import {
  escapeHtml,
  formatDuration,
  formatPercent,
  formatTime,
  severityBadge,
  shortName,
} from "./_format.ts";

/** Options for {@link anomalyTable}. */
export interface AnomalyTableOptions {
  /** Rows shown at most. @default 50 */
  maxRows?: number;
  /** A caption above the table. @default "<n> anomalies (<h> high, <m> medium, <l> low)" */
  caption?: string;
}

const isHydrated = (a: Anomaly): a is HydratedAnomaly => "valid_pct" in a;

/**
 * An HTML table of anomalies, one row per episode in the order given: severity, shard, aggregator, start (UTC),
 * duration, score, the value at the peak against the expected one and the strongest reason. Hydrated anomalies
 * add the context columns of the original scripts (max, average, valid %) and the values 24 h / 72 h earlier.
 * This is what a list of anomalies shows as in a notebook.
 *
 * @param anomalies Anomalies from `detect`, or hydrated ones from `hydrate`.
 * @param options See {@link AnomalyTableOptions}.
 * @returns The `<table>` as a string.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { anomalyTable } from "./anomaly_table.ts";
 * const a = { machine: "n200", aggregator: "P.hll_hour", timestamp: "2026-01-01T00:00:00.000Z", severity: "high" as const,
 *   id: "a-000000000ab", series: "s", start: 0, end: 3_600_000, detectedAt: 0, peakAt: 0, score: 0.97, observed: 0.5, expected: 0.01,
 *   reasons: [{ detector: "seasonal_lag", score: 0.97, detail: "0.5 vs 0.01 expected" }] };
 * const html = anomalyTable([a]);
 * assert.ok(html.includes("hll_hour") && html.includes("0.5 vs 0.01 expected"));
 * assert.ok(html.includes("1 anomaly (1 high, 0 medium, 0 low)"));
 * ```
 */
export function anomalyTable(anomalies: readonly Anomaly[], options: AnomalyTableOptions = {}): string {
  const { maxRows = 50 } = options;
  const sev = countBySeverity(anomalies);
  const caption = options.caption ??
    `${anomalies.length} ${
      anomalies.length === 1 ? "anomaly" : "anomalies"
    } (${sev.high} high, ${sev.medium} medium, ${sev.low} low)`;
  const columns: HtmlTableColumn<Anomaly>[] = [
    { label: "severity", value: "severity", html: (a) => severityBadge(a.severity) },
    { label: "shard", value: (a) => a.machine || a.series, style: "white-space:nowrap" },
    {
      label: "aggregator",
      value: (a) => shortName(a.aggregator),
      title: "the last part of the aggregator name",
      style: "white-space:nowrap",
    },
    { label: "start (UTC)", value: (a) => formatTime(a.start), style: "white-space:nowrap" },
    {
      label: "duration",
      value: (a) => (a.end > a.start ? formatDuration(a.end - a.start) : "1 point"),
      align: "right",
    },
    { label: "score", value: (a) => a.score },
    { label: "observed", value: (a) => a.observed, title: "the value at the peak" },
    { label: "expected", value: (a) => a.expected, title: "the seasonal baseline at the peak" },
    {
      label: "why",
      value: "reasons",
      style: "min-width:280px",
      html: (a) => {
        const [r, ...rest] = a.reasons;
        if (!r) return "–";
        return `<b>${escapeHtml(r.detector)}</b> ${escapeHtml(r.detail)}` +
          (rest.length
            ? ` <span style="color:#59636e">(+ ${rest.map((x) => escapeHtml(x.detector)).join(", ")})</span>`
            : "");
      },
    },
  ];
  if (anomalies.some(isHydrated)) {
    const h = (f: (a: HydratedAnomaly) => number | null) => (a: Anomaly) => isHydrated(a) ? f(a) : null;
    columns.push(
      { label: "max", value: h((a) => a.max_value), title: "largest value in the 24 h around the peak" },
      { label: "avg", value: h((a) => a.avg_value), title: "mean of the valid values around the peak" },
      {
        label: "valid",
        value: (a) => isHydrated(a) ? formatPercent(a.valid_pct) : "–",
        align: "right",
        title: "fraction of the points around the peak that hold a value",
      },
      { label: "24 h before", value: h((a) => a.value_24h_before) },
      { label: "72 h before", value: h((a) => a.value_72h_before) },
    );
  }
  return htmlTable(anomalies, { columns, caption, maxRows });
}
