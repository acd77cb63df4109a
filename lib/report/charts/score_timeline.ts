import * as Plot from "@observablehq/plot";
import { figure, legend, noData } from "./_dom.ts";
import { withXmlns } from "../../_svg.ts";
import { utcDateTime, utcTick } from "./_format.ts";
import { FAINT, INK, PLOT_STYLE, RULE, WIDTH } from "./_theme.ts";
import { SEVERITY_COLOR } from "../../detect/types.ts";

/** One point of an ensemble score series. */
export interface ScorePoint {
  /** Epoch ms. */
  time: number;
  /** Calibrated ensemble score, 0..1; `NaN` when it could not be computed (a gap). */
  score: number;
}

/** Options for {@link scoreTimeline}. */
export interface ScoreTimelineOptions {
  /** Title, e.g. the series key. */
  title: string;
  /** The detection threshold, drawn as a rule; points at or above it are marked. @default undefined */
  threshold?: number;
  /** Width, px. @default 960 */
  width?: number;
  /** Height, px. @default 160 */
  height?: number;
}

/**
 * The ensemble score of one series over the report window: the score as a light area and a line on a fixed
 * 0..1 scale (gaps stay gaps), the threshold as a dashed red rule, and the points at or above it as red dots.
 * All text goes in as text nodes.
 *
 * @param document A DOM document (e.g. from linkedom's `parseHTML`).
 * @param points The scores, oldest first.
 * @param options See {@link ScoreTimelineOptions}.
 * @returns A `<figure class="chart chart-score">` (title, legend, `<svg xmlns=…>`), or a "no data" figure
 * when no score is finite.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHTML } from "linkedom";
 * import { scoreTimeline } from "./score_timeline.ts";
 * const { document } = parseHTML("<!doctype html><html><body></body></html>");
 * const H = 3_600_000;
 * const points = [0.1, 0.2, 0.95, NaN, 0.3].map((score, i) => ({ time: i * H, score }));
 * const fig = scoreTimeline(document, points, { title: "n1 · A.b", threshold: 0.9 });
 * assert.equal(fig.querySelectorAll("g.chart-over circle").length, 1);
 * ```
 */
export function scoreTimeline(
  document: Document,
  points: readonly ScorePoint[],
  options: ScoreTimelineOptions,
): HTMLElement {
  const { title, threshold, width = WIDTH, height = 160 } = options;
  const rows = points.filter((p) => Number.isFinite(p.time))
    .map((p) => ({ time: p.time, score: Number.isFinite(p.score) ? Math.min(1, Math.max(0, p.score)) : NaN }))
    .sort((a, b) => a.time - b.time);
  const head = { kind: "score", title, width };
  if (!rows.some((r) => r.score === r.score)) return noData(document, head, "no score in this period.");
  const thr = threshold !== undefined && Number.isFinite(threshold) ? threshold : NaN;
  const hasThreshold = thr === thr;
  const over = hasThreshold ? rows.filter((r) => r.score >= thr) : [];
  const x0 = rows[0].time, x1 = rows[rows.length - 1].time;

  const svg = Plot.plot({
    document,
    width,
    height,
    marginTop: 10,
    marginRight: 16,
    marginBottom: 26,
    marginLeft: 40,
    style: PLOT_STYLE,
    x: {
      type: "utc",
      domain: [x0, x1 > x0 ? x1 : x0 + 1],
      label: null,
      tickFormat: utcTick,
      ticks: Math.max(2, Math.round(width / 90)),
    },
    y: { domain: [0, 1], label: null, grid: true, ticks: [0, 0.5, 1] },
    marks: [
      Plot.areaY(rows, {
        x: "time",
        y: "score",
        fill: FAINT,
        fillOpacity: 0.18,
        className: "chart-score-area",
      }),
      Plot.lineY(rows, { x: "time", y: "score", stroke: INK, strokeWidth: 1.3, className: "chart-score" }),
      hasThreshold
        ? Plot.ruleY([thr], {
          stroke: SEVERITY_COLOR.high,
          strokeDasharray: "5,3",
          strokeWidth: 1.2,
          className: "chart-threshold",
        })
        : Plot.ruleY([0], { stroke: RULE }),
      Plot.dot(over, {
        x: "time",
        y: "score",
        r: 2.5,
        fill: SEVERITY_COLOR.high,
        title: (r: { time: number; score: number }) =>
          `${utcDateTime(r.time)} UTC\nscore ${r.score.toFixed(2)}`,
        className: "chart-over",
      }),
    ],
  });
  const fig = figure(document, {
    ...head,
    subtitle: [
      `ensemble score ${utcDateTime(x0)} – ${utcDateTime(x1)} UTC` +
      (hasThreshold
        ? ` · ${over.length} point${over.length === 1 ? "" : "s"} at or above the threshold`
        : ""),
    ],
  });
  fig.appendChild(legend(document, [
    { label: "score", color: INK, kind: "line" },
    ...(hasThreshold
      ? [
        { label: `threshold ${+thr.toFixed(3)}`, color: SEVERITY_COLOR.high, kind: "dash" as const },
        { label: "at or above", color: SEVERITY_COLOR.high, kind: "dot" as const },
      ]
      : []),
  ], width));
  fig.appendChild(withXmlns(svg));
  return fig;
}
