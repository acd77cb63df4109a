import assert from "node:assert/strict";
import { shardTrendChart, type ShardTrendRow } from "./shard_trend_chart.ts";
import { assertSafe, HOSTILE, newDocument, texts } from "../../../tests/support/chart_support.ts";

const D = 86_400_000;
const T0 = Date.UTC(2024, 2, 4);
const days = (machine: string, counts: number[]): ShardTrendRow[] =>
  counts.map((anomalies, d) => ({ machine, day: T0 + d * D, anomalies }));
const rowLabels = (fig: Element) => texts(fig, 'g[aria-label="fy-axis tick label"] text');

Deno.test("shardTrendChart() draws one bar per shard and day with anomalies, one row per shard", () => {
  const rows = [...days("a", [1, 0, 2, 1]), ...days("b", [3, 3, 3, 3]), ...days("c", [0, 0, 0, 1])];
  const fig = shardTrendChart(newDocument(), rows);
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-day-bar rect").length, 8);
  assert.deepEqual(rowLabels(fig), ["b", "a", "c"]);
  const labels = [...texts(fig, "g.chart-trend-label text"), ...texts(fig, "g.chart-trend-label-worse text")];
  assert.ok(labels.includes("12 total · peak 3 · trend ±0.0/day"), String(labels));
  assert.equal(fig.querySelector(".chart-title")?.textContent, "Anomalies per day by shard");
  assert.match(fig.querySelector(".chart-subtitle")!.textContent!, /^3 shards · 4 × 1 d from Mar 04 UTC$/);
  const ticks = texts(fig, 'g[aria-label="x-axis tick label"] text');
  assert.ok(ticks.includes("Mar 04"), String(ticks));
});

Deno.test("shardTrendChart() flags a shard that gets worse in the accent colour", () => {
  const rows = [...days("steady", [4, 4, 4, 4, 4, 4]), ...days("rising", [0, 1, 2, 3, 5, 8])];
  const fig = shardTrendChart(newDocument(), rows);
  assertSafe(fig);
  assert.deepEqual(texts(fig, "g.chart-trend-label-worse text").map((t) => t.split(" · ")[0]), ["19 total"]);
  assert.ok(texts(fig, "g.chart-trend-label-worse text")[0].endsWith("▲"));
  const fills = [...fig.querySelectorAll("g.chart-day-bar rect")].map((r) => r.getAttribute("fill"));
  assert.equal(fills.filter((f) => f === "#e8590c").length, 5);
  assert.equal(fills.filter((f) => f === "#868e96").length, 6);
  assert.match(fig.querySelector(".chart-subtitle")!.textContent!, /1 getting worse$/);
});

Deno.test("shardTrendChart() shows the top shards, any rising one, and the mean of the rest as 'other'", () => {
  const rows: ShardTrendRow[] = [];
  for (let i = 0; i < 12; i++) {
    rows.push(...days(`s${String(i).padStart(2, "0")}`, [10 - i / 2, 10 - i / 2, 10 - i / 2]));
  }
  rows.push(...days("late", [0, 0, 6]));
  const fig = shardTrendChart(newDocument(), rows, { top: 3 });
  assertSafe(fig);
  const labels = rowLabels(fig);
  assert.deepEqual(labels, ["s00", "s01", "s02", "late", "other (mean of 9)\u200b"]);
  // 3 bars for each top shard, 1 for "late", 3 for "other".
  assert.equal(fig.querySelectorAll("g.chart-day-bar rect").length, 3 * 3 + 1 + 3);
  const other = texts(fig, "g.chart-trend-label text").find((t) => t.includes("in all"));
  // s03..s11: 10 - i/2 for i = 3..11 → mean 6.5 per day, 9 × 6.5 × 3 = 175.5 → 176 in all.
  assert.equal(other, "176 in all · peak 6.5 · trend ±0.0/day");
  assert.match(fig.querySelector(".chart-subtitle")!.textContent!, /^4 of 13 shards/);
});

Deno.test("shardTrendChart() renders a hostile shard name as text only", () => {
  const fig = shardTrendChart(newDocument(), days(HOSTILE, [1, 2]), { title: HOSTILE });
  const html = assertSafe(fig);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.deepEqual(rowLabels(fig), [HOSTILE]);
  assert.equal(fig.querySelector(".chart-title")?.textContent, HOSTILE);
});

Deno.test("shardTrendChart() says there is no data when there are no anomalies, and ignores NaN", () => {
  for (const rows of [[], days("a", [0, 0]), days("a", [NaN, NaN])]) {
    const fig = shardTrendChart(newDocument(), rows);
    assertSafe(fig);
    assert.equal(fig.querySelector("svg"), null);
    assert.match(fig.querySelector(".chart-no-data")!.textContent!, /^No data/);
  }
  const fig = shardTrendChart(newDocument(), [...days("a", [1, NaN, 2]), {
    machine: "b",
    day: NaN,
    anomalies: 3,
  }]);
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-day-bar rect").length, 2);
});

Deno.test("shardTrendChart() rejects a bucket that is not positive", () => {
  assert.throws(() => shardTrendChart(newDocument(), [], { bucket: -1 }), {
    name: "RangeError",
    message: "Cannot draw the shard trend chart: bucket must be > 0 ms, current value is -1",
  });
});
