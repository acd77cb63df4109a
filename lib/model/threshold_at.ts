import { logPOfScore, scoreOfLogP } from "./score_series.ts";

/**
 * The profile threshold at the step a series is scored on. The model's threshold bounds the per-series-day
 * maximum of L = −log10 p at its training step; a finer step has more points a day, so the same daily
 * false-alarm rate needs a tail probability smaller by the ratio of the steps (Bonferroni over the day's
 * points), and a coarser step the other way.
 *
 * @param threshold The threshold at the model's step, 0..1.
 * @param modelStep The model's training step, ms.
 * @param step The scored series' step, ms.
 * @param digits The model's `ensemble.digits` (the L that scores 0.5).
 * @returns The threshold at `step`, 0..1.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { thresholdAt } from "./threshold_at.ts";
 * import { logPOfScore } from "./score_series.ts";
 * const hourly = 0.4, minute = thresholdAt(hourly, 3_600_000, 60_000, 8);
 * assert.ok(Math.abs(-logPOfScore(minute, 8) - (-logPOfScore(hourly, 8) + Math.log10(60))) < 1e-9);
 * assert.equal(thresholdAt(hourly, 60_000, 60_000, 8), hourly);
 * ```
 */
export function thresholdAt(threshold: number, modelStep: number, step: number, digits: number): number {
  if (step === modelStep) return threshold;
  return scoreOfLogP(Math.min(0, logPOfScore(threshold, digits) - Math.log10(modelStep / step)), digits);
}
