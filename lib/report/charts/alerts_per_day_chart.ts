import * as Plot from "@observablehq/plot";
import type { Severity } from "../../detect/types.ts";
import { SEVERITIES, SEVERITY_COLOR } from "../../detect/types.ts";
import { noData, severityFigure } from "./_dom.ts";
import { utcTick } from "./_format.ts";
import { PLOT_STYLE, WIDTH } from "./_theme.ts";

/** Options for {@link alertsPerDayChart}. */
export interface AlertsPerDayChartOptions {
  /** Title. @default "Alerts per day" */
  title?: string;
  /** A line under the title. @default none */
  subtitle?: string;
  /** Width, px. @default 960 */
  width?: number;
}

interface Row {
  day: Date;
  alerts: number;
  min: Severity;
}

/**
 * Alerts per day over a backtest, one line per minimum severity (coloured by it): what a team would have received
 * each day with alerts from that severity up.
 *
 * @param document A DOM document (e.g. from linkedom's `parseHTML`).
 * @param from The first day's start, epoch ms.
 * @param perDay Alerts in each 24 h from `from`, by minimum severity.
 * @param options See {@link AlertsPerDayChartOptions}.
 * @returns A `<figure class="chart chart-alerts-per-day">` (title, legend, `<svg xmlns=…>`), or a "no data" figure
 * when there are no days.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHTML } from "linkedom";
 * import { alertsPerDayChart } from "./alerts_per_day_chart.ts";
 * const { document } = parseHTML("<!doctype html><html><body></body></html>");
 * const fig = alertsPerDayChart(document, 0, { low: [3, 1, 4], medium: [1, 0, 2], high: [0, 0, 1] });
 * assert.equal(fig.querySelectorAll("g.chart-line path").length, 3);
 * ```
 */
export function alertsPerDayChart(
  document: Document,
  from: number,
  perDay: Partial<Record<Severity, readonly number[]>>,
  options: AlertsPerDayChartOptions = {},
): HTMLElement {
  const { title = "Alerts per day", subtitle, width = WIDTH } = options;
  const rows: Row[] = SEVERITIES.flatMap((min) =>
    (perDay[min] ?? []).map((alerts, i) => ({ day: new Date(from + i * 86_400_000), alerts, min }))
  );
  if (!rows.length) return noData(document, { kind: "alerts-per-day", title, width }, "no days replayed.");
  const color = (r: Row) => SEVERITY_COLOR[r.min];
  const svg = Plot.plot({
    document,
    width,
    height: 220,
    marginLeft: 44,
    marginTop: 12,
    style: PLOT_STYLE,
    x: { type: "utc", label: null, tickFormat: utcTick },
    y: { label: "alerts", grid: true, zero: true, nice: true },
    marks: [
      Plot.lineY(rows, {
        x: "day",
        y: "alerts",
        z: "min",
        stroke: color,
        strokeWidth: 2,
        className: "chart-line",
      }),
      Plot.dot(rows, {
        x: "day",
        y: "alerts",
        fill: color,
        r: 2.5,
        title: (r: Row) => `${r.day.toISOString().slice(0, 10)}: ${r.alerts} alerts from ${r.min} up`,
      }),
      Plot.ruleY([0]),
    ],
  });
  return severityFigure(document, {
    kind: "alerts-per-day",
    title,
    width,
    subtitle: subtitle ? [subtitle] : [],
  }, svg);
}
