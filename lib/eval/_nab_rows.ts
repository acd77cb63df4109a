/** Options for {@link nabRows}. */
export interface NabRowsOptions {
  /** Rows of the probationary period, reported as 0. */
  probation: number;
  /** Rows of the alert-expiry window below our own threshold. */
  window: number;
  /** The model's episode gap, ms. */
  gapMs: number;
  /** The model's ensemble digits: a decade is 1 / digits in these scores. */
  digits: number;
}

/**
 * NAB's one score per row from our per-row scores (0.5 = a file's own strict threshold): at or beyond 0.5 a row
 * is reported once per episode (rows within `gapMs` of each other) and again when it escalates by a decade, as
 * `detect` and the alert plan do; below it an alert expiry stands in — a row counts when it beats every score
 * in the preceding `window` rows — with the same episodes, so a score that climbs row by row (a run growing
 * longer) is one report, not one per row. Private to `runNab`.
 *
 * @param raw Per-row scores, 0..1.
 * @param timestamps Per-row times, ms.
 * @param options See {@link NabRowsOptions}.
 * @returns The reported score of each row (0: not reported).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nabRows } from "./_nab_rows.ts";
 * const raw = Float64Array.from([0, 0.1, 0.2, 0.21, 0.22, 0.23, 0.6, 0.61, 0.9]);
 * const t = Float64Array.from(raw, (_, i) => i * 300_000);
 * const s = nabRows(raw, t, { probation: 0, window: 100, gapMs: 3_600_000, digits: 8 });
 * // A climb below 0.5 reported at its start and again a decade (1/8) higher; above 0.5 the same.
 * assert.deepEqual([...s], [0, 0.1, 0, 0, 0, 0.23, 0.6, 0, 0.9]);
 * ```
 */
export function nabRows(raw: Float64Array, timestamps: Float64Array, options: NabRowsOptions): Float64Array {
  const { probation, window, gapMs, digits } = options;
  const n = raw.length;
  const scores = new Float64Array(n);
  const deque: number[] = []; // row indices with decreasing scores
  let lastHigh = -Infinity, highMax = 0, lastLow = -Infinity, lowMax = 0;
  for (let r = 0; r < n; r++) {
    while (deque.length && deque[0] < r - window) deque.shift();
    const prevMax = deque.length ? raw[deque[0]] : 0;
    const t = timestamps[r];
    if (r >= probation) {
      if (raw[r] >= 0.5) {
        if (t - lastHigh > gapMs || raw[r] >= highMax + 1 / digits) scores[r] = highMax = raw[r];
        lastHigh = t;
      } else if (raw[r] > prevMax) {
        if (t - lastLow > gapMs || raw[r] >= lowMax + 1 / digits) scores[r] = lowMax = raw[r];
        lastLow = t;
      }
    }
    while (deque.length && raw[deque[deque.length - 1]] <= raw[r]) deque.pop();
    deque.push(r);
  }
  return scores;
}
