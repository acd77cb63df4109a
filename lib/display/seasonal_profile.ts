import type { Series } from "../series/types.ts";
import { seasonality } from "../model/family_stats.ts";

/** The daily and weekly rhythm of a group of series, the way `train` measures it for a family. */
export interface SeasonalProfile {
  /** Median ratio of each UTC hour's value to its day's median (24 entries, `null` when unknown). */
  hourOfDay: (number | null)[];
  /** Median ratio of each weekday's median to the overall median (7 entries, Sunday first). */
  dayOfWeek: (number | null)[];
  /** Median autocorrelation of the log values at 24 h, 72 h and 7 d. */
  autocorrelation: { "24h": number | null; "72h": number | null; "7d": number | null };
}

/**
 * Measures the daily and weekly rhythm of a group of series (say, one aggregator's shards) exactly as training
 * does for a family: hour-of-day and day-of-week profiles as ratios to the daily / overall median, and the
 * median autocorrelation of log values at 24 h, 72 h and 7 d. Comparing groups shows whether they can share one
 * model. Series coarser than an hour are skipped.
 *
 * @param series The group.
 * @returns The profile.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seasonalProfile } from "./seasonal_profile.ts";
 * import { generateCorpus } from "../synth/generate.ts";
 * const { series } = generateCorpus({ shards: 3, days: 28, aggregators: ["A"], recent: false });
 * const p = seasonalProfile(series);
 * assert.equal(p.hourOfDay.length, 24);
 * assert.ok(p.autocorrelation["24h"]! > 0.5);
 * assert.ok(p.dayOfWeek.every((r) => r !== null && r > 0.5 && r < 1.5)); // ratios to the median, whatever the shards' levels
 * ```
 */
export function seasonalProfile(series: readonly Series[]): SeasonalProfile {
  const { hourOfDay, autocorrelation } = seasonality(series);
  // The weekday profile per series, then the median per weekday: seasonality() over several series at once
  // re-divides the earlier series' weekday ratios by each later series' median, so measure it per series.
  const perSeries = series.map((s) => seasonality([s]).dayOfWeek);
  const dayOfWeek = Array.from({ length: 7 }, (_, d) => {
    const xs = perSeries.map((p) => p[d]).filter((v): v is number => v !== null).sort((a, b) => a - b);
    if (!xs.length) return null;
    const m = xs.length >> 1;
    return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
  });
  return { hourOfDay, dayOfWeek, autocorrelation };
}
