/**
 * Maps NAB anomaly windows from timestamps to row-index ranges.
 *
 * @module
 */

import type { NabFile } from "./nab_corpus.ts";

/**
 * The rows `L..R` (inclusive) of each of a file's windows, as the NAB scorer sees them.
 *
 * `L` is the first row whose timestamp lies inside the window; the range then runs over the following rows while
 * their timestamps stay inside the window and stops at the first row stamped exactly with the window's end. When
 * the timestamps are increasing these are exactly the rows inside the window; when a file repeats or steps back in
 * time this matches NAB (which enters a window at the first row equal to its start and leaves it at the first row
 * equal to its end).
 *
 * @param file A NAB file (only `name`, `timestamps` and `windows` are used).
 * @returns One `[L, R]` per window, in window order.
 * @throws {RangeError} A window that contains no row (it could never be detected).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nabWindowRows } from "./nab_window_rows.ts";
 *
 * const timestamps = new Float64Array([0, 10, 20, 30, 40, 50]);
 * assert.deepEqual(nabWindowRows({ name: "c/f.csv", timestamps, windows: [[5, 30], [50, 60]] }), [[1, 3], [5, 5]]);
 * ```
 */
export function nabWindowRows(
  file: Pick<NabFile, "name" | "timestamps" | "windows">,
): Array<[number, number]> {
  const { name, timestamps: t, windows } = file;
  const n = t.length;
  const out: Array<[number, number]> = [];
  let from = 0;
  for (const [k, [start, end]] of windows.entries()) {
    let left = from;
    while (left < n && !(t[left] >= start && t[left] <= end)) left++;
    if (left === n) {
      throw new RangeError(
        `Cannot map NAB window ${k} of ${name} to rows: no row lies inside it, current value is [${
          new Date(start).toISOString()
        }, ${new Date(end).toISOString()}]`,
      );
    }
    let right = left;
    while (t[right] !== end && right + 1 < n && t[right + 1] >= start && t[right + 1] <= end) right++;
    out.push([left, right]);
    from = right + 1;
  }
  return out;
}
