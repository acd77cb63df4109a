import * as Plot from "@observablehq/plot";
import { figure, legend, noData } from "./_dom.ts";
import { withXmlns } from "../../_svg.ts";
import { formatDuration, textWidth, truncate, utcDay, utcTick } from "./_format.ts";
import { FAINT, INK, MUTED, PLOT_STYLE, RULE, WIDTH } from "./_theme.ts";
import { SEVERITY_COLOR } from "../../detect/types.ts";

/** Anomalies of one shard in one bucket (day). */
export interface ShardTrendRow {
  /** The shard. */
  machine: string;
  /** Start of the bucket, epoch ms. */
  day: number;
  /** Anomalies in the bucket. */
  anomalies: number;
}

/** Options for {@link shardTrendChart}. */
export interface ShardTrendChartOptions {
  /** Title. @default "Anomalies per day by shard" */
  title?: string;
  /** Width, px. @default 960 */
  width?: number;
  /** Shards on their own row (by total; up to half as many more if getting worse); the rest make one "other" row.
   * @default 10 */
  top?: number;
  /** Length of one bucket, ms. @default 1 day */
  bucket?: number;
  /** Start of the period, epoch ms. @default the first bucket in `rows` */
  from?: number;
  /** End of the period (exclusive), epoch ms. @default one bucket after the last bucket in `rows` */
  until?: number;
}

interface Group {
  name: string;
  total: number;
  peak: number;
  perBucket: number[];
  slope: number;
  worse: boolean;
  shards: number;
}

/**
 * Anomalies per day per shard as small multiples: one row of daily bars per shard, all on one shared scale, so
 * a shard that gets worse stands out. The rows are the `top` shards by total, plus up to `top / 2` more shards
 * that are getting worse, then one "other" row holding the mean per shard of the rest (a mean, not a sum, so
 * it stays on the scale of one shard). A shard is getting worse when the least-squares line through its daily
 * counts climbs over the period by at least 2 and by at least its mean per day; its bars are drawn in the
 * accent colour and its label is bold with ▲. Each row ends with its total, its busiest day and its trend
 * (the slope, per day). All text goes in as text nodes.
 *
 * @param document A DOM document (e.g. from linkedom's `parseHTML`).
 * @param rows Anomalies per shard and bucket (any order; missing buckets count as 0).
 * @param options See {@link ShardTrendChartOptions}.
 * @returns A `<figure class="chart chart-shard-trend">` (title, legend, `<svg xmlns=…>`), or a "no data"
 * figure when there are no anomalies.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHTML } from "linkedom";
 * import { shardTrendChart } from "./shard_trend_chart.ts";
 * const { document } = parseHTML("<!doctype html><html><body></body></html>");
 * const D = 86_400_000;
 * const rows = [0, 1, 2, 3].map((d) => ({ machine: "n1", day: d * D, anomalies: d * 2 }));
 * const fig = shardTrendChart(document, [...rows, { machine: "n2", day: 0, anomalies: 1 }]);
 * assert.equal(fig.querySelectorAll("g.chart-day-bar rect").length, 4); // zero days draw no bar
 * assert.equal(fig.querySelectorAll("g.chart-trend-label-worse text").length, 1);
 * ```
 */
export function shardTrendChart(
  document: Document,
  rows: readonly ShardTrendRow[],
  options: ShardTrendChartOptions = {},
): HTMLElement {
  const { title = "Anomalies per day by shard", width = WIDTH, top = 10, bucket = 86_400_000 } = options;
  if (!(bucket > 0)) {
    throw new RangeError(
      `Cannot draw the shard trend chart: bucket must be > 0 ms, current value is ${bucket}`,
    );
  }
  const head = { kind: "shard-trend", title, width };
  const valid = rows.filter((r) => Number.isFinite(r.day) && Number.isFinite(r.anomalies) && r.anomalies > 0);
  if (valid.length === 0) return noData(document, head, "no anomalies in this period.");

  let first = Infinity, last = -Infinity;
  for (const r of valid) first = Math.min(first, r.day), last = Math.max(last, r.day);
  const from = options.from ?? first;
  const until = options.until ?? last + bucket;
  const buckets = Math.max(1, Math.ceil((until - from) / bucket));
  const bucketOf = (t: number) => Math.floor((t - from) / bucket);

  const perShard = new Map<string, number[]>();
  for (const r of valid) {
    const b = bucketOf(r.day);
    if (b < 0 || b >= buckets) continue;
    let counts = perShard.get(r.machine);
    if (!counts) perShard.set(r.machine, counts = new Array<number>(buckets).fill(0));
    counts[b] += r.anomalies;
  }
  if (perShard.size === 0) return noData(document, head, "no anomalies in this period.");

  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  const summarise = (name: string, perBucket: number[], shardCount: number): Group => {
    const total = sum(perBucket), mean = total / buckets, mx = (buckets - 1) / 2;
    let sxy = 0, sxx = 0;
    perBucket.forEach((y, x) => (sxy += (x - mx) * (y - mean), sxx += (x - mx) ** 2));
    const slope = sxx ? sxy / sxx : 0;
    const rise = slope * (buckets - 1);
    const peak = Math.max(...perBucket);
    return {
      name,
      total,
      peak,
      perBucket,
      slope,
      worse: rise >= Math.max(2, mean),
      shards: shardCount,
    };
  };
  const all = [...perShard].map(([name, counts]) => summarise(name, counts, 1))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  // The top shards by total, plus up to half as many more that are getting worse, ordered by total.
  let picked = all.length <= top + 1 ? all : all.slice(0, Math.max(1, top));
  if (picked.length < all.length) {
    const chosen = new Set(picked);
    const rising = all.filter((g) => g.worse && !chosen.has(g)).sort((a, b) => b.slope - a.slope);
    picked = [...picked, ...rising.slice(0, Math.ceil(top / 2))].sort((a, b) =>
      b.total - a.total || a.name.localeCompare(b.name)
    );
  }
  const chosen = new Set(picked);
  const rest = all.filter((g) => !chosen.has(g));
  const stats = [...picked];
  if (rest.length) {
    // The rest as the mean per shard, on the same scale as one shard. A zero-width space keeps this row apart
    // from a shard that happens to be called "other …".
    const mean = new Array<number>(buckets).fill(0);
    for (const g of rest) g.perBucket.forEach((v, i) => mean[i] += v / rest.length);
    stats.push(summarise(`other (mean of ${rest.length})\u200b`, mean, rest.length));
  }
  const byName = new Map(stats.map((g) => [g.name, g]));
  const bars = stats.flatMap((g) =>
    g.perBucket.flatMap((v, i) => v > 0 ? [{ group: g.name, t: from + i * bucket, anomalies: v }] : [])
  );
  type BarDatum = (typeof bars)[number];
  const unit = bucket === 86_400_000 ? "day" : formatDuration(bucket);
  const num = (v: number) => Number.isInteger(v) ? String(v) : v.toFixed(1);
  const trendText = (g: Group) =>
    `${g.shards > 1 ? `${Math.round(g.total * g.shards)} in all` : `${g.total} total`} · peak ${
      num(g.peak)
    } · trend ${g.slope > 0 ? "+" : g.slope < 0 ? "−" : "±"}${
      Math.abs(g.slope).toFixed(g.slope !== 0 && Math.abs(g.slope) < 0.1 ? 2 : 1)
    }/${unit}${g.worse ? " ▲" : ""}`;

  const rowH = 34, marginTop = 4, marginBottom = 26;
  const marginRight = Math.min(300, Math.max(...stats.map((g) => textWidth(trendText(g)) + 18)));
  const marginLeft = Math.min(240, Math.max(70, ...stats.map((g) => textWidth(truncate(g.name, 34)) + 14)));
  const svg = Plot.plot({
    document,
    width,
    height: marginTop + marginBottom + rowH * stats.length,
    marginLeft,
    marginRight,
    marginTop,
    marginBottom,
    style: PLOT_STYLE,
    x: {
      type: "utc",
      domain: [from, from + buckets * bucket],
      label: null,
      tickFormat: utcTick,
      ticks: Math.max(2, Math.min(buckets, Math.round((width - marginLeft - marginRight) / 80))),
    },
    y: { axis: null, domain: [0, Math.max(1, ...stats.map((g) => g.peak))] },
    fy: {
      domain: stats.map((g) => g.name),
      label: null,
      padding: 0.18,
      tickSize: 0,
      tickFormat: (name: string) => truncate(name, 34),
    },
    marks: [
      Plot.ruleY([0], { stroke: RULE }),
      Plot.rectY(bars, {
        x1: "t",
        x2: (d: BarDatum) => d.t + bucket,
        y: "anomalies",
        fy: "group",
        insetLeft: buckets > 60 ? 0.25 : 1,
        insetRight: buckets > 60 ? 0.25 : 1,
        fill: (d: BarDatum) => byName.get(d.group)!.worse ? SEVERITY_COLOR.medium : FAINT,
        title: (d: BarDatum) =>
          `${d.group.replace("\u200b", "")}\n${utcDay(d.t)}: ${num(d.anomalies)} anomalies`,
        className: "chart-day-bar",
      }),
      [false, true].map((worse) =>
        Plot.text(stats.filter((g) => g.worse === worse), {
          fy: "name",
          frameAnchor: "left",
          dx: width - marginLeft - marginRight + 10,
          textAnchor: "start",
          text: trendText,
          fill: worse ? INK : MUTED,
          fontWeight: worse ? 600 : 400,
          className: worse ? "chart-trend-label-worse" : "chart-trend-label",
        })
      ),
    ],
  });
  const worse = all.filter((g) => g.worse).length;
  const fig = figure(document, {
    ...head,
    subtitle: [
      (rest.length
        ? `${picked.length} of ${all.length} shards (the most anomalies, and any getting worse); ` +
          `"other" is the mean of the rest`
        : `${all.length} shards`) +
      ` · ${buckets} × ${formatDuration(bucket)} from ${utcDay(from)} UTC` +
      (worse ? ` · ${worse} getting worse` : ""),
    ],
  });
  fig.appendChild(legend(document, [
    { label: `anomalies per ${unit}`, color: FAINT, kind: "rect" },
    { label: "getting worse (rising trend)", color: SEVERITY_COLOR.medium, kind: "rect" },
  ], width));
  fig.appendChild(withXmlns(svg));
  return fig;
}
