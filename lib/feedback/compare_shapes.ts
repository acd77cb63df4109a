import type { EpisodeShape } from "./types.ts";

/** How two episodes compare (see {@link compareShapes}). */
export interface ShapeComparison {
  /** All four agree. */
  like: boolean;
  /** Later magnitude / marked magnitude (or the ratio of their L = −log10 p when either has none). */
  magnitude: number;
  /** Later duration / marked duration. */
  duration: number;
  /** Minutes between their onsets' times of day (0..720). */
  minutesApart: number;
  /** The share of the later episode's detectors that also fired in the marked one (0..1). */
  detectors: number;
}

/** The tolerances of {@link compareShapes}. */
export const RESEMBLANCE = Object.freeze({
  /** Magnitudes within this factor of each other. */
  magnitude: 1.5,
  /** Durations within this factor. */
  duration: 2,
  /** Onsets within this many minutes of each other in the day. */
  minutes: 60,
  /** At least this share of the later episode's detectors also in the marked one. */
  detectors: 0.5,
});

/** L = −log10 p of a 0..1 score (digits 8, the model's default). */
const l = (score: number) => score >= 1 ? Infinity : (8 * score) / (1 - score);

const within = (ratio: number, factor: number) => ratio >= 1 / factor && ratio <= factor;

/**
 * Whether a later episode resembles one marked normal, on four counts, each with a stated tolerance
 * ({@link RESEMBLANCE}):
 *
 * - **magnitude**: |ln(observed / expected)| at the peak within a factor 1.5 (a 4× bump is like 3–7.3×, not
 *   like 10×); where either has none (a gap, a stuck value), their scores' L = −log10 p within that factor;
 * - **duration** within a factor 2;
 * - **time of day**: onsets within 60 minutes of each other, across midnight too;
 * - **detectors**: at least half of the detectors that fired in the later episode also fired in the marked one
 *   (the same bump fires fewer detectors on a quieter night; one that fires others is something else).
 *
 * @param later The later episode.
 * @param marked The episode marked normal.
 * @returns Each comparison and whether all four agree.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareShapes } from "./compare_shapes.ts";
 * const bump = { magnitude: Math.log(4), score: 0.6, durationMs: 20 * 60_000, minuteOfDay: 120, detectors: ["robust_z"] };
 * assert.ok(compareShapes({ ...bump, magnitude: Math.log(4.5), minuteOfDay: 125 }, bump).like);
 * assert.ok(!compareShapes({ ...bump, magnitude: Math.log(12) }, bump).like, "three times the bump");
 * assert.ok(!compareShapes({ ...bump, minuteOfDay: 14 * 60 }, bump).like, "another time of day");
 * assert.ok(compareShapes({ ...bump, minuteOfDay: 1430 }, { ...bump, minuteOfDay: 20 }).minutesApart === 30);
 * ```
 */
export function compareShapes(later: EpisodeShape, marked: EpisodeShape): ShapeComparison {
  const magnitude = later.magnitude !== null && marked.magnitude !== null && marked.magnitude > 0
    ? later.magnitude / marked.magnitude
    : l(later.score) / l(marked.score);
  const duration = later.durationMs / marked.durationMs;
  const d = Math.abs(later.minuteOfDay - marked.minuteOfDay) % 1440;
  const minutesApart = Math.min(d, 1440 - d);
  const shared = later.detectors.filter((x) => marked.detectors.includes(x)).length;
  const detectors = later.detectors.length ? shared / later.detectors.length : 1;
  const like = within(magnitude, RESEMBLANCE.magnitude) && within(duration, RESEMBLANCE.duration) &&
    minutesApart <= RESEMBLANCE.minutes && detectors >= RESEMBLANCE.detectors;
  return { like, magnitude, duration, minutesApart, detectors };
}
