import assert from "node:assert/strict";
import { writeBackLines } from "./write_back_lines.ts";
import type { SeriesScores } from "../model/score_series.ts";

const MIN = 60_000;
const series = {
  key: "statsd.n1.gauges.aggregator.agg_length_behind_ratio.Probe.hour",
  labels: { machine: "n1", aggregator: "Probe.hour" },
  start: 600 * MIN,
  step: MIN,
  values: new Float64Array(6),
};
const f = (...v: number[]) => new Float64Array(v);
const scores: SeriesScores = {
  combined: f(NaN, 0.1, 0.2, 0.6, 0.7, 0.15),
  driver: new Int8Array(6),
  names: [],
  logP: [],
  raw: [],
  band: {
    expected: f(NaN, 1, 1, 1, 1, 1),
    lower: f(NaN, NaN, 0.5, 0.5, 0.5, 0.5),
    upper: f(NaN, NaN, 1.5, 1.5, 1.5, Infinity),
    first: 0,
  },
};
const t = (i: number) => (600 * MIN + i * MIN) / 1000;

Deno.test("writeBackLines() writes each field at the series' own timestamps, skipping what has no value", () => {
  const lines = writeBackLines({
    series,
    scores,
    anomalies: [{ start: 600 * MIN + 3 * MIN, end: 600 * MIN + 4 * MIN }],
  }, {
    family: "presence",
  });
  const p = "anomaly.presence.n1.Probe.hour";
  assert.deepEqual(lines, [
    ...[1, 2, 3, 4, 5].map((i) => `${p}.score ${scores.combined[i]} ${t(i)}`),
    ...[1, 2, 3, 4, 5].map((i) => `${p}.expected 1 ${t(i)}`),
    ...[2, 3, 4, 5].map((i) => `${p}.lower 0.5 ${t(i)}`),
    // An unbounded side (no detector could flag it) is not a number carbon can store: left out.
    ...[2, 3, 4].map((i) => `${p}.upper 1.5 ${t(i)}`),
    // 1 over the anomaly's span, 0 elsewhere where the series was scored.
    ...[1, 2, 3, 4, 5].map((i) => `${p}.anomalous ${i === 3 || i === 4 ? 1 : 0} ${t(i)}`),
  ]);
});

Deno.test("writeBackLines() keeps to its time range, its fields and its prefix", () => {
  const lines = writeBackLines({ series, scores, anomalies: [] }, {
    family: "presence",
    prefix: "ops.ad",
    fields: ["score"],
    from: 600 * MIN + 2 * MIN,
    until: 600 * MIN + 3 * MIN,
  });
  assert.deepEqual(lines, [
    `ops.ad.presence.n1.Probe.hour.score 0.2 ${t(2)}`,
    `ops.ad.presence.n1.Probe.hour.score 0.6 ${t(3)}`,
  ]);
  assert.deepEqual(writeBackLines({ series, scores, anomalies: [] }, { family: "p", from: 1e15 }), []);
});

Deno.test("writeBackLines() writes a series without machine and aggregator under its sanitised key", () => {
  const odd = { ...series, key: "servers.web 01.cpu(total)", labels: {} };
  const lines = writeBackLines({ series: odd, scores, anomalies: [] }, { family: "cpu", fields: ["score"] });
  assert.equal(lines[0], `anomaly.cpu.servers.web_01.cpu_total_.score 0.1 ${t(1)}`);
});

Deno.test("writeBackLines() asks for the band when a band field is wanted without one", () => {
  const { band: _, ...bare } = scores;
  assert.throws(
    () => writeBackLines({ series, scores: bare, anomalies: [] }, { family: "presence", fields: ["lower"] }),
    /Cannot write back lower of statsd\.n1.*needs the band/,
  );
});

Deno.test("writeBackLines() writes an anomaly dated from before the range as 1 back to its onset", () => {
  // The range begins at point 4; the anomaly, known only now, began at point 2 (a stuck value dated back).
  const lines = writeBackLines(
    { series, scores, anomalies: [{ start: 600 * MIN + 2 * MIN, end: 600 * MIN + 4 * MIN }] },
    { family: "presence", fields: ["anomalous"], from: 600 * MIN + 4 * MIN },
  );
  const p = "anomaly.presence.n1.Probe.hour.anomalous";
  assert.deepEqual(lines, [`${p} 1 ${t(2)}`, `${p} 1 ${t(3)}`, `${p} 1 ${t(4)}`, `${p} 0 ${t(5)}`]);
});
