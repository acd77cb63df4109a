/**
 * Renders every chart with plausible synthetic data into `reports/charts-demo.html`, to look at:
 * `deno run --allow-write=reports lib/report/charts/_render_demo.ts [out.html]`, then open the file (or take a
 * headless Chromium screenshot of it). Not a test, not exported.
 *
 * @module
 */
import { parseHTML } from "linkedom";
import { createRng } from "../../synth/prng.ts";
import { fleetHeatmap, type HeatmapCell } from "./fleet_heatmap.ts";
import { anomalyChart, type AnomalyChartPoint } from "./anomaly_chart.ts";
import { maxBarChart, type MaxBarRow } from "./max_bar_chart.ts";
import { shardTrendChart, type ShardTrendRow } from "./shard_trend_chart.ts";
import { scoreTimeline } from "./score_timeline.ts";
import type { Severity } from "../../detect/types.ts";

const H = 3_600_000, D = 24 * H, M = 60_000;
const T0 = Date.UTC(2024, 2, 4); // Mon 2024-03-04 00:00 UTC
const rng = createRng(7);
const { document } = parseHTML(
  "<!doctype html><html lang=en><head><meta charset=utf-8></head><body></body></html>",
);
const shards = Array.from({ length: 24 }, (_, i) => `n${200 + i * 7}-primary-meraki-com`);
const aggregators = [
  "ProbeTablesAggregator.node_tag_cmx_probe_hll_hour",
  "ProbeTablesAggregator.node_tag_cmx_probe_hll_day",
  "PresenceAggregator.visitor_counts_5min",
  "PresenceAggregator.dwell_time_hour",
];

// 1. Fleet heatmap: 24 shards × 7 days of 1 h buckets, mostly quiet, a few episodes, some gaps.
const cells: HeatmapCell[] = [];
for (const [si, machine] of shards.entries()) {
  for (let b = 0; b < 7 * 24; b++) {
    let score = Math.max(0, Math.min(1, 0.08 + 0.06 * rng.normal()));
    if (si === 3 && b >= 60 && b < 66) score = 0.75 + 0.2 * rng.next();
    if (si === 11 && b >= 120) score = Math.min(1, 0.3 + (b - 120) / 60);
    if (b >= 96 && b < 99 && si < 12) score = Math.max(score, 0.55 + 0.3 * rng.next());
    if (si === 17 && b >= 30 && b < 52) score = NaN;
    if (si === 20 && b >= 150) score = NaN;
    cells.push({ machine, time: T0 + b * H, score });
  }
}

// 2. One anomaly: 24 h at 10 min around a lag-ratio spike, with a gap.
const peakAt = T0 + 3 * D + 14 * H;
const points: AnomalyChartPoint[] = [];
const lo: number[] = [], hi: number[] = [];
for (let t = peakAt - 12 * H; t <= peakAt + 12 * H; t += 10 * M) {
  const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
  const expected = 0.04 + 0.02 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
  let value = expected * (1 + 0.12 * rng.normal());
  const dt = (t - peakAt) / H;
  if (dt >= -2.5 && dt <= 1.5) value += 0.27 * Math.exp(-((dt + 0.3) ** 2) / 1.2);
  if (dt >= 5 && dt < 6.5) value = NaN;
  points.push({ time: t, value, expected });
  lo.push(expected * 0.7);
  hi.push(expected * 1.3);
}
const peak = points.reduce((a, b) => (b.value > a.value ? b : a));
const anomaly = {
  points,
  start: peakAt - 2.5 * H,
  end: peakAt + 1.5 * H,
  peakAt: peak.time,
  peakValue: peak.value,
  machine: shards[3],
  aggregator: aggregators[0],
  severity: "high" as Severity,
  band: { lo, hi },
};
// A dropout: the series stops reporting.
const dropAt = T0 + 5 * D + 3 * H;
const dropPoints = points.map((p, i) => ({
  time: dropAt - 12 * H + i * 10 * M,
  value: i >= 70 && i < 90 ? NaN : p.expected * 30 * (1 + 0.05 * rng.normal()),
  expected: p.expected * 30,
}));

// 3. Max value by shard × aggregator.
const sevOf = (v: number): Severity => (v > 0.25 ? "high" : v > 0.12 ? "medium" : "low");
const maxRows: MaxBarRow[] = Array.from({ length: 18 }, (_, i) => {
  const v = i === 17 ? null : Math.min(0.95, 0.05 + 0.5 * rng.next() ** 2);
  return {
    machine: shards[rng.int(0, shards.length - 1)],
    aggregator: aggregators[rng.int(0, aggregators.length - 1)],
    max_value: v,
    severity: v === null ? "low" : sevOf(v),
  };
});

// 4. Anomalies per day for 40 shards over 14 days; a few get worse.
const trendRows: ShardTrendRow[] = [];
for (let si = 0; si < 40; si++) {
  const machine = `n${300 + si * 3}-secondary-meraki-com`;
  const base = si < 6 ? 2.5 : si < 20 ? 0.8 : 0.25;
  for (let d = 0; d < 14; d++) {
    const rate = base + (si === 2 || si === 9 ? d * 0.6 : 0) + (si === 4 ? Math.max(0, 6 - d) : 0);
    let k = 0;
    for (let j = 0; j < 8; j++) if (rng.next() < rate / 8) k++;
    if (rate > 8) k += Math.round(rate - 8);
    if (k) trendRows.push({ machine, day: T0 + d * D, anomalies: k });
  }
}

// 5. Score timeline of the anomalous series over the week.
const scores = Array.from({ length: 7 * 24 * 6 }, (_, i) => {
  const t = T0 + i * 10 * M;
  let s = Math.max(0, Math.min(1, 0.1 + 0.07 * rng.normal()));
  if (Math.abs(t - peakAt) < 2.5 * H) s = Math.max(s, 0.97 - Math.abs(t - peakAt) / (10 * H));
  if (i >= 700 && i < 730) s = NaN;
  return { time: t, score: s };
});

const page = document.body;
const h1 = document.createElement("h1");
h1.textContent = "Charts demo (synthetic data)";
page.appendChild(h1);
page.appendChild(fleetHeatmap(document, cells, { title: aggregators[0], bucket: H, threshold: 0.7 }));
page.appendChild(anomalyChart(document, anomaly, { yLabel: "lag ratio" }));
page.appendChild(
  anomalyChart(document, {
    points: dropPoints,
    start: dropAt - 20 * M,
    end: dropAt + 3 * H - 10 * M,
    peakAt: dropAt,
    peakValue: null,
    machine: shards[20],
    aggregator: aggregators[2],
    severity: "medium",
  }),
);
page.appendChild(maxBarChart(document, maxRows));
page.appendChild(shardTrendChart(document, trendRows, { top: 10 }));
page.appendChild(
  scoreTimeline(document, scores, { title: `${shards[3]} · ${aggregators[0]}`, threshold: 0.82 }),
);
page.appendChild(fleetHeatmap(document, [], { title: "An aggregator with no data", bucket: H }));

const style = document.createElement("style");
style.textContent = "body{margin:20px auto;max-width:960px;font-family:system-ui,sans-serif;color:#212529}" +
  "h1{font-size:20px}";
document.head.appendChild(style);
const out = Deno.args[0] ?? "reports/charts-demo.html";
await Deno.writeTextFile(out, "<!doctype html>\n" + document.documentElement.outerHTML);
console.log(`wrote ${out}`);
