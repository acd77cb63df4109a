/**
 * Per-row 0/1 labels of a NAB file.
 *
 * @module
 */

import type { NabFile } from "./nab_corpus.ts";
import { nabWindowRows } from "./nab_window_rows.ts";

/**
 * 1 for each row inside one of the file's anomaly windows, else 0 (the rows of {@linkcode nabWindowRows}).
 *
 * @param file A NAB file.
 * @returns One label per row.
 * @throws {RangeError} A window that contains no row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nabRowLabels } from "./nab_row_labels.ts";
 *
 * const file = {
 *   name: "c/f.csv",
 *   timestamps: new Float64Array([0, 10, 20, 30]),
 *   values: new Float64Array(4),
 *   windows: [[10, 20]] as Array<[number, number]>,
 * };
 * assert.deepEqual([...nabRowLabels(file)], [0, 1, 1, 0]);
 * ```
 */
export function nabRowLabels(file: NabFile): Uint8Array {
  const labels = new Uint8Array(file.timestamps.length);
  for (const [left, right] of nabWindowRows(file)) labels.fill(1, left, right + 1);
  return labels;
}
