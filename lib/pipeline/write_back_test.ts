import assert from "node:assert/strict";
import { captureWriteBack } from "../../tests/support/capture_write_back.ts";
import { parseConfig } from "../sources/config.ts";
import type { SeriesScores } from "../model/score_series.ts";

const MIN = 60_000;

/** A write-back of the score only, to a stand-in connection that keeps the lines. */
const captured = () =>
  captureWriteBack(
    parseConfig({ writeBack: { carbon: "127.0.0.1:2003", series: ["score"] } }, "config.json"),
  );

/** A scored series: a missing value (NaN) still has a score, as missing_data gives one (0 when just begun). */
const scored = (values: number[]) => ({
  series: {
    key: "k",
    labels: { machine: "m", aggregator: "a" },
    start: 0,
    step: MIN,
    values: new Float64Array(values),
  },
  scores: {
    combined: new Float64Array(values.map((v) => v === v ? v / 10 : 0)),
    driver: new Int8Array(values.length),
    names: [],
    logP: [],
    raw: [],
  } as SeriesScores,
  threshold: 0.5,
  anomalies: [],
});

Deno.test("openWriteBack() hooks write each point once across cycles, and an empty live edge once it is filled", async () => {
  const { wb, lines } = captured();
  // Cycle 1: points 0..4, the last one still empty at the live edge (scored 0 there, as missing_data does).
  wb.hook("presence", 0, 4 * MIN)(scored([1, 2, 3, 4, NaN]));
  // Cycle 2 overlaps it (from point 2 on): point 4, filled now, is written again, and the new 5..6.
  wb.hook("presence", 2 * MIN, 6 * MIN)(scored([1, 2, 3, 4, 5, 6, 7]));
  await wb.close(1000);
  assert.deepEqual(lines.map((l) => l.split(" ").slice(1).join(" ")), [
    "0.1 0",
    "0.2 60",
    "0.3 120",
    "0.4 180",
    "0 240", // the empty edge, as it was scored then
    "0.5 240", // and once it had a value
    "0.6 300",
    "0.7 360",
  ]);
  assert.ok(lines.every((l) => l.startsWith("anomaly.presence.m.a.score ")));
  assert.equal(wb.lines, 8);
});

Deno.test("openWriteBack() hooks: a series that missed a cycle catches up; a long gap at its end is not rewritten whole", async () => {
  const { wb, lines } = captured();
  const times = async () => {
    await wb.writer.flush(1000);
    return lines.splice(0).map((l) => Number(l.split(" ")[2]) / 60);
  };
  wb.hook("presence", 0, 4 * MIN)(scored([1, 2, 3, 4, 5]));
  assert.deepEqual(await times(), [0, 1, 2, 3, 4]);
  // Its fetch failed for a cycle; the next one (from 8 on for the others) writes 5..10 for it.
  wb.hook("presence", 8 * MIN, 10 * MIN)(scored([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
  assert.deepEqual(await times(), [5, 6, 7, 8, 9, 10]);
  // A gap at its end (points 11..20 empty, scored by missing_data): the next cycle writes the last three
  // empty points again (Graphite may fill them late), not the whole gap.
  const gap = [...Array.from({ length: 11 }, (_, i) => i + 1), ...Array(10).fill(NaN)];
  wb.hook("presence", 11 * MIN, 20 * MIN)(scored(gap));
  assert.deepEqual(await times(), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  wb.hook("presence", 21 * MIN, 22 * MIN)(scored([...gap, NaN, NaN]));
  assert.deepEqual(await times(), [18, 19, 20, 21, 22]);
  await wb.close(1000);
});

Deno.test("openWriteBack() hooks: a write of a fleet too large for the buffer gives each series its most recent share, and drops nothing", async () => {
  const config = parseConfig(
    { writeBack: { carbon: "127.0.0.1:2003", series: ["score", "anomalous"], buffer: 1000 } },
    "config.json",
  );
  const { wb, lines } = captureWriteBack(config);
  const fleet = 10, n = 300, until = (n - 1) * MIN;
  const series = (k: number, length: number) => {
    const s = scored(Array.from({ length }, (_, i) => 1 + (i % 9)));
    return { ...s, series: { ...s.series, key: `k${k}`, labels: { machine: `m${k}`, aggregator: "a" } } };
  };
  // 10 series × 2 fields × 300 points would be 6 000 lines: each series gets its last 1000 / 20 = 50 points.
  assert.equal(wb.startFor({ key: "k0", step: MIN }, 0, until, fleet), (n - 50) * MIN);
  const hook = wb.hook("presence", 0, until, fleet);
  for (let k = 0; k < fleet; k++) hook(series(k, n));
  await wb.writer.flush(1000);
  assert.equal(lines.length, 1000);
  assert.equal(wb.writer.stats().dropped, 0);
  for (let k = 0; k < fleet; k++) {
    const own = lines.filter((l) => l.startsWith(`anomaly.presence.m${k}.a.score `));
    assert.deepEqual(
      own.map((l) => Number(l.split(" ")[2]) / 60),
      Array.from({ length: 50 }, (_, i) => n - 50 + i),
    );
  }
  // The next cycle writes only its new points: the share bounds a write, not what comes after it.
  lines.length = 0;
  const next = wb.hook("presence", until - 3 * MIN, until + 5 * MIN, fleet);
  for (let k = 0; k < fleet; k++) next(series(k, n + 5));
  await wb.close(1000);
  assert.equal(lines.length, fleet * 2 * 5);
  // A fleet that fits is written from `from`, whole.
  assert.equal(wb.startFor({ key: "new", step: MIN }, 0, until, 1), 0);
});
