import type { Series } from "./types.ts";

/**
 * Consolidates a series to a coarser step by averaging the valid points of each new slot (what Graphite's
 * `consolidateBy(average)` does). Slots start at multiples of `step` in epoch time. A slot with no valid point
 * is `NaN`. Returns the series unchanged when the step already matches.
 *
 * @param series The series.
 * @param step The new step in ms; a multiple of the current one.
 * @returns The consolidated series.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resample } from "./resample.ts";
 * const s = resample({ key: "k", labels: {}, start: 0, step: 60_000, values: new Float64Array([1, 3, NaN, 5]) }, 120_000);
 * assert.ok(s.values.length === 2 && s.values[0] === 2 && s.values[1] === 5);
 * ```
 */
export function resample(series: Series, step: number): Series {
  if (step === series.step) return series;
  if (!(step > series.step) || step % series.step !== 0) {
    throw new RangeError(
      `Cannot resample ${series.key}: the new step must be a multiple of ${series.step} ms, current value is ${step}`,
    );
  }
  const { start, values } = series;
  const newStart = Math.floor(start / step) * step;
  const last = start + (values.length - 1) * series.step;
  const n = Math.floor((last - newStart) / step) + 1;
  const sums = new Float64Array(n), counts = new Uint32Array(n);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    const j = Math.floor((start + i * series.step - newStart) / step);
    sums[j] += v;
    counts[j]++;
  }
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = counts[j] ? sums[j] / counts[j] : NaN;
  return { ...series, start: newStart, step, values: out };
}
