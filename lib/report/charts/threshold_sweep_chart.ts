import * as Plot from "@observablehq/plot";
import type { Severity } from "../../detect/types.ts";
import { SEVERITIES, SEVERITY_COLOR } from "../../detect/types.ts";
import { noData, severityFigure } from "./_dom.ts";
import { FAINT, PLOT_STYLE, WIDTH } from "./_theme.ts";

/** One threshold of the curve. */
export interface SweepRow {
  /** The threshold, as decades of tail probability (−log10 p): higher is stricter. */
  decades: number;
  /** The profile whose threshold it is, if any (marked on the chart). */
  profile?: string;
  /** Mean alerts per day by minimum severity. */
  alertsPerDay: Record<Severity, number>;
}

interface Point {
  decades: number;
  perDay: number;
  min: Severity;
}

/**
 * Alerts per day against the threshold: one line per minimum severity, the profiles' thresholds marked. The x axis
 * is the threshold in decades of tail probability (a normal point exceeds 3 decades once in a thousand).
 *
 * @param document A DOM document.
 * @param rows The thresholds replayed (any order).
 * @param options Title and width.
 * @returns A `<figure class="chart chart-threshold-sweep">`, or a "no data" figure without rows.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHTML } from "linkedom";
 * import { thresholdSweepChart } from "./threshold_sweep_chart.ts";
 * const { document } = parseHTML("<!doctype html><html><body></body></html>");
 * const fig = thresholdSweepChart(document, [
 *   { decades: 2, alertsPerDay: { low: 9, medium: 4, high: 1 } },
 *   { decades: 3, profile: "strict", alertsPerDay: { low: 5, medium: 2, high: 1 } },
 * ]);
 * assert.equal(fig.querySelectorAll("g.chart-profile text").length, 1);
 * ```
 */
export function thresholdSweepChart(
  document: Document,
  rows: readonly SweepRow[],
  options: { title?: string; width?: number } = {},
): HTMLElement {
  const { title = "Alerts per day against the threshold", width = WIDTH } = options;
  if (!rows.length) {
    return noData(document, { kind: "threshold-sweep", title, width }, "no thresholds replayed.");
  }
  const points: Point[] = SEVERITIES.flatMap((min) =>
    rows.map((r) => ({ decades: r.decades, perDay: r.alertsPerDay[min], min }))
  ).sort((a, b) => a.decades - b.decades);
  const profiles = rows.filter((r) => r.profile);
  const svg = Plot.plot({
    document,
    width,
    height: 260,
    marginLeft: 44,
    marginTop: 20,
    marginBottom: 36,
    style: PLOT_STYLE,
    x: { label: "threshold, decades of tail probability (stricter →)", labelAnchor: "right" },
    y: { label: "alerts per day", grid: true, zero: true, nice: true },
    marks: [
      Plot.ruleX(profiles, { x: "decades", stroke: FAINT, strokeDasharray: "4,3" }),
      Plot.text(profiles, {
        x: "decades",
        frameAnchor: "top",
        dy: -12,
        text: "profile",
        fill: FAINT,
        className: "chart-profile",
      }),
      Plot.lineY(points, {
        x: "decades",
        y: "perDay",
        z: "min",
        stroke: (p: Point) => SEVERITY_COLOR[p.min],
        strokeWidth: 2,
      }),
      Plot.dot(points, {
        x: "decades",
        y: "perDay",
        fill: (p: Point) => SEVERITY_COLOR[p.min],
        r: 3,
        title: (p: Point) => `${p.decades.toFixed(2)} decades: ${p.perDay} alerts/day from ${p.min} up`,
      }),
      Plot.ruleY([0]),
    ],
  });
  return severityFigure(document, {
    kind: "threshold-sweep",
    title,
    width,
    subtitle: ["mean alerts per day over the replay, by minimum severity · dashed: the profiles' thresholds"],
  }, svg);
}
