import type { Series } from "../series/types.ts";
import type { Detector } from "./types.ts";
import { num, span } from "./_explain.ts";
import { ewAlpha, HOUR } from "../series/robust.ts";

/** Params of {@link flatline}. */
export interface FlatlineParams extends Record<string, unknown> {
  /** Two values are "the same" when they differ by at most this fraction of their size. */
  tolerance: number;
}

/** Options of {@link flatline}'s `fit`. */
export interface FlatlineOptions {
  /** @default 1e-9 */
  tolerance?: number;
}

/**
 * Flatline: how long (in hours) the value has been stuck at one exact value — a gauge that stopped updating.
 * Missing points neither break nor extend a run. A changing value scores 0.
 *
 * A repeat is evidence of a stuck gauge only as far as the series would have moved: each repeat counts in full
 * where the series would repeat at most half the time at that hour of the day (UTC), and by the odds against it
 * where it would repeat more often, −log₂ r of a step at a rate r (a quarter of a step at r 0.84, none at r 1).
 * The first repeat of a run is judged by how often the series repeats at that hour; each further one by how often
 * its runs go on at that hour, once in one: a series that sits at 0 for hours between bursts repeats half the time
 * at an hour with bursts every other day, but its runs go on there nearly always. Both are running rates per hour
 * of the day (half-life 3 days), from the points before. An hour of the day that has not been seen yet starts from
 * the series' rate over all hours, as if it had seen an hour of points at that rate, and a run's rate starts from
 * the repeat rate; the series' rate starts at a half. So the first repeat of a series counts in full, and a series
 * that repeats from its first day is known for it within hours, not after a week. Values recorded in full never
 * repeat by chance, and count as they always did; a quiet shard exported as a one-decimal percentage sits on
 * 0.1 % for hours every night, and its nights count for little, while the same run at an hour the series moves
 * counts in full. A gauge stuck for hours teaches the hours it spans that runs go on (to about a half after a
 * 12-hour one, which still counts in full): a series stuck often counts less when it is stuck again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatline } from "./flatline.ts";
 * const values = new Float64Array([1, 2, 3, 4, 5, 5, 5, 6]);
 * const s = flatline.score({ key: "k", labels: {}, start: 0, step: 3_600_000, values }, flatline.fit([]));
 * assert.ok(s[6] === 2 && s[7] === 0);
 * ```
 */
export const flatline: Detector<FlatlineParams, FlatlineOptions> = {
  name: "flatline",
  description: "hours the value has been stuck at one exact value (less at hours the series often repeats)",
  fit(_train, options = {}) {
    const { tolerance = 1e-9 } = options;
    return { tolerance };
  },
  score(series: Series, params) {
    const { values, step, start } = series;
    const n = values.length;
    const out = new Float64Array(n).fill(NaN);
    const tol = params.tolerance;
    // The repeat rate per hour of the day: the mean of that hour's points so far, and once they are many, a running
    // mean with a half-life of 3 days of them. Before an hour's first point it is the series' rate over all hours
    // (half-life 3 days of points), which counts as an hour of points; and that rate starts at a half, as if one in
    // two had repeated, so that the first repeat counts in full and the hours after a series' first one start
    // from what it has shown.
    const rate = new Float64Array(24).fill(NaN), seen = new Uint32Array(24);
    // The rate at which a run goes on, per hour of the day, the same way from the points after a repeat; it starts
    // from the hour's repeat rate, as an hour of points.
    const cont = new Float64Array(24).fill(NaN), contSeen = new Uint32Array(24);
    let inRun = false;
    const perHour = Math.max(1, Math.round(HOUR / step));
    const alpha = ewAlpha(3 * perHour), keepAll = 1 - ewAlpha(3 * 24 * perHour);
    let allRepeats = 0, allPoints = 0;
    // The series' rate is only read at an hour's first point: kept while an hour is still unseen.
    let unseen = 24;
    // A running mean's gain after k points: 1 / (k + 1 + an hour's points) while that is above alpha, then alpha.
    const gains: number[] = [];
    for (let k = 0; 1 / (k + 1 + perHour) > alpha; k++) gains.push(1 / (k + 1 + perHour));
    const gain = (k: number) => (k < gains.length ? gains[k] : alpha);
    const hours = step / HOUR;
    let last = NaN, at = -1, run = 0;
    // The hour of the day of point i, recomputed only where the hour changes (start and step are whole ms).
    let slot = 0, nextHour = 0;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (x !== x) continue;
      if (i >= nextHour) {
        const hour = Math.floor((start + i * step) / HOUR);
        slot = ((hour % 24) + 24) % 24;
        nextHour = Math.max(i + 1, Math.ceil(((hour + 1) * HOUR - start) / step));
      }
      if (last === last) {
        let r = rate[slot];
        if (r !== r) r = (allRepeats + 0.5) / (allPoints + 1), unseen--;
        const repeat = repeats(x, last, tol) ? 1 : 0;
        // The time since the last value (a missing point neither breaks nor extends what it spans).
        if (inRun) {
          let c = cont[slot];
          if (c !== c) c = r;
          if (repeat) run += (c > 0.5 ? -Math.log2(c) : 1) * (i - at) * hours;
          cont[slot] = c + gain(contSeen[slot]++) * (repeat - c);
        } else if (repeat) run += (r > 0.5 ? -Math.log2(r) : 1) * (i - at) * hours;
        if (!repeat) run = 0;
        inRun = repeat === 1;
        rate[slot] = r + gain(seen[slot]++) * (repeat - r);
        if (unseen > 0) {
          allRepeats = keepAll * allRepeats + repeat;
          allPoints = keepAll * allPoints + 1;
        }
      }
      out[i] = run;
      last = x;
      at = i;
    }
    return out;
  },
  explain(raw, observed, _expected, params, { step, values, index }) {
    // raw is the run's length where the series seldom repeats at those hours, and less where it often does.
    const weighed = raw * HOUR + step;
    if (!values || index === undefined || observed !== observed) {
      return `stuck at ${num(observed)} for ${span(weighed)}`;
    }
    // The run as it is: back to the last value that differs, by the rule `score` repeats by (missing points
    // neither break nor extend it).
    let first = index;
    for (let j = index - 1; j >= 0; j--) {
      const v = values[j];
      if (v !== v) continue;
      if (!repeats(v, observed, params.tolerance)) break;
      first = j;
    }
    const actual = (index - first) * step + step;
    return actual - weighed > Math.max(step / 2, 0.1 * actual)
      ? `stuck at ${num(observed)} for ${span(actual)} (weighed as ${
        span(weighed)
      }: repeats count less at hours the series often repeats)`
      : `stuck at ${num(observed)} for ${span(actual)}`;
  },
};

/** Whether `x` repeats `last`: equal within a relative tolerance. */
function repeats(x: number, last: number, tol: number): boolean {
  return Math.abs(x - last) <= tol * Math.max(Math.abs(x), Math.abs(last));
}
