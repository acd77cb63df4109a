import * as Plot from "@observablehq/plot";
import type { Severity } from "../../detect/types.ts";
import { figure, h, legend, noData } from "./_dom.ts";
import { withXmlns } from "../../_svg.ts";
import { isRatio, tickFormatter, utcDateTime, utcHHMM, utcTick, valueFormatter } from "./_format.ts";
import { BAND, FAINT, INK, PLOT_STYLE, WIDTH } from "./_theme.ts";
import { SEVERITY_COLOR } from "../../detect/types.ts";

/** One point of the series around an anomaly. */
export interface AnomalyChartPoint {
  /** Epoch ms. */
  time: number;
  /** Observed value, `NaN` when missing. */
  value: number;
  /** Expected value (seasonal baseline), `NaN` when unknown. */
  expected: number;
}

/** The 24 h around one anomaly, as {@link anomalyChart} draws it. */
export interface AnomalyChartData {
  /** The context window, oldest first. */
  points: AnomalyChartPoint[];
  /** First anomalous point, epoch ms. */
  start: number;
  /** Last anomalous point (inclusive), epoch ms. */
  end: number;
  /** When the anomaly peaked, epoch ms. */
  peakAt: number;
  /** The value at the peak, `null` when missing (e.g. a dropout). */
  peakValue: number | null;
  /** The shard. */
  machine: string;
  /** The aggregator. */
  aggregator: string;
  /** Severity (colours the span and the peak). */
  severity: Severity;
  /** The expected band, one `lo`/`hi` per point (`NaN` where unknown). */
  band?: { lo: number[]; hi: number[] };
}

/** Options for {@link anomalyChart}. */
export interface AnomalyChartOptions {
  /** Width, px. @default 960 */
  width?: number;
  /** Height of the plot area and axes, px. @default 260 */
  height?: number;
  /** Y axis label, e.g. `lag ratio`. @default undefined (none) */
  yLabel?: string;
}

const finite = (v: number | null | undefined): v is number => v != null && Number.isFinite(v);

/**
 * The annotated chart of one anomaly: the series as a line (gaps stay gaps, isolated points as dots), the
 * expected value dashed, the expected band as a light area, the anomalous span `[start, end]` shaded in the
 * severity colour, the peak marked with a dot and a label; titled `shard · aggregator — max <value> at HH:MM
 * UTC`. Values that are all below 1 (ratios) read as percentages. All text goes in as text nodes.
 *
 * @param document A DOM document (e.g. from linkedom's `parseHTML`).
 * @param data The points and the anomaly, see {@link AnomalyChartData}.
 * @param options See {@link AnomalyChartOptions}.
 * @returns A `<figure class="chart chart-anomaly">` (title, legend, `<svg xmlns=…>`), or a "no data" figure
 * when there is nothing to draw.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHTML } from "linkedom";
 * import { anomalyChart } from "./anomaly_chart.ts";
 * const { document } = parseHTML("<!doctype html><html><body></body></html>");
 * const H = 3_600_000;
 * const points = Array.from({ length: 25 }, (_, i) => ({ time: i * H, value: i === 12 ? 0.4 : 0.05, expected: 0.05 }));
 * const fig = anomalyChart(document, {
 *   points, start: 12 * H, end: 12 * H, peakAt: 12 * H, peakValue: 0.4,
 *   machine: "n1", aggregator: "A.b", severity: "high",
 * });
 * assert.equal(fig.querySelector(".chart-title")?.textContent, "n1 · A.b — max 40.0% at 12:00 UTC");
 * ```
 */
export function anomalyChart(
  document: Document,
  data: AnomalyChartData,
  options: AnomalyChartOptions = {},
): HTMLElement {
  const { width = WIDTH, height = 260, yLabel } = options;
  const { points, start, end, peakAt, peakValue, machine, aggregator, severity, band } = data;
  if (band && (band.lo.length !== points.length || band.hi.length !== points.length)) {
    throw new TypeError(
      `Cannot draw the anomaly chart of ${machine} · ${aggregator}: band.lo and band.hi need one value per point ` +
        `(${points.length}), current lengths are ${band.lo.length} and ${band.hi.length}`,
    );
  }
  const rows = points.map((p, i) => ({
    time: p.time,
    value: finite(p.value) ? p.value : NaN,
    expected: finite(p.expected) ? p.expected : NaN,
    lo: band && finite(band.lo[i]) ? band.lo[i] : NaN,
    hi: band && finite(band.hi[i]) ? band.hi[i] : NaN,
  })).filter((r) => finite(r.time)).sort((a, b) => a.time - b.time);
  const ys = rows.flatMap((r) => [r.value, r.expected, r.lo, r.hi]).filter(finite);
  if (finite(peakValue)) ys.push(peakValue);
  const ratio = isRatio(ys);
  const fmt = valueFormatter(ratio);
  const series = [machine, aggregator].filter(Boolean).join(" · ") || "series";
  const peak = finite(peakAt) ? ` at ${utcHHMM(peakAt)} UTC` : "";
  const title = `${series} — ${finite(peakValue) ? `max ${fmt(peakValue)}` : "no value"}${peak}`;
  const sevColor = SEVERITY_COLOR[severity] ?? SEVERITY_COLOR.high;
  const sameDay = Math.floor(start / 86_400_000) === Math.floor(end / 86_400_000);
  const spanText = finite(start) && finite(end)
    ? ` · anomalous ${utcDateTime(start)} – ${sameDay ? utcHHMM(end) : utcDateTime(end)} UTC`
    : "";
  const subtitle = [
    h(document, "span", { style: `color:${sevColor};font-weight:600` }, `${severity} severity`),
    spanText,
  ];
  const head = { kind: "anomaly", title, subtitle, width };
  if (rows.length === 0 || ys.length === 0) {
    return noData(document, head, "no values in the window around this anomaly.");
  }

  const x0 = rows[0].time, x1 = rows[rows.length - 1].time;
  const gaps = rows.slice(1).map((r, i) => r.time - rows[i].time).filter((d) => d > 0).sort((a, b) => a - b);
  const step = gaps.length ? gaps[gaps.length >> 1] : 3_600_000;
  const span = finite(start) && finite(end)
    ? [{ x1: Math.max(x0, start - step / 2), x2: Math.min(x1, Math.max(start, end) + step / 2) }]
    : [];
  const inSpan = rows.filter((r) => r.time >= start && r.time <= end);
  const isolated = rows.filter((r, i) =>
    r.value === r.value && !(rows[i - 1]?.value === rows[i - 1]?.value) &&
    !(rows[i + 1]?.value === rows[i + 1]?.value)
  );
  const hasBand = rows.some((r) => r.lo === r.lo && r.hi === r.hi);
  const hasExpected = rows.some((r) => r.expected === r.expected);
  const peakX = finite(peakAt) ? Math.min(x1, Math.max(x0, peakAt)) : NaN;
  const right = peakX > (x0 + x1) / 2;
  const peakLabel = finite(peakValue)
    ? `max ${fmt(peakValue)} · ${utcHHMM(peakAt)} UTC`
    : `no value · ${utcHHMM(peakAt)} UTC`;

  const svg = Plot.plot({
    document,
    width,
    height,
    marginTop: 22,
    marginRight: 16,
    marginBottom: 28,
    marginLeft: 52,
    style: PLOT_STYLE,
    x: {
      type: "utc",
      domain: [x0, x1],
      label: null,
      tickFormat: utcTick,
      ticks: Math.max(2, Math.round(width / 90)),
    },
    y: {
      label: yLabel ?? null,
      grid: true,
      nice: true,
      zero: ratio,
      tickFormat: tickFormatter(ratio),
      ticks: 5,
    },
    marks: [
      Plot.rect(span, { x1: "x1", x2: "x2", fill: sevColor, fillOpacity: 0.13, className: "chart-span" }),
      hasBand
        ? Plot.areaY(rows, {
          x: "time",
          y1: "lo",
          y2: "hi",
          fill: BAND,
          fillOpacity: 0.3,
          className: "chart-band",
        })
        : null,
      hasExpected
        ? Plot.lineY(rows, {
          x: "time",
          y: "expected",
          stroke: FAINT,
          strokeWidth: 1.5,
          strokeDasharray: "5,4",
          className: "chart-expected",
        })
        : null,
      Plot.lineY(rows, { x: "time", y: "value", stroke: INK, strokeWidth: 1.6, className: "chart-series" }),
      Plot.dot(isolated, { x: "time", y: "value", r: 1.8, fill: INK, className: "chart-isolated" }),
      Plot.lineY(inSpan, {
        x: "time",
        y: "value",
        stroke: sevColor,
        strokeWidth: 2.4,
        className: "chart-series-span",
      }),
      finite(peakValue) && finite(peakX)
        ? [
          Plot.dot([{ x: peakX, y: peakValue }], {
            x: "x",
            y: "y",
            r: 4.5,
            fill: sevColor,
            stroke: "white",
            strokeWidth: 1.5,
            className: "chart-peak",
          }),
          Plot.text([{ x: peakX, y: peakValue }], {
            x: "x",
            y: "y",
            text: () => peakLabel,
            dx: right ? -9 : 9,
            dy: -9,
            textAnchor: right ? "end" : "start",
            fill: INK,
            fontWeight: 600,
            stroke: "white",
            strokeWidth: 3,
            paintOrder: "stroke",
            className: "chart-peak-label",
          }),
        ]
        : finite(peakX)
        ? [
          Plot.ruleX([peakX], { stroke: sevColor, strokeDasharray: "2,3", className: "chart-peak" }),
          Plot.text([peakX], {
            x: (d: number) => d,
            text: () => peakLabel,
            frameAnchor: "top",
            dy: -12,
            textAnchor: right ? "end" : "start",
            fill: INK,
            fontWeight: 600,
            className: "chart-peak-label",
          }),
        ]
        : null,
    ],
  });

  const fig = figure(document, head);
  fig.appendChild(legend(document, [
    { label: "observed", color: INK, kind: "line" },
    ...(hasExpected ? [{ label: "expected", color: FAINT, kind: "dash" as const }] : []),
    ...(hasBand ? [{ label: "expected band", color: BAND, kind: "rect" as const, opacity: 0.45 }] : []),
    { label: "anomalous span", color: sevColor, kind: "rect", opacity: 0.25 },
    { label: "peak", color: sevColor, kind: "dot" },
  ], width));
  fig.appendChild(withXmlns(svg));
  return fig;
}
