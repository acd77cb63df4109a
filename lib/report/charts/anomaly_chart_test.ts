import assert from "node:assert/strict";
import { anomalyChart, type AnomalyChartData } from "./anomaly_chart.ts";
import { assertSafe, HOSTILE, newDocument, texts } from "../../../tests/support/chart_support.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 2, 7, 2); // 02:00 UTC; the peak lands at 14:00 UTC
const base = (over: Partial<AnomalyChartData> = {}): AnomalyChartData => {
  const points = Array.from({ length: 25 }, (_, i) => ({
    time: T0 + i * H,
    value: i === 12 ? 0.31 : i === 13 ? 0.2 : i === 5 || i === 20 || i === 22 ? NaN : 0.04,
    expected: i < 3 ? NaN : 0.05,
  }));
  return {
    points,
    start: T0 + 11 * H,
    end: T0 + 13 * H,
    peakAt: T0 + 12 * H,
    peakValue: 0.31,
    machine: "n200-primary",
    aggregator: "ProbeTablesAggregator.node_tag_cmx_probe_hll_hour",
    severity: "high",
    band: { lo: points.map((p) => p.expected * 0.8), hi: points.map((p) => p.expected * 1.2) },
    ...over,
  };
};

Deno.test("anomalyChart() titles the chart with the shard, the aggregator, the max and its UTC time", () => {
  const fig = anomalyChart(newDocument(), base());
  assertSafe(fig);
  assert.equal(
    fig.querySelector(".chart-title")?.textContent,
    "n200-primary · ProbeTablesAggregator.node_tag_cmx_probe_hll_hour — max 31.0% at 14:00 UTC",
  );
  assert.match(
    fig.querySelector(".chart-subtitle")!.textContent!,
    /^high severity · anomalous 2024-03-07 13:00 – 15:00 UTC$/,
  );
  assert.deepEqual(texts(fig, "g.chart-peak-label text"), ["max 31.0% · 14:00 UTC"]);
});

Deno.test("anomalyChart() draws the series with its gaps, the expected line and band, the span and the peak", () => {
  const fig = anomalyChart(newDocument(), base());
  assertSafe(fig);
  // NaN at 5, 20 and 22: segments 0–4, 6–19, 23–24 are lines; 21 is isolated: a dot (and a zero-length piece).
  const d = fig.querySelector("g.chart-series path")!.getAttribute("d")!;
  assert.equal(d.split("M").filter((piece) => piece.includes("L")).length, 3, d);
  assert.equal(fig.querySelectorAll("g.chart-isolated circle").length, 1);
  // The expected value is unknown for the first 3 points: one dashed piece.
  const expected = fig.querySelector("g.chart-expected")!;
  assert.equal(expected.getAttribute("stroke-dasharray"), "5,4");
  assert.equal(expected.querySelector("path")!.getAttribute("d")!.match(/M/g)?.length, 1);
  assert.equal(fig.querySelectorAll("g.chart-band path").length, 1);
  const span = fig.querySelector("g.chart-span")!;
  assert.equal(span.getAttribute("fill"), "#c92a2a");
  assert.equal(span.querySelectorAll("rect").length, 1);
  assert.equal(fig.querySelectorAll("g.chart-peak circle").length, 1);
  // Three points in the span, drawn in the severity colour.
  assert.equal(fig.querySelector("g.chart-series-span")!.getAttribute("stroke"), "#c92a2a");
  assert.deepEqual(
    texts(fig, ".chart-legend text"),
    ["observed", "expected", "expected band", "anomalous span", "peak"],
  );
});

Deno.test("anomalyChart() formats the y axis as percentages only when every value is below 1", () => {
  const ratio = texts(anomalyChart(newDocument(), base()), 'g[aria-label="y-axis tick label"] text');
  assert.ok(ratio.length >= 3 && ratio.every((t) => t.endsWith("%")), String(ratio));
  const big = base();
  big.points = big.points.map((p) => ({ ...p, value: p.value * 1000, expected: p.expected * 1000 }));
  big.band = undefined;
  big.peakValue = 310;
  const fig = anomalyChart(newDocument(), big);
  assertSafe(fig);
  const plain = texts(fig, 'g[aria-label="y-axis tick label"] text');
  assert.ok(plain.length >= 3 && plain.every((t) => !t.includes("%")), String(plain));
  assert.match(fig.querySelector(".chart-title")!.textContent!, /— max 310 at 14:00 UTC$/);
  assert.equal(fig.querySelectorAll("g.chart-band").length, 0);
});

Deno.test("anomalyChart() marks a peak without a value (a dropout) with a rule and says so", () => {
  const fig = anomalyChart(newDocument(), base({ peakValue: null, severity: "medium" }));
  assertSafe(fig);
  assert.match(fig.querySelector(".chart-title")!.textContent!, /— no value at 14:00 UTC$/);
  assert.equal(fig.querySelectorAll("g.chart-peak line").length, 1);
  assert.equal(fig.querySelector("g.chart-span")!.getAttribute("fill"), "#e8590c");
});

Deno.test("anomalyChart() renders a hostile series name as text only", () => {
  const fig = anomalyChart(newDocument(), base({ machine: HOSTILE, aggregator: HOSTILE }));
  const html = assertSafe(fig);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(fig.querySelector(".chart-title")!.textContent!.startsWith(`${HOSTILE} · ${HOSTILE} — `));
});

Deno.test("anomalyChart() says there is no data when the window is empty or holds no value", () => {
  for (const points of [[], [{ time: T0, value: NaN, expected: NaN }]]) {
    const fig = anomalyChart(newDocument(), base({ points, band: undefined, peakValue: null }));
    assertSafe(fig);
    assert.equal(fig.querySelector("svg"), null);
    assert.match(fig.querySelector(".chart-no-data")!.textContent!, /^No data/);
  }
});

Deno.test("anomalyChart() rejects a band whose length differs from the points", () => {
  assert.throws(() => anomalyChart(newDocument(), base({ band: { lo: [1], hi: [2, 3] } })), {
    name: "TypeError",
    message:
      "Cannot draw the anomaly chart of n200-primary · ProbeTablesAggregator.node_tag_cmx_probe_hll_hour: " +
      "band.lo and band.hi need one value per point (25), current lengths are 1 and 2",
  });
});
