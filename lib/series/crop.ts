import type { Series } from "./types.ts";

/**
 * The part of a series inside [from, until] (epoch ms, inclusive), on its own grid; the series itself when it
 * already fits, an empty series when nothing is inside.
 *
 * @param series The series.
 * @param from First time to keep.
 * @param until Last time to keep.
 * @returns The cropped series.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crop } from "./crop.ts";
 * const s = crop({ key: "k", labels: {}, start: 0, step: 10, values: new Float64Array([1, 2, 3, 4]) }, 5, 20);
 * assert.deepEqual([s.start, ...s.values], [10, 2, 3]);
 * ```
 */
export function crop(series: Series, from: number, until: number): Series {
  const { start, step, values } = series;
  const i0 = Math.max(0, Math.ceil((from - start) / step));
  const i1 = Math.min(values.length - 1, Math.floor((until - start) / step));
  if (i0 === 0 && i1 === values.length - 1) return series;
  return { ...series, start: start + i0 * step, values: values.slice(i0, Math.max(i0, i1 + 1)) };
}
