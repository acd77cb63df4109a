import assert from "node:assert/strict";
import { maxBarChart, type MaxBarRow } from "./max_bar_chart.ts";
import { assertSafe, HOSTILE, newDocument, texts } from "../../../tests/support/chart_support.ts";

const row = (
  machine: string,
  aggregator: string,
  max_value: number | null,
  severity: MaxBarRow["severity"],
) => ({
  machine,
  aggregator,
  max_value,
  severity,
});

Deno.test("maxBarChart() draws one bar per shard × aggregator, sorted by max, coloured by severity", () => {
  const fig = maxBarChart(newDocument(), [
    row("n1", "Probe.hour", 0.12, "low"),
    row("n2", "Probe.hour", 0.42, "high"),
    row("n3", "Presence.visits", 0.25, "medium"),
  ]);
  assertSafe(fig);
  const bars = fig.querySelectorAll("g.chart-bar rect");
  assert.equal(bars.length, 3);
  assert.deepEqual([...bars].map((b) => b.getAttribute("fill")), ["#c92a2a", "#e8590c", "#e6a817"]);
  assert.deepEqual(texts(fig, 'g[aria-label="y-axis tick label"] text'), [
    "n2 · hour",
    "n3 · visits",
    "n1 · hour",
  ]);
  assert.deepEqual(texts(fig, "g.chart-bar-value text"), ["42.0%", "25.0%", "12.0%"]);
  // Longer bar for the larger value.
  const widths = [...bars].map((b) => Number(b.getAttribute("width")));
  assert.ok(widths[0] > widths[1] && widths[1] > widths[2], String(widths));
  assert.deepEqual(texts(fig, ".chart-legend text"), ["low", "medium", "high"]);
  assert.equal(fig.querySelector(".chart-title")?.textContent, "Max value by shard and aggregator");
  const ticks = texts(fig, 'g[aria-label="x-axis tick label"] text');
  assert.ok(ticks.length >= 3 && ticks.every((t) => t.endsWith("%")), String(ticks));
});

Deno.test("maxBarChart() merges rows of one pair (largest value, worst severity) and names clashing aggregators in full", () => {
  const fig = maxBarChart(newDocument(), [
    row("n1", "A.hour", 3, "low"),
    row("n1", "A.hour", 5, "low"),
    row("n1", "A.hour", null, "high"),
    row("n1", "B.hour", 4, "medium"),
  ]);
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-bar rect").length, 2);
  assert.deepEqual(texts(fig, 'g[aria-label="y-axis tick label"] text'), ["n1 · A.hour", "n1 · B.hour"]);
  assert.deepEqual(texts(fig, "g.chart-bar-value text"), ["5", "4"]);
  assert.equal(fig.querySelector("g.chart-bar rect")!.getAttribute("fill"), "#c92a2a");
  const ticks = texts(fig, 'g[aria-label="x-axis tick label"] text');
  assert.ok(ticks.every((t) => !t.includes("%")), String(ticks));
});

Deno.test("maxBarChart() lists rows without a value last, as 'no value', without NaN", () => {
  const fig = maxBarChart(newDocument(), [
    row("n1", "A.x", null, "low"),
    row("n2", "A.x", NaN, "low"),
    row("n3", "A.x", 0.5, "high"),
  ]);
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-bar rect").length, 1);
  assert.deepEqual(texts(fig, "g.chart-bar-missing text"), ["no value", "no value"]);
  assert.deepEqual(texts(fig, 'g[aria-label="y-axis tick label"] text'), ["n3 · x", "n1 · x", "n2 · x"]);
});

Deno.test("maxBarChart() keeps the largest `limit` bars and says how many there were", () => {
  const rows = Array.from({ length: 12 }, (_, i) => row(`n${i}`, "A.x", i / 100, "low"));
  const fig = maxBarChart(newDocument(), rows, { limit: 5, title: "Top" });
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-bar rect").length, 5);
  assert.equal(texts(fig, 'g[aria-label="y-axis tick label"] text')[0], "n11 · x");
  assert.match(
    fig.querySelector(".chart-subtitle")!.textContent!,
    /^12 shard × aggregator pairs \(the 5 largest shown\)/,
  );
  assert.equal(fig.querySelector(".chart-title")?.textContent, "Top");
});

Deno.test("maxBarChart() renders a hostile series name as text only", () => {
  const fig = maxBarChart(newDocument(), [row(HOSTILE, `X.${HOSTILE}`, 0.3, "high")], { title: HOSTILE });
  const html = assertSafe(fig);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.equal(fig.querySelector(".chart-title")?.textContent, HOSTILE);
  assert.ok(texts(fig, "g.chart-bar title")[0].startsWith(HOSTILE));
});

Deno.test("maxBarChart() says there is no data for no rows instead of throwing", () => {
  const fig = maxBarChart(newDocument(), []);
  assertSafe(fig);
  assert.equal(fig.querySelector("svg"), null);
  assert.match(fig.querySelector(".chart-no-data")!.textContent!, /^No data/);
});
