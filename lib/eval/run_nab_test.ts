import assert from "node:assert/strict";
import { runNab } from "./run_nab.ts";
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
