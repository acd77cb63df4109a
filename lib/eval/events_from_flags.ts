/**
 * Turning point-wise flags (a baseline that flags points or windows) into events, so it can be scored with
 * `eventMetrics` by the same rules as the event detector.
 *
 * @module
 */

import type { PredictedEvent } from "./event_metrics.ts";

/** Options of {@linkcode eventsFromFlags}. */
export interface EventsFromFlagsOptions {
  /**
   * Runs of flagged points separated by at most this many unflagged points become one event.
   * @default {0}
   */
  mergeGap?: number;
}

/**
 * Groups flagged points into events: each run of flagged points (runs separated by ≤ `mergeGap` unflagged
 * points are merged) becomes one event from the time of its first flagged point to that of its last
 * (inclusive), on the grid `time(i) = start + i × step`. A point is flagged when its value is non-zero and
 * not `NaN`.
 *
 * @param series The series key and grid (a `Series` satisfies it).
 * @param flags One flag per point (e.g. a `Uint8Array` of 0/1, or a thresholded score array).
 * @param options The merge gap.
 * @returns The events in time order.
 * @throws {RangeError} A non-finite `start`, a `step` that is not a positive finite number, or a `mergeGap`
 *   that is not a non-negative integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventsFromFlags } from "./events_from_flags.ts";
 *
 * const series = { key: "s", start: 1000, step: 10 };
 * const flags = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 1]);
 * assert.deepEqual(eventsFromFlags(series, flags), [
 *   { series: "s", start: 1010, end: 1020 },
 *   { series: "s", start: 1050, end: 1050 },
 *   { series: "s", start: 1070, end: 1070 },
 * ]);
 * assert.deepEqual(eventsFromFlags(series, flags, { mergeGap: 1 }), [
 *   { series: "s", start: 1010, end: 1020 },
 *   { series: "s", start: 1050, end: 1070 },
 * ]);
 * ```
 */
export function eventsFromFlags(
  series: { key: string; start: number; step: number },
  flags: Uint8Array | ArrayLike<number>,
  options: EventsFromFlagsOptions = {},
): PredictedEvent[] {
  const { mergeGap = 0 } = options;
  const { key, start, step } = series;
  if (!Number.isInteger(mergeGap) || mergeGap < 0) {
    throw new RangeError(
      `Cannot make events from flags: mergeGap must be an integer ≥ 0 (points), current value is ${mergeGap}`,
    );
  }
  if (!Number.isFinite(start) || !(step > 0) || !Number.isFinite(step)) {
    throw new RangeError(
      `Cannot make events from flags: series "${key}" needs a finite start and a positive step, ` +
        `current value is start ${start}, step ${step}`,
    );
  }
  const events: PredictedEvent[] = [];
  let first = -1, last = -1;
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue; // 0 and NaN are unflagged
    if (first >= 0 && i - last - 1 > mergeGap) {
      events.push({ series: key, start: start + first * step, end: start + last * step });
      first = -1;
    }
    if (first < 0) first = i;
    last = i;
  }
  if (first >= 0) events.push({ series: key, start: start + first * step, end: start + last * step });
  return events;
}
