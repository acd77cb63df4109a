import type { SeriesScores } from "../model/score_series.ts";

const HOUR = 3_600_000;

/**
 * Where an episode begins: its first flagged point, or earlier when that point was flagged by a stuck value
 * (flatline) or a gap (missing data), which are known to have begun `raw` hours before they were flagged. The
 * onset is measured by the causal score at the first flagged point itself, so it never looks ahead. (Where a
 * series often repeats its value at those hours, flatline's raw score weighs its repeats less than an hour an
 * hour, and the onset found is later than the run's start.)
 *
 * @param scores The series' scores (`raw`, `names`, `driver`).
 * @param firstFlagged Index of the episode's first flagged point.
 * @param step The series' step, ms.
 * @returns The index of the episode's first point (≥ 0, ≤ `firstFlagged`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { episodeOnset } from "./episode_onset.ts";
 * const scores = { names: ["flatline"], driver: Int8Array.of(0, 0, 0, 0, 0), raw: [Float64Array.of(0, 0, 0, 0, 2)],
 *   logP: [], combined: new Float64Array(5) };
 * // A value stuck for 2 hours at hourly steps began 2 points before it was flagged.
 * assert.equal(episodeOnset(scores, 4, 3_600_000), 2);
 * ```
 */
export function episodeOnset(
  scores: Pick<SeriesScores, "raw" | "names" | "driver">,
  firstFlagged: number,
  step: number,
): number {
  const { names, raw, driver } = scores;
  const flatD = names.indexOf("flatline"), missD = names.indexOf("missing_data");
  let first = firstFlagged;
  for (const d of [flatD, missD]) {
    if (d < 0 || driver[firstFlagged] !== d) continue;
    const back = Math.round((raw[d][firstFlagged] * HOUR) / step) - (d === flatD ? 0 : 1);
    first = Math.max(0, Math.min(first, firstFlagged - back));
  }
  return first;
}
