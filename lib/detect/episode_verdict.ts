import { logPOfScore } from "../model/score_series.ts";
import type { Severity } from "./types.ts";

/** Options for {@link episodeVerdict}. */
export interface EpisodeVerdictOptions {
  /** Episodes shorter than this need `singlePointMargin` more score, ms. */
  minDuration: number;
  /** Extra score (a fraction of 1 − threshold) a short episode needs. */
  singlePointMargin: number;
  /** The model's ensemble digits (`model.ensemble.digits`): how scores map to tail probabilities. */
  digits: number;
}

const HOUR = 3_600_000;

/**
 * Points at or above the threshold from which an episode is no blip, however short: the margin guards against a
 * single outlying point (or a pair), and three of them are a run. At a 1 h step it changes nothing (three points
 * are three hours, over `minDuration`); at 1 minute a 20-minute spike whose minutes cross the threshold one after
 * another no longer needs the margin meant for one point (1.5 decades more there).
 */
export const BLIP_POINTS = 3;

/**
 * Judges one episode as detect does: a short blip (under `minDuration`, with fewer than {@link BLIP_POINTS}
 * points at or above the threshold) that is not strong (its peak under
 * `threshold + singlePointMargin × (1 − threshold)`) is dropped; otherwise severity comes from how far the
 * peak is beyond the threshold, in decades of tail probability (L = −log10 p), and from how long the episode
 * lasted: two decades beyond it, or half a decade for 12 hours, is high; one decade, or 3 hours, is medium.
 *
 * @param score The episode's peak score, 0..1.
 * @param durationMs From its first point to the end of its last one, ms.
 * @param threshold The threshold its points were held against (0..1, at the series' step).
 * @param options See {@link EpisodeVerdictOptions}.
 * @param flagged How many of its points are at or above the threshold. @default 1
 * @returns Its severity, or `undefined` when it is dropped as a short, weak blip.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { episodeVerdict } from "./episode_verdict.ts";
 * const options = { minDuration: 7_200_000, singlePointMargin: 0.1, digits: 1 };
 * assert.equal(episodeVerdict(0.905, 3_600_000, 0.9, options), undefined); // short and weak
 * assert.equal(episodeVerdict(0.905, 4 * 3_600_000, 0.9, options), "medium"); // 3 hours or more
 * assert.equal(episodeVerdict(0.905, 1_200_000, 0.9, options, 3), "low"); // short, but three points crossed
 * ```
 */
export function episodeVerdict(
  score: number,
  durationMs: number,
  threshold: number,
  options: EpisodeVerdictOptions,
  flagged = 1,
): Severity | undefined {
  const { minDuration, singlePointMargin, digits } = options;
  const strong = threshold + singlePointMargin * (1 - threshold);
  if (durationMs < minDuration && flagged < BLIP_POINTS && score < strong) return undefined;
  const margin = logPOfScore(threshold, digits) - logPOfScore(score, digits);
  const h = durationMs / HOUR;
  if (margin >= 2 || (h >= 12 && margin >= 0.5)) return "high";
  if (margin >= 1 || h >= 3) return "medium";
  return "low";
}
