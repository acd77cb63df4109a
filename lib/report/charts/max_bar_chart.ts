import * as Plot from "@observablehq/plot";
import type { Severity } from "../../detect/types.ts";
import { figure, legend, noData } from "./_dom.ts";
import { withXmlns } from "../../_svg.ts";
import { isRatio, shortAggregator, textWidth, tickFormatter, truncate, valueFormatter } from "./_format.ts";
import { FAINT, INK, PLOT_STYLE, WIDTH } from "./_theme.ts";
import { SEVERITIES, SEVERITY_COLOR } from "../../detect/types.ts";

/** One anomaly's max value (e.g. a `HydratedAnomaly`'s `machine, aggregator, max_value, severity`). */
export interface MaxBarRow {
  /** The shard. */
  machine: string;
  /** The aggregator (the label shows the part after the last `.`). */
  aggregator: string;
  /** Max value in the window around the anomaly, `null` when none. */
  max_value: number | null;
  /** Severity (colours the bar). */
  severity: Severity;
}

/** Options for {@link maxBarChart}. */
export interface MaxBarChartOptions {
  /** Title. @default "Max value by shard and aggregator" */
  title?: string;
  /** Width, px. @default 960 */
  width?: number;
  /** At most this many bars (the largest; the subtitle says how many were left out). @default 40 */
  limit?: number;
  /** X axis label. @default undefined (none) */
  xLabel?: string;
}

interface Bar {
  machine: string;
  aggregator: string;
  label: string;
  value: number | null;
  severity: Severity;
}

/**
 * The max value by shard and aggregator, one horizontal bar per shard × aggregator (labelled
 * `shard · short aggregator`), sorted by max descending and coloured by severity, with the value at the end of
 * each bar and a severity legend. Several rows of the same shard and aggregator make one bar: their largest
 * value and their worst severity. Rows without a value come last, marked "no value". Values that are all below
 * 1 (ratios) read as percentages. All text goes in as text nodes.
 *
 * @param document A DOM document (e.g. from linkedom's `parseHTML`).
 * @param rows One row per anomaly (any order).
 * @param options See {@link MaxBarChartOptions}.
 * @returns A `<figure class="chart chart-max-bars">` (title, legend, `<svg xmlns=…>`), or a "no data" figure
 * when there are no rows.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHTML } from "linkedom";
 * import { maxBarChart } from "./max_bar_chart.ts";
 * const { document } = parseHTML("<!doctype html><html><body></body></html>");
 * const fig = maxBarChart(document, [
 *   { machine: "n1", aggregator: "Probe.hour", max_value: 0.42, severity: "high" },
 *   { machine: "n2", aggregator: "Probe.hour", max_value: 0.12, severity: "low" },
 * ]);
 * assert.equal(fig.querySelectorAll("g.chart-bar rect").length, 2);
 * assert.deepEqual([...fig.querySelectorAll("g.chart-bar-value text")].map((t) => t.textContent), ["42.0%", "12.0%"]);
 * ```
 */
export function maxBarChart(
  document: Document,
  rows: readonly MaxBarRow[],
  options: MaxBarChartOptions = {},
): HTMLElement {
  const { title = "Max value by shard and aggregator", width = WIDTH, limit = 40, xLabel } = options;
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const byPair = new Map<string, Bar>();
  for (const r of rows) {
    const key = `${r.machine}\u0000${r.aggregator}`;
    const value = r.max_value != null && Number.isFinite(r.max_value) ? r.max_value : null;
    const severity = SEVERITIES.includes(r.severity) ? r.severity : "low";
    const prev = byPair.get(key);
    if (!prev) {
      byPair.set(key, { machine: r.machine, aggregator: r.aggregator, label: "", value, severity });
    } else {
      if (value !== null && (prev.value === null || value > prev.value)) prev.value = value;
      if (rank(severity) > rank(prev.severity)) prev.severity = severity;
    }
  }
  if (byPair.size === 0) {
    return noData(document, { kind: "max-bars", title, width }, "no anomalies in this period.");
  }

  const bars = [...byPair.values()].sort((a, b) =>
    (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.machine.localeCompare(b.machine) ||
    a.aggregator.localeCompare(b.aggregator)
  );
  const shown = bars.slice(0, Math.max(1, limit));
  // Labels: shard · short aggregator, unless two aggregators share a short name; then the full name.
  const shortCount = new Map<string, Set<string>>();
  for (const b of shown) {
    const k = shortAggregator(b.aggregator);
    shortCount.set(k, (shortCount.get(k) ?? new Set()).add(b.aggregator));
  }
  const seen = new Map<string, number>();
  for (const b of shown) {
    const k = shortAggregator(b.aggregator);
    const agg = shortCount.get(k)!.size > 1 ? b.aggregator : k;
    let label = truncate([b.machine, agg].filter(Boolean).join(" · "), 56);
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (n > 1) label = `${label} (${n})`;
    b.label = label;
  }
  const withValue = shown.filter((b) => b.value !== null);
  const without = shown.filter((b) => b.value === null);
  const ratio = isRatio(withValue.map((b) => b.value));
  const fmt = valueFormatter(ratio);
  const barH = 20;
  const marginLeft = Math.min(340, Math.max(80, ...shown.map((b) => textWidth(b.label) + 14)));
  const marginTop = 6, marginBottom = xLabel ? 36 : 26;
  const tip = (b: Bar) => `${b.machine}\n${b.aggregator}\nmax ${fmt(b.value)} · ${b.severity}`;

  const svg = Plot.plot({
    document,
    width,
    height: marginTop + marginBottom + barH * shown.length,
    marginLeft,
    marginRight: 56,
    marginTop,
    marginBottom,
    style: PLOT_STYLE,
    x: {
      label: xLabel ?? null,
      labelAnchor: "right",
      grid: true,
      nice: true,
      zero: true,
      tickFormat: tickFormatter(ratio),
      ticks: Math.max(2, Math.round((width - marginLeft) / 90)),
    },
    y: { type: "band", domain: shown.map((b) => b.label), padding: 0.22, label: null, tickSize: 0 },
    marks: [
      Plot.barX(withValue, {
        x: "value",
        y: "label",
        fill: (b: Bar) => SEVERITY_COLOR[b.severity],
        title: tip,
        className: "chart-bar",
      }),
      Plot.text(withValue, {
        x: "value",
        y: "label",
        text: (b: Bar) => fmt(b.value),
        dx: 4,
        textAnchor: "start",
        fill: INK,
        className: "chart-bar-value",
      }),
      Plot.text(without, {
        y: "label",
        frameAnchor: "left",
        text: () => "no value",
        dx: 4,
        textAnchor: "start",
        fill: FAINT,
        fontStyle: "italic",
        className: "chart-bar-missing",
      }),
      Plot.ruleX([0], { stroke: INK }),
    ],
  });

  const more = bars.length - shown.length;
  const fig = figure(document, {
    kind: "max-bars",
    title,
    width,
    subtitle: [
      `${bars.length} shard × aggregator pair${bars.length === 1 ? "" : "s"}` +
      (more > 0 ? ` (the ${shown.length} largest shown)` : "") + " · sorted by max · coloured by severity",
    ],
  });
  fig.appendChild(
    legend(
      document,
      SEVERITIES.map((s) => ({ label: s, color: SEVERITY_COLOR[s], kind: "rect" as const })),
      width,
    ),
  );
  fig.appendChild(withXmlns(svg));
  return fig;
}
