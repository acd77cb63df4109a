import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { fleetHeatmap, type HeatmapCell } from "./fleet_heatmap.ts";
import { assertSafe, HOSTILE, newDocument, texts } from "../../../tests/support/chart_support.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 2, 4);
const grid = (machines: string[], buckets: number, score: (m: number, b: number) => number): HeatmapCell[] =>
  machines.flatMap((machine, m) =>
    Array.from({ length: buckets }, (_, b) => ({ machine, time: T0 + b * H, score: score(m, b) }))
  );

Deno.test("fleetHeatmap() draws one rect per cell, with no-data cells apart and outlines at the threshold", () => {
  const cells = grid(
    ["a", "b", "c"],
    4,
    (m, b) => (m === 1 && b < 2 ? NaN : m === 2 && b === 3 ? 0.9 : 0.1 * b),
  );
  const fig = fleetHeatmap(newDocument(), cells, { title: "ProbeAggregator", bucket: H, threshold: 0.3 });
  const html = assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-cell rect").length, 10);
  assert.equal(fig.querySelectorAll("g.chart-no-data-cell rect").length, 2);
  // 0.3 (three rows at b = 3, one of them 0.9 instead) → a:0.3, b:0.3, c:0.9 → 3 outlines.
  assert.equal(fig.querySelectorAll("g.chart-threshold-outline rect").length, 3);
  assert.equal(fig.querySelector(".chart-title")?.textContent, "ProbeAggregator");
  assert.match(html, /threshold 0\.3/);
  assert.match(
    fig.querySelector(".chart-subtitle")!.textContent!,
    /3 shards × 4 buckets of 1 h · 2024-03-04 00:00/,
  );
  // Rows by max score: c (0.9) first, then a and b (0.3) by name.
  assert.deepEqual(texts(fig, 'g[aria-label="y-axis tick label"] text'), ["c", "a", "b"]);
  // No-data cells are grey, scored cells are coloured from the scheme.
  const noData = fig.querySelector("g.chart-no-data-cell");
  assert.equal(noData?.getAttribute("fill"), "#dee2e6");
  const fills = [...fig.querySelectorAll("g.chart-cell rect")].map((r) => r.getAttribute("fill"));
  assert.ok(fills.every((f) => f?.startsWith("rgb(")), String(fills));
});

Deno.test("fleetHeatmap() keeps the max score of duplicate cells and orders rows by name on request", () => {
  const cells = [
    { machine: "b", time: T0, score: 0.2 },
    { machine: "b", time: T0, score: 0.7 },
    { machine: "b", time: T0, score: NaN },
    { machine: "a", time: T0, score: 0.1 },
  ];
  const fig = fleetHeatmap(newDocument(), cells, { title: "t", bucket: H, order: "name" });
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-cell rect").length, 2);
  assert.equal(fig.querySelectorAll("g.chart-no-data-cell rect").length, 0);
  assert.ok(texts(fig, "g.chart-cell title").some((t) => t.endsWith("max score 0.70")));
  assert.deepEqual(texts(fig, 'g[aria-label="y-axis tick label"] text'), ["a", "b"]);
  // No threshold: no outlines and no threshold in the legend.
  assert.equal(fig.querySelectorAll("g.chart-threshold-outline rect").length, 0);
  assert.ok(!fig.outerHTML.includes("threshold"));
});

Deno.test("fleetHeatmap() renders a hostile shard name as text only", () => {
  const cells = grid([HOSTILE, "n1"], 2, () => 0.5);
  const fig = fleetHeatmap(newDocument(), cells, { title: HOSTILE, bucket: H });
  const html = assertSafe(fig);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.equal(fig.querySelector(".chart-title")?.textContent, HOSTILE);
  assert.ok(texts(fig, 'g[aria-label="y-axis tick label"] text').includes(HOSTILE));
});

Deno.test("fleetHeatmap() draws a period of no data only with grey cells and no NaN", () => {
  const fig = fleetHeatmap(newDocument(), grid(["a", "b"], 3, () => NaN), {
    title: "t",
    bucket: H,
    threshold: 0.5,
  });
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-no-data-cell rect").length, 6);
  assert.equal(fig.querySelectorAll("g.chart-cell rect").length, 0);
});

Deno.test("fleetHeatmap() says there is no data for an empty input instead of throwing", () => {
  const fig = fleetHeatmap(newDocument(), [], { title: "Empty aggregator", bucket: H });
  assertSafe(fig);
  assert.equal(fig.querySelector("svg"), null);
  assert.match(fig.querySelector(".chart-no-data")!.textContent!, /^No data/);
  assert.equal(fig.querySelector(".chart-title")?.textContent, "Empty aggregator");
});

Deno.test("fleetHeatmap() keeps at most maxRows rows, the highest scores", () => {
  const cells = grid(["a", "b", "c", "d", "e"], 2, (m) => m / 10);
  const fig = fleetHeatmap(newDocument(), cells, { title: "t", bucket: H, maxRows: 2 });
  assertSafe(fig);
  assert.deepEqual(texts(fig, 'g[aria-label="y-axis tick label"] text'), ["e", "d"]);
  assert.equal(fig.querySelectorAll("g.chart-cell rect").length, 4);
  assert.match(fig.querySelector(".chart-subtitle")!.textContent!, /5 shards \(top 2 shown\)/);
});

Deno.test("fleetHeatmap() fits the width asked for and labels days in UTC", () => {
  const cells = grid(["a"], 48, () => 0.2);
  const fig = fleetHeatmap(newDocument(), cells, { title: "t", bucket: H, width: 700 });
  const svg = fig.querySelector("svg[class^=plot]")!;
  assert.equal(svg.getAttribute("width"), "700");
  const ticks = texts(fig, 'g[aria-label="x-axis tick label"] text');
  assert.ok(ticks.includes("Mar 04") && ticks.includes("Mar 05"), String(ticks));
  assert.ok(ticks.every((t) => !/AM|PM/.test(t)), String(ticks));
});

Deno.test("fleetHeatmap() rejects a bucket that is not positive", () => {
  assert.throws(
    () => fleetHeatmap(newDocument(), [], { title: "t", bucket: 0 }),
    {
      name: "RangeError",
      message: "Cannot draw the fleet heatmap: bucket must be > 0 ms, current value is 0",
    },
  );
});

Deno.test("fleetHeatmap() puts the ramp's middle at the threshold and its darkest at the top score", () => {
  // One row, four buckets: 0, the threshold 0.3, 0.45 and 0.6 (the top).
  const scores = [0, 0.3, 0.45, 0.6];
  const fill = (opts: { threshold?: number; top?: number }, s = scores) => {
    const fig = fleetHeatmap(newDocument(), grid(["a"], s.length, (_, b) => s[b]), {
      title: "t",
      bucket: H,
      ...opts,
    });
    return [...fig.querySelectorAll("g.chart-cell rect")].map((r) => r.getAttribute("fill"));
  };
  const reds = (v: number) =>
    String(Plot.scale({ color: { type: "linear", scheme: "reds", domain: [0, 1] } }).apply(v));
  const f = fill({ threshold: 0.3 });
  assert.deepEqual(f, [reds(0), reds(0.5), reds(0.75), reds(1)]);
  // Without a threshold, 0 to the top.
  assert.deepEqual(fill({}), scores.map((s) => reds(s / 0.6)));
  // A page-wide top: the same score has the same colour in every heatmap of the page.
  assert.deepEqual(
    fill({ threshold: 0.3, top: 0.9 }, [0.6])[0],
    fill({ threshold: 0.3, top: 0.9 }, [0.1, 0.6])[1],
  );
  assert.notEqual(fill({ threshold: 0.3, top: 0.9 }, [0.6])[0], reds(1));
});
