import { parseHTML } from "linkedom";
import type { ReportData } from "./types.ts";
import { fleetHeatmap } from "./charts/fleet_heatmap.ts";
import { anomalyChart } from "./charts/anomaly_chart.ts";
import { maxBarChart } from "./charts/max_bar_chart.ts";
import { shardTrendChart } from "./charts/shard_trend_chart.ts";
import { SEVERITY_COLOR } from "../detect/types.ts";
import { formatNumber } from "../format/format_number.ts";
import { formatDuration } from "../format/format_duration.ts";
import { formatTime } from "../format/format_time.ts";

const CSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; --soft: #f6f8fa;
  --low: ${SEVERITY_COLOR.low}; --medium: ${SEVERITY_COLOR.medium}; --high: ${SEVERITY_COLOR.high}; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; } h3 { font-size: 14px; margin: 16px 0 4px; }
.meta, .note { color: var(--muted); } .note { font-size: 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--soft); }
.card b { display: block; font-size: 20px; } .card span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin: 8px 0; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); position: sticky; top: 0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 0 6px; border-radius: 10px; color: #fff; font-size: 11px; }
.sev-low { background: var(--low); color: #1f2328; } .sev-medium { background: var(--medium); } .sev-high { background: var(--high); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 8px 0; break-inside: avoid; } svg { max-width: 100%; height: auto; }
.reasons { margin: 0; padding-left: 16px; } .nowrap, td.num { white-space: nowrap; }
td.series { overflow-wrap: anywhere; min-width: 180px; } td.series span { color: var(--muted); } td.why { min-width: 260px; } .empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } th { position: static; }
  .charts { grid-template-columns: 1fr 1fr; } section { break-inside: auto; } }
`;

const fmtTime = (ms: number) => formatTime(ms, { suffix: " UTC" });
const fmtNum = (v: number | null) => formatNumber(v, { digits: 4, exponent: false, percentBelowOne: 3 });
const shortAggregator = (a: string) => a.slice(a.lastIndexOf(".") + 1) || a;

/**
 * Renders the report as one self-contained HTML page: inline CSS and SVG, a Content-Security-Policy that
 * forbids every external request, no script, readable with
 * JavaScript off, print styles. All text goes in through DOM text nodes, so metric names are always escaped.
 *
 * @param data The report data from `buildReport`.
 * @returns The HTML document as a string.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPage } from "./render_page.ts";
 * import { buildReport } from "./build_report.ts";
 * import { detect } from "../detect/detect.ts";
 * import { train } from "../model/train.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 2, days: 20, aggregators: ["A"], seed: 3 });
 * const until = series[0].start + (series[0].values.length - 1) * series[0].step, from = until - 86_400_000;
 * const model = train(series);
 * const detected = detect(model, series, { from, until, keepScores: true });
 * const html = renderPage(buildReport(model, detected, [], { from, until, now: until, source: "example" }));
 * assert.ok(html.startsWith("<!DOCTYPE html>") && html.includes("example"));
 * ```
 */
export function renderPage(data: ReportData): string {
  const { document } = parseHTML('<!DOCTYPE html><html lang="en"><head></head><body></body></html>');
  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs: Record<string, string> = {},
    ...children: (Node | string)[]
  ) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(typeof c === "string" ? document.createTextNode(c) : c);
    return e;
  };
  const head = document.head;
  head.append(el("meta", { charset: "utf-8" }));
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  head.append(el("meta", { "http-equiv": "Content-Security-Policy", content: csp }));
  head.append(el("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }));
  head.append(el("title", {}, `${data.title} · ${fmtTime(data.from)} – ${fmtTime(data.until)}`));
  head.append(el("style", {}, CSS));
  const body = document.body;

  body.append(el(
    "header",
    {},
    el("h1", {}, data.title),
    el(
      "p",
      { class: "meta" },
      `${fmtTime(data.from)} – ${fmtTime(data.until)} · ${data.source} · generated ${
        data.generatedAt.slice(0, 16).replace("T", " ")
      } UTC`,
    ),
  ));

  // Summary.
  const sev = { high: 0, medium: 0, low: 0 };
  for (const a of data.anomalies) sev[a.severity]++;
  const card = (value: string, label: string) =>
    el("div", { class: "card" }, el("b", {}, value), el("span", {}, label));
  body.append(el(
    "section",
    { id: "summary" },
    el("h2", {}, "Summary"),
    el(
      "div",
      { class: "cards" },
      card(String(data.anomalies.length), "anomalies"),
      card(String(sev.high), "high"),
      card(String(sev.medium), "medium"),
      card(String(sev.low), "low"),
      card(`${data.series.scored} / ${data.series.asked}`, "series scored"),
      card(`${(data.coverage * 100).toFixed(1)} %`, "data coverage"),
    ),
    el(
      "p",
      { class: "note" },
      `Model: ${data.model.family}, trained on ${data.model.trainedOn}; profile ${data.model.profile} ` +
        `(ensemble threshold ${data.model.threshold.toFixed(3)}); detectors ${
          data.model.detectors.join(", ")
        }.`,
    ),
  ));

  // Heatmaps.
  const heat = el(
    "section",
    { id: "heatmaps" },
    el("h2", {}, "Fleet heatmap"),
    el(
      "p",
      { class: "note" },
      `Highest anomaly score per shard and ${
        formatDuration(data.bucket)
      } bucket; outlined cells crossed the threshold.`,
    ),
  );
  for (const h of data.heatmaps) {
    heat.append(fleetHeatmap(document as unknown as Document, h.cells, {
      title: h.aggregator,
      bucket: data.bucket,
      threshold: data.model.threshold,
    }) as unknown as Node);
  }
  if (!data.heatmaps.length) heat.append(el("p", { class: "empty" }, "No series were scored."));
  body.append(heat);

  // Ranked anomalies.
  const table = el("table", {});
  table.append(el(
    "thead",
    {},
    el(
      "tr",
      {},
      ...["#", "shard · aggregator", "start · duration", "severity", "score", "max", "avg", "valid", "why"]
        .map((h) => el("th", {}, h)),
    ),
  ));
  const tbody = el("tbody", {});
  data.anomalies.forEach((a, i) => {
    const reasons = el(
      "ul",
      { class: "reasons" },
      ...a.reasons.slice(0, 3).map((r) => el("li", {}, `${r.detector}: ${r.detail}`)),
    );
    tbody.append(el(
      "tr",
      {},
      el("td", { class: "num" }, String(i + 1)),
      el(
        "td",
        { class: "series" },
        el("b", {}, a.machine || a.series),
        el("br"),
        el("span", {}, shortAggregator(a.aggregator)),
      ),
      el(
        "td",
        { class: "nowrap" },
        fmtTime(a.start),
        el("br"),
        formatDuration(a.end - a.start + (data.steps[a.series] ?? 0)),
      ),
      el("td", {}, el("span", { class: `sev sev-${a.severity}` }, a.severity)),
      el("td", { class: "num" }, a.score.toFixed(2)),
      el("td", { class: "num" }, fmtNum(a.max_value)),
      el("td", { class: "num" }, fmtNum(a.avg_value)),
      el("td", { class: "num" }, `${(a.valid_pct * 100).toFixed(0)} %`),
      el("td", { class: "why" }, reasons),
    ));
  });
  table.append(tbody);
  body.append(el(
    "section",
    { id: "anomalies" },
    el("h2", {}, `Anomalies (${data.anomalies.length})`),
    data.anomalies.length ? table : el("p", { class: "empty" }, "No anomalies in this window."),
  ));

  // Context charts.
  const charts = el("div", { class: "charts" });
  for (const c of data.charts) {
    charts.append(
      anomalyChart(document as unknown as Document, { ...c, aggregator: shortAggregator(c.aggregator) }, {
        width: 460,
        height: 220,
      }) as unknown as Node,
    );
  }
  body.append(el(
    "section",
    { id: "charts" },
    el("h2", {}, "Around each anomaly"),
    el(
      "p",
      { class: "note" },
      "24 h around the peak: the series, the expected value (dashed) and band, the anomalous span shaded.",
    ),
    data.charts.length ? charts : el("p", { class: "empty" }, "Nothing to show."),
  ));

  // Max value bar chart.
  body.append(el(
    "section",
    { id: "max-values" },
    el("h2", {}, "Max value by shard and aggregator"),
    data.anomalies.length
      ? maxBarChart(
        document as unknown as Document,
        data.anomalies.map((a) => ({
          machine: a.machine || a.series,
          aggregator: a.aggregator,
          max_value: a.max_value,
          severity: a.severity,
        })),
        {},
      ) as unknown as Node
      : el("p", { class: "empty" }, "No anomalies in this window."),
  ));

  // Fleet-wide incidents.
  const floor = `${data.fleetFloor.minShards} shards${
    data.fleetFloor.minFraction !== undefined ? ` or ${Math.round(data.fleetFloor.minFraction * 100)} %` : ""
  }`;
  const incidentTable = el("table", {});
  incidentTable.append(el(
    "thead",
    {},
    el("tr", {}, ...["aggregator", "from", "to", "shards", "severity", "what"].map((h) => el("th", {}, h))),
  ));
  const ib = el("tbody", {});
  for (const i of data.incidents) {
    ib.append(el(
      "tr",
      {},
      el("td", {}, shortAggregator(i.aggregator)),
      el("td", {}, fmtTime(i.start)),
      el("td", {}, fmtTime(i.end)),
      el("td", { class: "num" }, `${i.machines.length} / ${i.fleetSize}`),
      el("td", {}, el("span", { class: `sev sev-${i.severity}` }, i.severity)),
      el("td", {}, i.detail),
    ));
  }
  incidentTable.append(ib);
  body.append(el(
    "section",
    { id: "fleet" },
    el("h2", {}, `Fleet-wide incidents (${data.incidents.length})`),
    el(
      "p",
      { class: "note" },
      `Many shards of one aggregator anomalous in the same hour (at least ${floor}): one incident, sent as one ` +
        `alert instead of one per shard.`,
    ),
    data.incidents.length
      ? incidentTable
      : el("p", { class: "empty" }, "No fleet-wide incident in the window."),
  ));

  // Shards.
  const shardTable = el("table", {});
  shardTable.append(
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["shard", "anomalies", "high", "medium", "low", "trend / day", "aggregators"].map((h) =>
          el("th", {}, h)
        ),
      ),
    ),
  );
  const sb = el("tbody", {});
  for (const s of data.shards) {
    sb.append(el(
      "tr",
      {},
      el("td", {}, s.machine),
      el("td", { class: "num" }, String(s.anomalies)),
      el("td", { class: "num" }, String(s.bySeverity.high)),
      el("td", { class: "num" }, String(s.bySeverity.medium)),
      el("td", { class: "num" }, String(s.bySeverity.low)),
      el(
        "td",
        { class: "num" },
        `${s.trend > 0 ? "+" : ""}${s.trend}${s.worsening ? " ▲ worsening" : ""}`,
      ),
      el("td", {}, s.aggregators.map(shortAggregator).join(", ")),
    ));
  }
  shardTable.append(sb);
  body.append(el(
    "section",
    { id: "shards" },
    el("h2", {}, "Shards"),
    el(
      "p",
      { class: "note" },
      `Anomalies per shard over the ${
        Math.round((data.until - data.trendFrom) / 86_400_000)
      } days up to the end of the ` +
        `window; the trend is the least-squares slope of anomalies per day; "worsening" when the rise is ` +
        `significant (Mann–Kendall, corrected for the number of shards), never for one bad day.`,
    ),
    data.shards.length ? shardTable : el("p", { class: "empty" }, "No shard had an anomaly."),
    data.trend.length
      ? shardTrendChart(document as unknown as Document, data.trend, {
        from: data.trendFrom,
        until: data.until,
      }) as unknown as Node
      : "",
  ));

  // Data quality.
  const q = el("table", {});
  q.append(el("thead", {}, el("tr", {}, ...["series", "issue", "detail"].map((h) => el("th", {}, h)))));
  const qb = el("tbody", {});
  for (const r of data.quality) {
    qb.append(
      el(
        "tr",
        {},
        el("td", {}, r.machine ? `${r.machine} · ${shortAggregator(r.aggregator)}` : r.series),
        el("td", {}, r.issue),
        el("td", {}, r.detail),
      ),
    );
  }
  for (const f of data.failures) {
    qb.append(el("tr", {}, el("td", {}, f.series), el("td", {}, "fetch failed"), el("td", {}, f.reason)));
  }
  q.append(qb);
  body.append(el(
    "section",
    { id: "quality" },
    el("h2", {}, "Data quality"),
    data.quality.length || data.failures.length
      ? q
      : el("p", { class: "empty" }, "Every series reported over the whole window."),
  ));

  body.append(el(
    "footer",
    {},
    "Made by graphite-anomaly: a calibrated ensemble of causal detectors. This page is self-contained: it loads nothing.",
  ));
  return "<!DOCTYPE html>\n" + document.documentElement.outerHTML + "\n";
}
