import type { ReportData } from "./types.ts";
import { createDocument } from "./create_document.ts";
import { h } from "./charts/_dom.ts";
import { fleetHeatmap } from "./charts/fleet_heatmap.ts";
import { anomalyChart } from "./charts/anomaly_chart.ts";
import { maxBarChart } from "./charts/max_bar_chart.ts";
import { shardTrendChart } from "./charts/shard_trend_chart.ts";
import { countBySeverity } from "../detect/types.ts";
import { formatNumber } from "../format/format_number.ts";
import { formatDuration } from "../format/format_duration.ts";
import { formatTime } from "../format/format_time.ts";
import { CSS } from "./_page_css.ts";

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
  const document = createDocument();
  const page: Page = { document, el: (tag, attrs = {}, ...children) => h(document, tag, attrs, ...children) };
  document.head.append(...head(page, data));
  document.body.append(
    header(page, data),
    summary(page, data),
    heatmaps(page, data),
    anomalies(page, data),
    contextCharts(page, data),
    maxValues(page, data),
    fleetIncidents(page, data),
    shards(page, data),
    dataQuality(page, data),
    page.el(
      "footer",
      {},
      "Made by graphite-anomaly: a calibrated ensemble of causal detectors. This page is self-contained: it loads nothing.",
    ),
  );
  return "<!DOCTYPE html>\n" + document.documentElement.outerHTML + "\n";
}

/** The document being built and its element factory (text always as text nodes). */
interface Page {
  document: Document;
  el: (tag: string, attrs?: Record<string, string>, ...children: (Node | string)[]) => HTMLElement;
}

/** A section: its heading, then its content. */
const section = ({ el }: Page, id: string, title: string, ...content: (Node | string)[]) =>
  el("section", { id }, el("h2", {}, title), ...content);
const note = ({ el }: Page, text: string) => el("p", { class: "note" }, text);
const empty = ({ el }: Page, text: string) => el("p", { class: "empty" }, text);
const severity = ({ el }: Page, s: string) => el("span", { class: `sev sev-${s}` }, s);

/** A table: a header row, then one row per entry. */
function table({ el }: Page, headers: readonly string[], rows: readonly HTMLElement[]): HTMLElement {
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, ...headers.map((t) => el("th", {}, t)))),
    el("tbody", {}, ...rows),
  );
}

/** Charset, the Content-Security-Policy that forbids every request, viewport, title, the styles. */
function head({ el }: Page, data: ReportData): HTMLElement[] {
  const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  return [
    el("meta", { charset: "utf-8" }),
    el("meta", { "http-equiv": "Content-Security-Policy", content: csp }),
    el("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
    el("title", {}, `${data.title} · ${fmtTime(data.from)} – ${fmtTime(data.until)}`),
    el("style", {}, CSS),
  ];
}

function header({ el }: Page, data: ReportData): HTMLElement {
  return el(
    "header",
    {},
    el("h1", {}, data.title),
    el(
      "p",
      { class: "meta" },
      `${fmtTime(data.from)} – ${fmtTime(data.until)} · ${data.source} · generated ${
        data.generatedAt.slice(0, 16).replace("T", " ")
      } UTC` + (data.writeBack ? ` · ${data.writeBack}` : ""),
    ),
  );
}

/** Counts by severity, series scored, coverage, and the model. */
function summary(page: Page, data: ReportData): HTMLElement {
  const { el } = page;
  const sev = countBySeverity(data.anomalies);
  const card = (value: string, label: string) =>
    el("div", { class: "card" }, el("b", {}, value), el("span", {}, label));
  return section(
    page,
    "summary",
    "Summary",
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
    note(
      page,
      `Model: ${data.model.family}, trained on ${data.model.trainedOn}; profile ${data.model.profile} ` +
        `(ensemble threshold ${data.model.threshold.toFixed(3)}); detectors ${
          data.model.detectors.join(", ")
        }.`,
    ),
  );
}

/** One heatmap per aggregator: the highest score per shard and bucket. */
function heatmaps(page: Page, data: ReportData): HTMLElement {
  let top = 0;
  for (const m of data.heatmaps) for (const c of m.cells) if (c.score > top) top = c.score;
  return section(
    page,
    "heatmaps",
    "Fleet heatmap",
    note(
      page,
      `Highest anomaly score per shard and ${
        formatDuration(data.bucket)
      } bucket; outlined cells crossed the threshold.`,
    ),
    ...data.heatmaps.map((m) =>
      fleetHeatmap(page.document, m.cells, {
        title: m.aggregator,
        bucket: data.bucket,
        threshold: data.model.threshold,
        top, // one ramp for every heatmap of the page
      }) as unknown as Node
    ),
    ...(data.heatmaps.length ? [] : [empty(page, "No series were scored.")]),
  );
}

/** The ranked anomalies, with the 24 h statistics and the reasons. */
function anomalies(page: Page, data: ReportData): HTMLElement {
  const { el } = page;
  const rows = data.anomalies.map((a, i) =>
    el(
      "tr",
      {},
      el("td", { class: "num" }, String(i + 1)),
      el(
        "td",
        { class: "series" },
        el("b", {}, a.machine || a.series),
        el("br"),
        el("span", {}, shortAggregator(a.aggregator)),
        el("br"),
        el(
          "code",
          { class: "id", title: "mark it normal behaviour (README: Feedback)" },
          `deno task feedback --not-anomalous ${a.id}`,
        ),
        ...(data.dashboardLinks?.[i]
          ? [el("br"), el("a", { href: data.dashboardLinks[i], class: "grafana" }, "Grafana ↗")]
          : []),
      ),
      el(
        "td",
        { class: "nowrap" },
        fmtTime(a.start),
        el("br"),
        formatDuration(a.end - a.start + (data.steps[a.series] ?? 0)),
      ),
      el("td", {}, severity(page, a.severity)),
      el("td", { class: "num" }, a.score.toFixed(2)),
      el("td", { class: "num" }, fmtNum(a.max_value)),
      el("td", { class: "num" }, fmtNum(a.avg_value)),
      el("td", { class: "num" }, `${(a.valid_pct * 100).toFixed(0)} %`),
      el(
        "td",
        { class: "why" },
        el(
          "ul",
          { class: "reasons" },
          ...a.reasons.slice(0, 3).map((r) => el("li", {}, `${r.detector}: ${r.detail}`)),
        ),
      ),
    )
  );
  const headers = [
    "#",
    "shard · aggregator",
    "start · duration",
    "severity",
    "score",
    "max",
    "avg",
    "valid",
    "why",
  ];
  const dismissed = data.dismissed ?? [];
  return section(
    page,
    "anomalies",
    `Anomalies (${data.anomalies.length})`,
    data.anomalies.length ? table(page, headers, rows) : empty(page, "No anomalies in this window."),
    ...(dismissed.length
      ? [
        note(page, `${dismissed.length} more dismissed by operators' feedback (not alerted):`),
        table(
          page,
          ["shard · aggregator", "start", "why dismissed"],
          dismissed.map((a) =>
            el(
              "tr",
              {},
              el(
                "td",
                { class: "series" },
                el("b", {}, a.machine || a.series),
                el("br"),
                el("span", {}, shortAggregator(a.aggregator)),
              ),
              el("td", { class: "nowrap" }, fmtTime(a.start)),
              el("td", { class: "why" }, a.reasons[0]?.detail ?? ""),
            )
          ),
        ),
      ]
      : []),
  );
}

/** The 24 h around each top anomaly. */
function contextCharts(page: Page, data: ReportData): HTMLElement {
  const charts = page.el(
    "div",
    { class: "charts" },
    ...data.charts.map((c) =>
      anomalyChart(page.document, { ...c, aggregator: shortAggregator(c.aggregator) }, {
        width: 460,
        height: 220,
      }) as unknown as Node
    ),
  );
  return section(
    page,
    "charts",
    "Around each anomaly",
    note(
      page,
      "24 h around the peak: the series, the expected value (dashed) and the band (the values that would score below the threshold), the anomalous span shaded.",
    ),
    data.charts.length ? charts : empty(page, "Nothing to show."),
  );
}

/** The original scripts' chart: the max value by shard and aggregator. */
function maxValues(page: Page, data: ReportData): HTMLElement {
  const bars = data.anomalies.map((a) => ({
    machine: a.machine || a.series,
    aggregator: a.aggregator,
    max_value: a.max_value,
    severity: a.severity,
  }));
  return section(
    page,
    "max-values",
    "Max value by shard and aggregator",
    data.anomalies.length
      ? maxBarChart(page.document, bars, {}) as unknown as Node
      : empty(page, "No anomalies in this window."),
  );
}

/** Many shards of one aggregator anomalous together: one incident each. */
function fleetIncidents(page: Page, data: ReportData): HTMLElement {
  const { el } = page;
  const floor = `${data.fleetFloor.minShards} shards${
    data.fleetFloor.minFraction !== undefined ? ` or ${Math.round(data.fleetFloor.minFraction * 100)} %` : ""
  }`;
  const rows = data.incidents.map((i) =>
    el(
      "tr",
      {},
      el("td", {}, shortAggregator(i.aggregator)),
      el("td", {}, fmtTime(i.start)),
      el("td", {}, fmtTime(i.end)),
      el("td", { class: "num" }, `${i.machines.length} / ${i.fleetSize}`),
      el("td", {}, severity(page, i.severity)),
      el("td", {}, i.detail),
    )
  );
  return section(
    page,
    "fleet",
    `Fleet-wide incidents (${data.incidents.length})`,
    note(
      page,
      `Many shards of one aggregator anomalous in the same hour (at least ${floor}): one incident, sent as one ` +
        `alert instead of one per shard.`,
    ),
    data.incidents.length
      ? table(page, ["aggregator", "from", "to", "shards", "severity", "what"], rows)
      : empty(page, "No fleet-wide incident in the window."),
  );
}

/** Anomalies per shard over the trend's days, and which shards are getting worse. */
function shards(page: Page, data: ReportData): HTMLElement {
  const { el } = page;
  const rows = data.shards.map((s) =>
    el(
      "tr",
      {},
      el("td", {}, s.machine),
      el("td", { class: "num" }, String(s.anomalies)),
      el("td", { class: "num" }, String(s.bySeverity.high)),
      el("td", { class: "num" }, String(s.bySeverity.medium)),
      el("td", { class: "num" }, String(s.bySeverity.low)),
      el("td", { class: "num" }, `${s.trend > 0 ? "+" : ""}${s.trend}${s.worsening ? " ▲ worsening" : ""}`),
      el("td", {}, s.aggregators.map(shortAggregator).join(", ")),
    )
  );
  const headers = ["shard", "anomalies", "high", "medium", "low", "trend / day", "aggregators"];
  return section(
    page,
    "shards",
    "Shards",
    note(
      page,
      `Anomalies per shard over the ${
        Math.round((data.until - data.trendFrom) / 86_400_000)
      } days up to the end of the ` +
        `window; the trend is the least-squares slope of anomalies per day; "worsening" when the rise is ` +
        `significant (Mann–Kendall, corrected for the number of shards), never for one bad day.`,
    ),
    data.shards.length ? table(page, headers, rows) : empty(page, "No shard had an anomaly."),
    data.trend.length
      ? shardTrendChart(page.document, data.trend, {
        from: data.trendFrom,
        until: data.until,
      }) as unknown as Node
      : "",
  );
}

/** Series with gaps, stuck values or failed fetches. */
function dataQuality(page: Page, data: ReportData): HTMLElement {
  const { el } = page;
  const rows = [
    ...data.quality.map((r) =>
      el(
        "tr",
        {},
        el("td", {}, r.machine ? `${r.machine} · ${shortAggregator(r.aggregator)}` : r.series),
        el("td", {}, r.issue),
        el("td", {}, r.detail),
      )
    ),
    ...data.failures.map((f) =>
      el("tr", {}, el("td", {}, f.series), el("td", {}, "fetch failed"), el("td", {}, f.reason))
    ),
  ];
  return section(
    page,
    "quality",
    "Data quality",
    rows.length
      ? table(page, ["series", "issue", "detail"], rows)
      : empty(page, "Every series reported over the whole window."),
  );
}
