import type { Series } from "../series/types.ts";
import type { SeriesScores } from "../model/score_series.ts";
import { flaggedRuns } from "../detect/flagged_runs.ts";
import { episodeOnset } from "../detect/episode_onset.ts";
import { episodeVerdict } from "../detect/episode_verdict.ts";
import { SEVERITY_RANK } from "../detect/types.ts";
import type { EpisodeTimeline, TimelineEpisode } from "./types.ts";

/** Options for {@link episodeTimeline}. */
export interface EpisodeTimelineOptions {
  /** Flagged points this close belong to one episode, ms (the model's `events.episodeGap`). */
  episodeGap: number;
  /** Shorter episodes need `singlePointMargin` more, ms (the model's `events.minDuration`). */
  minDuration: number;
  /** Extra score a short episode needs (the model's `events.singlePointMargin`). */
  singlePointMargin: number;
  /** The model's ensemble digits. */
  digits: number;
  /** Whether detect scores the series with its data cut at index `c`. @default always */
  scoredAt?: (c: number) => boolean;
}

const round3 = (v: number) => Number(v.toPrecision(3));

/**
 * Every episode detect would report for one series at one threshold, at every cut-off at once: the scores are
 * causal and so is the grouping of flagged points (`flaggedRuns`), so the episode detect builds with data up to
 * index `c` is the run that contains `c`, truncated to its flagged points ≤ `c`. Each run is recorded as it
 * grew, one version per flagged point: its last point, its peak and its verdict (`episodeVerdict`: dropped while
 * short and weak, then a severity that only rises). The onset (`episodeOnset`) is fixed by the first flagged
 * point. A replay then reads any cycle's anomalies without rebuilding them.
 *
 * @param series The series as scored.
 * @param scores Its scores (`combined`, `raw`, `names`, `driver`).
 * @param threshold The threshold at the series' step (0..1).
 * @param options See {@link EpisodeTimelineOptions}.
 * @returns The timeline.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { episodeTimeline } from "./episode_timeline.ts";
 * const H = 3_600_000;
 * const series = { key: "s.n1.A", labels: { machine: "n1", aggregator: "A" }, start: 0, step: H,
 *   values: new Float64Array(8) };
 * const combined = Float64Array.of(0, 0.93, 0.94, 0, 0.99, 0, 0, 0);
 * const scores = { combined, names: [], raw: [], driver: new Int8Array(8).fill(-1) };
 * const [episode] = episodeTimeline(series, scores, 0.9,
 *   { episodeGap: 2 * H, minDuration: 2 * H, singlePointMargin: 0.5, digits: 1 }).episodes;
 * assert.deepEqual([...episode.last], [1, 2, 4]);
 * assert.deepEqual([...episode.peak], [1, 2, 4]);
 * assert.equal(episode.severity[0], -1); // one hour, not strong enough yet: detect drops it
 * assert.ok(episode.severity[1] >= 0);
 * ```
 */
export function episodeTimeline(
  series: Series,
  scores: Pick<SeriesScores, "combined" | "raw" | "names" | "driver">,
  threshold: number,
  options: EpisodeTimelineOptions,
): EpisodeTimeline {
  const { episodeGap, scoredAt = () => true } = options;
  const { start, step } = series;
  const { combined } = scores;
  const gap = Math.max(1, Math.round(episodeGap / step));
  const episodes: TimelineEpisode[] = [];
  for (const [firstFlagged, lastFlagged] of flaggedRuns(combined, threshold, gap)) {
    const onset = episodeOnset(scores, firstFlagged, step);
    let n = 0;
    for (let i = firstFlagged; i <= lastFlagged; i++) if (combined[i] >= threshold) n++;
    const ep: TimelineEpisode = {
      onset,
      last: new Int32Array(n),
      peak: new Int32Array(n),
      score: new Float64Array(n),
      severity: new Int8Array(n),
    };
    let peak = firstFlagged, k = 0;
    for (let i = firstFlagged; i <= lastFlagged; i++) {
      if (combined[i] > combined[peak]) peak = i;
      if (!(combined[i] >= threshold)) continue;
      const duration = (i - onset) * step + step;
      const verdict = episodeVerdict(combined[peak], duration, threshold, options, k + 1);
      ep.last[k] = i;
      ep.peak[k] = peak;
      ep.score[k] = round3(combined[peak]);
      ep.severity[k] = verdict ? SEVERITY_RANK[verdict] : -1;
      k++;
    }
    episodes.push(ep);
  }
  return {
    series: series.key,
    machine: series.labels.machine ?? "",
    aggregator: series.labels.aggregator ?? "",
    start,
    step,
    scoredAt,
    episodes,
  };
}
