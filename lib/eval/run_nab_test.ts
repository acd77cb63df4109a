import assert from "node:assert/strict";
import { runNab } from "./run_nab.ts";
import { nabRows } from "./_nab_rows.ts";
import type { NabFile } from "./nab_corpus.ts";
import { createRng } from "../prng.ts";

const STEP = 5 * 60_000, HOUR = 3_600_000;

/** 4 000 rows at 5 minutes of noise around 10; a level of 40 over rows 2 000–2 023 (2 h), a spike of 80 at row 3 000. */
function file(): NabFile {
  const rng = createRng(9);
  const n = 4_000, t0 = Date.UTC(2026, 0, 1);
  const values = Float64Array.from(
    { length: n },
    (_, i) => (i >= 2_000 && i < 2_024 ? 40 : i === 3_000 ? 80 : 10) + rng.normal(),
  );
  const timestamps = Float64Array.from({ length: n }, (_, i) => t0 + i * STEP);
  return { name: "synthetic/level.csv", timestamps, values, windows: [] };
}

Deno.test("runNab() reports an episode once, again only when it escalates by a decade, and each new episode", () => {
  const [run] = runNab([file()]);
  assert.equal(run.scores.length, 4_000);
  // Nothing during the probationary period (the first 600 rows).
  assert.ok(run.scores.subarray(0, 600).every((s) => s === 0));
  // The level: reported at its start; after that only rows a decade (1/8) above the last report.
  const reported = [...run.scores.subarray(2_000, 2_024 + (6 * HOUR) / STEP)].filter((s) => s >= 0.5);
  assert.ok(reported.length >= 1 && reported.length <= 5, `reports in the episode: ${reported}`);
  for (let k = 1; k < reported.length; k++) assert.ok(reported[k] >= reported[k - 1] + 1 / 8 - 1e-12);
  assert.ok(run.isAnomaly.subarray(2_000, 2_012).some((a) => a === 1), "found within the hour");
  // The spike, more than 6 hours (the episode gap) later, is an episode of its own.
  assert.ok(run.scores[3_000] >= 0.5 && run.isAnomaly[3_000] === 1);
  // Below our own threshold, scores stay for NAB's threshold sweep, but only where they beat the preceding 5 %.
  assert.ok(run.scores.some((s) => s > 0 && s < 0.5));
});

Deno.test("nabRows() reports a climb below our threshold once per episode, as above it", () => {
  // A run that grows longer row by row, its score climbing 0.44 → 0.47 (as a stuck value of an artificial NAB
  // file did): one report, not one per row; a new climb after the episode gap is reported again.
  const raw = new Float64Array(200);
  for (let k = 0; k < 9; k++) raw[50 + k] = 0.44 + k * 0.004;
  for (let k = 0; k < 9; k++) raw[150 + k] = 0.45 + k * 0.004;
  const t = Float64Array.from(raw, (_, i) => i * STEP);
  const s = nabRows(raw, t, { probation: 10, window: 20, gapMs: 6 * HOUR, digits: 8 });
  assert.deepEqual([...s.subarray(50, 59)].map((v) => v > 0), [
    true,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
  // Row 150 is 100 rows (8 h 20 min) after the last climb: a new episode, and it beats the preceding window.
  assert.ok(s[150] > 0 && s.subarray(151, 159).every((v) => v === 0));
  // Nothing during probation, nothing that does not beat the preceding window.
  assert.equal(s.filter((v) => v > 0).length, 2);
});
