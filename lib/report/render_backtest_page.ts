import type { BacktestResult, SendSummary } from "../backtest/types.ts";
import { SEVERITIES } from "../detect/types.ts";
import { createDocument } from "./create_document.ts";
import { h } from "./charts/_dom.ts";
import { alertsPerDayChart } from "./charts/alerts_per_day_chart.ts";
import { thresholdSweepChart } from "./charts/threshold_sweep_chart.ts";
import { formatTime } from "../format/format_time.ts";
import { formatDuration } from "../format/format_duration.ts";
import { CSS } from "./_page_css.ts";

type El = (tag: string, attrs?: Record<string, string>, ...children: (Node | string)[]) => HTMLElement;

const fmtTime = (ms: number) => formatTime(ms, { suffix: " UTC" });
const pct = (x: number) => `${Math.round(x * 100)} %`;

/**
 * Renders a backtest as one self-contained HTML page in the report's style (inline CSS and SVG, a
 * Content-Security-Policy that forbids every request, no script): per profile the alerts per day as a chart and a
 * table by minimum severity, alerts by severity, shard and aggregator, the noisiest series, the share of fleet
 * incidents, with labels recall and time to detect per kind; then alerts per day against the threshold.
 *
 * @param result What `runBacktest` returned.
 * @returns The HTML document as a string.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderBacktestPage } from "./render_backtest_page.ts";
 * import { runBacktest } from "../pipeline/run_backtest.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const html = renderBacktestPage(await runBacktest(config, { from: "-3d", interval: 3_600_000, sweep: 3 }));
 * assert.ok(html.startsWith("<!DOCTYPE html>") && html.includes("chart-alerts-per-day"));
 * ```
 */
export function renderBacktestPage(result: BacktestResult): string {
  const document = createDocument();
  const el: El = (tag, attrs = {}, ...children) => h(document, tag, attrs, ...children);
  const { run, profiles, sweep, notes } = result;
  const { span } = run;
  const title = "Backtest: how many alerts would have gone out";
  document.head.append(
    el("meta", { charset: "utf-8" }),
    el("meta", {
      "http-equiv": "Content-Security-Policy",
      content: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    }),
    el("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
    el("title", {}, `${title} · ${fmtTime(span.from)} – ${fmtTime(span.until)}`),
    el("style", {}, CSS),
  );
  const table = (headers: string[], rows: (string | Node)[][]) =>
    el(
      "table",
      {},
      el("thead", {}, el("tr", {}, ...headers.map((t) => el("th", {}, t)))),
      el(
        "tbody",
        {},
        ...rows.map((r) =>
          el(
            "tr",
            {},
            ...r.map((c, i) =>
              el("td", i > 0 && typeof c === "string" && /^[\d.]/.test(c) ? { class: "num" } : {}, c)
            ),
          )
        ),
      ),
    );
  const sev = (s: string) => el("span", { class: `sev sev-${s}` }, s);
  const body: Node[] = [
    el(
      "header",
      {},
      el("h1", {}, title),
      el(
        "p",
        { class: "meta" },
        `${fmtTime(span.from)} – ${
          fmtTime(span.until)
        } · ${run.source} (${run.scored}/${run.series} series scored) · ` +
          `${span.cycles} watch cycles every ${formatDuration(span.interval)}, each reporting the last ` +
          `${formatDuration(span.lookback)} · model ${run.model.family} at ${
            formatDuration(run.model.step)
          }` +
          (run.model.trained ? " (trained on the history before the span)" : ""),
      ),
      el(
        "p",
        { class: "note" },
        "Each cycle alerts once per episode (an escalation is sent again, a recovered one re-arms), as deno task watch " +
          "does; the scores were computed once (the detectors are causal) and the alert planning replayed.",
      ),
      ...notes.map((n) => el("p", { class: "note" }, n)),
    ),
  ];
  for (const p of profiles) {
    const low = p.minSeverity.low;
    const section = el("section", { id: `profile-${p.profile}` }, el("h2", {}, `Profile ${p.profile}`));
    section.append(
      el(
        "div",
        { class: "cards" },
        ...SEVERITIES.map((m) => {
          const s = p.minSeverity[m];
          return el(
            "div",
            { class: "card" },
            el("b", {}, s.alertsPerDay.median.toString()),
            el("span", {}, `median alerts/day from ${m} up (max ${s.alertsPerDay.max})`),
          );
        }),
        el(
          "div",
          { class: "card" },
          el("b", {}, pct(low.fleetShare)),
          el("span", {}, "of the alerts were fleet incidents"),
        ),
      ),
      alertsPerDayChart(
        document,
        span.from,
        Object.fromEntries(SEVERITIES.map((m) => [m, p.minSeverity[m].perDay])),
        { title: `Alerts per day, ${p.profile} (threshold ${p.threshold.toFixed(3)})` },
      ),
      table(
        [
          "minimum severity",
          "alerts",
          "escalations",
          "per day: min",
          "median",
          "max",
          "mean",
          "low",
          "medium",
          "high",
          "fleet",
        ],
        SEVERITIES.map((m) => {
          const s = p.minSeverity[m];
          return [
            sev(m),
            String(s.alerts),
            String(s.escalations),
            String(s.alertsPerDay.min),
            String(s.alertsPerDay.median),
            String(s.alertsPerDay.max),
            s.alertsPerDay.mean.toFixed(2),
            String(s.bySeverity.low),
            String(s.bySeverity.medium),
            String(s.bySeverity.high),
            pct(s.fleetShare),
          ];
        }),
      ),
      ...breakdowns(el, table, low),
    );
    body.push(section);
  }
  body.push(
    el(
      "section",
      { id: "sweep" },
      el("h2", {}, "Alerts per day against the threshold"),
      thresholdSweepChart(document, sweep),
    ),
    el(
      "footer",
      {},
      "Made by graphite-anomaly: deno task backtest. This page is self-contained: it loads nothing.",
    ),
  );
  document.body.append(...body);
  return "<!DOCTYPE html>\n" + document.documentElement.outerHTML + "\n";
}

/** By shard, by aggregator, the noisiest series and, with labels, detection per kind (from `low` up). */
function breakdowns(
  el: El,
  table: (headers: string[], rows: (string | Node)[][]) => HTMLElement,
  s: SendSummary,
) {
  const out: Node[] = [el("h3", {}, "From low up: by shard, by aggregator, the noisiest series")];
  const top = <T extends { alerts: number }>(xs: T[], name: (x: T) => string) =>
    xs.slice(0, 10).map((x) => [name(x), String(x.alerts)]);
  out.push(
    table(["shard", "alerts"], top(s.byMachine, (x) => x.machine)),
    table(["aggregator", "alerts"], top(s.byAggregator, (x) => x.aggregator)),
    table(["series", "alerts"], top(s.noisiest, (x) => x.subject)),
  );
  if (s.detection) {
    const t = (ms: number | null) => ms === null ? "–" : formatDuration(ms);
    out.push(
      el("h3", {}, "Labelled anomalies: recall and time to detect, from low up"),
      table(
        ["kind", "labels", "alerted", "recall", "median time to detect", "max"],
        s.detection.map((
          k,
        ) => [
          k.kind,
          String(k.labels),
          String(k.detected),
          pct(k.recall),
          t(k.medianTimeToDetectMs),
          t(k.maxTimeToDetectMs),
        ]),
      ),
    );
  }
  return out;
}
