import * as Plot from "@observablehq/plot";
import { figure, noData, scoreRamp } from "./_dom.ts";
import { withXmlns } from "../../_svg.ts";
import { formatDuration, textWidth, truncate, utcDateTime, utcTick } from "./_format.ts";
import { INK, NO_DATA, PLOT_STYLE, SCORE_SCHEME, WIDTH } from "./_theme.ts";

/** One cell of the fleet heatmap: a shard over one time bucket. */
export interface HeatmapCell {
  /** The shard (one row per shard). */
  machine: string;
  /** Start of the bucket, epoch ms. */
  time: number;
  /** Max anomaly score in the bucket, 0..1; `NaN` when the bucket has no data. */
  score: number;
}

/** Options for {@link fleetHeatmap}. */
export interface FleetHeatmapOptions {
  /** Title, e.g. the aggregator name. */
  title: string;
  /** Length of one bucket (column), ms. */
  bucket: number;
  /** Width, px. @default 960 */
  width?: number;
  /** Cells with a score at or above this get a dark outline (and the legend marks it). @default undefined */
  threshold?: number;
  /** Row order: highest max score first, or by name. @default "score" */
  order?: "score" | "name";
  /**
   * The score that gets the darkest colour (pass the page's highest so that several heatmaps share one ramp).
   * @default the highest score in these cells
   */
  top?: number;
  /** At most this many rows (the highest-scoring shards; the subtitle says how many were left out). @default 100 */
  maxRows?: number;
}

/**
 * A fleet heatmap: one row per shard, one column per time bucket, each cell coloured by the max anomaly score
 * in the bucket (Plot's `reds` scheme, its middle at the threshold and its darkest at `top`); buckets without
 * data are plain grey, cells at or above the threshold are outlined. Above the chart, a hand-built legend: the score ramp with 0, the threshold and 1,
 * the no-data swatch and the outline. Duplicate cells (same shard and bucket) keep their max score. Rendered
 * server-side with Plot's `document` option; all text goes in as text nodes.
 *
 * @param document A DOM document (e.g. from linkedom's `parseHTML`).
 * @param cells The cells (any order).
 * @param options See {@link FleetHeatmapOptions}.
 * @returns A `<figure class="chart chart-heatmap">` (title, legend, `<svg xmlns=…>`), or a "no data" figure
 * when there are no cells.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHTML } from "linkedom";
 * import { fleetHeatmap } from "./fleet_heatmap.ts";
 * const { document } = parseHTML("<!doctype html><html><body></body></html>");
 * const H = 3_600_000;
 * const cells = [
 *   { machine: "n1", time: 0, score: 0.1 },
 *   { machine: "n1", time: H, score: 0.9 },
 *   { machine: "n2", time: 0, score: NaN },
 * ];
 * const fig = fleetHeatmap(document, cells, { title: "ProbeAggregator", bucket: H, threshold: 0.8 });
 * assert.equal(fig.querySelectorAll('g.chart-cell rect').length, 2);
 * assert.equal(fig.querySelectorAll('g.chart-no-data-cell rect').length, 1);
 * ```
 */
export function fleetHeatmap(
  document: Document,
  cells: readonly HeatmapCell[],
  options: FleetHeatmapOptions,
): HTMLElement {
  const { title, bucket, width = WIDTH, threshold, order = "score", maxRows = 100 } = options;
  if (!(bucket > 0)) {
    throw new RangeError(`Cannot draw the fleet heatmap: bucket must be > 0 ms, current value is ${bucket}`);
  }
  const head = { kind: "heatmap", title, width };
  // One cell per (machine, time), keeping the max finite score.
  const byKey = new Map<string, HeatmapCell>();
  const rowMax = new Map<string, number>();
  for (const c of cells) {
    if (!Number.isFinite(c.time)) continue;
    const score = Number.isFinite(c.score) ? c.score : NaN;
    const key = `${c.time}\u0000${c.machine}`;
    const prev = byKey.get(key);
    if (!prev || (score === score && !(prev.score >= score))) byKey.set(key, { ...c, score });
    const m = rowMax.get(c.machine) ?? -Infinity;
    rowMax.set(c.machine, score === score ? Math.max(m, score) : m);
  }
  if (byKey.size === 0) return noData(document, head, "no shard reported in this period.");

  const machines = [...rowMax.keys()].sort((a, b) =>
    order === "score" ? rowMax.get(b)! - rowMax.get(a)! || a.localeCompare(b) : a.localeCompare(b)
  );
  const shown = machines.slice(0, Math.max(1, maxRows));
  const keep = new Set(shown);
  const all = [...byKey.values()].filter((c) => keep.has(c.machine));
  let x0 = Infinity, x1 = -Infinity;
  for (const c of all) x0 = Math.min(x0, c.time), x1 = Math.max(x1, c.time + bucket);
  const valid = all.filter((c) => c.score === c.score);
  const missing = all.filter((c) => c.score !== c.score);
  const hot = threshold === undefined ? [] : valid.filter((c) => c.score >= threshold);

  const rowH = Math.max(11, Math.min(20, Math.round(320 / shown.length)));
  const labelChars = 34;
  const marginLeft = Math.min(
    230,
    Math.max(60, ...shown.map((m) => textWidth(truncate(m, labelChars)) + 12)),
  );
  const marginTop = 4, marginBottom = 26, marginRight = 24;
  const tip = (c: HeatmapCell) =>
    `${c.machine}\n${utcDateTime(c.time)}–${utcDateTime(c.time + bucket).slice(11)} UTC\n` +
    (c.score === c.score ? `max score ${c.score.toFixed(2)}` : "no data");
  const common = {
    x1: (c: HeatmapCell) => c.time,
    x2: (c: HeatmapCell) => c.time + bucket,
    y: (c: HeatmapCell) => c.machine,
    insetTop: 0.5,
    insetBottom: 0.5,
    title: tip,
  };
  // The ramp's middle at the threshold and its darkest at the window's strongest cell: scores are L / (L + 8),
  // so on a plain 0–1 ramp everything normal is near white and the strongest anomaly only mid-red.
  let top = options.top ?? 0;
  if (options.top === undefined) { for (const c of valid) if (c.score > top) top = c.score; }
  const domain = threshold !== undefined && threshold > 0 && threshold < 1
    ? [0, threshold, Math.max(top, threshold + (1 - threshold) / 4)]
    : [0, Math.max(top, 1e-6)];
  const colorOptions = { type: "linear", scheme: SCORE_SCHEME, domain, clamp: true } as const;
  const svg = Plot.plot({
    document,
    width,
    height: marginTop + marginBottom + rowH * shown.length,
    marginLeft,
    marginTop,
    marginBottom,
    marginRight,
    style: PLOT_STYLE,
    x: {
      type: "utc",
      domain: [x0, x1],
      label: null,
      tickFormat: utcTick,
      ticks: Math.max(2, Math.round((width - marginLeft) / 90)),
    },
    y: {
      type: "band",
      domain: shown,
      padding: 0,
      label: null,
      tickSize: 0,
      tickFormat: (m: string) => truncate(m, labelChars),
    },
    color: colorOptions,
    marks: [
      Plot.barX(missing, { ...common, fill: NO_DATA, className: "chart-no-data-cell" }),
      Plot.barX(valid, { ...common, fill: (c: HeatmapCell) => c.score, className: "chart-cell" }),
      Plot.barX(hot, {
        ...common,
        fill: "none",
        stroke: INK,
        strokeWidth: 1.2,
        inset: 0.8,
        className: "chart-threshold-outline",
      }),
    ],
  });

  const scale = Plot.scale({ color: colorOptions });
  const cols = Math.round((x1 - x0) / bucket);
  const more = machines.length - shown.length;
  const fig = figure(document, {
    ...head,
    subtitle: [
      `${machines.length} shard${machines.length === 1 ? "" : "s"}${
        more > 0 ? ` (top ${shown.length} shown)` : ""
      }` +
      ` × ${cols} buckets of ${formatDuration(bucket)} · ${utcDateTime(x0)} – ${utcDateTime(x1)} UTC`,
    ],
  });
  fig.appendChild(
    scoreRamp(document, (v) => String(scale.apply(v)), {
      label: "max anomaly score",
      threshold,
      width,
      items: [
        { label: "no data", color: NO_DATA, kind: "rect" },
        ...(threshold === undefined ? [] : [{ label: "≥ threshold", color: INK, kind: "outline" as const }]),
      ],
    }),
  );
  fig.appendChild(withXmlns(svg));
  return fig;
}
