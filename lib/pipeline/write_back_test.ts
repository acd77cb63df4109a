import assert from "node:assert/strict";
import { openWriteBack } from "./write_back.ts";
import { parseConfig } from "../sources/config.ts";
import type { SeriesScores } from "../model/score_series.ts";

const MIN = 60_000;

/** A write-back to a stand-in connection that keeps the lines. */
function captured() {
  const lines: string[] = [];
  const config = parseConfig({ writeBack: { carbon: "127.0.0.1:2003", series: ["score"] } }, "config.json");
  const wb = openWriteBack(config, {
    connect: () =>
      Promise.resolve({
        write: (b: Uint8Array) => {
          lines.push(...new TextDecoder().decode(b).split("\n").filter(Boolean));
          return Promise.resolve(b.length);
        },
        close: () => {},
      }),
  })!;
  return { wb, lines };
}

const scored = (combined: number[]) => ({
  series: {
    key: "k",
    labels: { machine: "m", aggregator: "a" },
    start: 0,
    step: MIN,
    values: new Float64Array(combined.length),
  },
  scores: {
    combined: new Float64Array(combined),
    driver: new Int8Array(combined.length),
    names: [],
    calibrated: [],
    raw: [],
  } as SeriesScores,
  threshold: 0.5,
  anomalies: [],
});

Deno.test("openWriteBack() hooks write each point once across cycles, and an empty live edge once it is filled", async () => {
  const { wb, lines } = captured();
  // Cycle 1: points 0..4, the last one still empty at the live edge.
  wb.hook("presence", 0, 4 * MIN)(scored([0.1, 0.2, 0.3, 0.4, NaN]));
  // Cycle 2 overlaps it (from point 2 on): only point 4 (now filled) and the new 5..6 are written.
  wb.hook("presence", 2 * MIN, 6 * MIN)(scored([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]));
  await wb.close(1000);
  assert.deepEqual(lines.map((l) => l.split(" ").slice(1).join(" ")), [
    "0.1 0",
    "0.2 60",
    "0.3 120",
    "0.4 180",
    "0.5 240",
    "0.6 300",
    "0.7 360",
  ]);
  assert.ok(lines.every((l) => l.startsWith("anomaly.presence.m.a.score ")));
  assert.equal(wb.lines, 7);
});
