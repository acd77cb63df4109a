import assert from "node:assert/strict";
import { scoreTimeline } from "./score_timeline.ts";
import { assertSafe, HOSTILE, newDocument, texts } from "../../../tests/support/chart_support.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 2, 4);
const points = (scores: number[]) => scores.map((score, i) => ({ time: T0 + i * H, score }));

Deno.test("scoreTimeline() draws the score with its gaps, the threshold rule and the points above it", () => {
  const fig = scoreTimeline(newDocument(), points([0.1, 0.2, 0.9, 0.95, NaN, 0.3, 0.85]), {
    title: "n1 · A.b",
    threshold: 0.85,
  });
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-over circle").length, 3);
  assert.equal(fig.querySelectorAll("g.chart-threshold line").length, 1);
  const d = fig.querySelector("g.chart-score path")!.getAttribute("d")!;
  assert.equal(d.split("M").filter((piece) => piece.includes("L")).length, 2, d);
  assert.equal(fig.querySelector(".chart-title")?.textContent, "n1 · A.b");
  assert.match(fig.querySelector(".chart-subtitle")!.textContent!, /3 points at or above the threshold$/);
  assert.deepEqual(texts(fig, ".chart-legend text"), ["score", "threshold 0.85", "at or above"]);
});

Deno.test("scoreTimeline() without a threshold draws no rule and no dots", () => {
  const fig = scoreTimeline(newDocument(), points([0.1, 0.9]), { title: "t" });
  assertSafe(fig);
  assert.equal(fig.querySelectorAll("g.chart-threshold").length, 0);
  assert.equal(fig.querySelectorAll("g.chart-over circle").length, 0);
});

Deno.test("scoreTimeline() renders a hostile title as text only", () => {
  const fig = scoreTimeline(newDocument(), points([0.5]), { title: HOSTILE, threshold: 0.4 });
  const html = assertSafe(fig);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.equal(fig.querySelector(".chart-title")?.textContent, HOSTILE);
});

Deno.test("scoreTimeline() says there is no data when no score is finite", () => {
  for (const p of [[], points([NaN, NaN])]) {
    const fig = scoreTimeline(newDocument(), p, { title: "t", threshold: 0.5 });
    assertSafe(fig);
    assert.equal(fig.querySelector("svg"), null);
    assert.match(fig.querySelector(".chart-no-data")!.textContent!, /^No data/);
  }
});
