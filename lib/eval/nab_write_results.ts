/**
 * Writing a detector's per-row NAB results file.
 *
 * @module
 */

import { dirname, join } from "node:path";

/** The columns of one NAB results file; every array has one entry per input row. */
export interface NabResultRows {
  /** Epoch milliseconds UTC, written back as `YYYY-MM-DD HH:MM:SS`. */
  timestamps: Float64Array;
  /** The input values; `NaN` is written as an empty cell. */
  values: Float64Array;
  /** The anomaly scores; `NaN` is written as an empty cell. */
  scores: Float64Array;
  /** 1 inside a labelled window, else 0. */
  labels: Uint8Array;
  /** 1 where the detector flagged the row, else 0. */
  isAnomaly: Uint8Array;
}

const NAME = /^[^/\\]+\/[^/\\]+\.csv$/;

function cell(v: number): string {
  return Number.isNaN(v) ? "" : String(v);
}

/**
 * Writes `<outDir>/<category>/<file>.csv` with the header `timestamp,value,anomaly_score,label,is_anomaly` and one
 * row per input row, in input order. The file is written to a temporary file beside it and then renamed, so a
 * reader never sees half a file.
 *
 * @param outDir The results directory; the category folder is created when missing.
 * @param name The NAB file name `"<category>/<file>.csv"`.
 * @param rows The columns to write, all of the same length.
 * @returns The path written.
 * @throws {TypeError} A name that is not `<category>/<file>.csv`, or columns of different lengths.
 * @throws {RangeError} A timestamp that is not a finite time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeNabResults } from "./nab_write_results.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const path = await writeNabResults(dir, "cat/a.csv", {
 *   timestamps: new Float64Array([Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1, 0, 5)]),
 *   values: new Float64Array([1.5, NaN]),
 *   scores: new Float64Array([0.25, 1]),
 *   labels: new Uint8Array([0, 1]),
 *   isAnomaly: new Uint8Array([0, 1]),
 * });
 * assert.equal(
 *   await Deno.readTextFile(path),
 *   "timestamp,value,anomaly_score,label,is_anomaly\n2014-04-01 00:00:00,1.5,0.25,0,0\n2014-04-01 00:05:00,,1,1,1\n",
 * );
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeNabResults(outDir: string, name: string, rows: NabResultRows): Promise<string> {
  const { timestamps, values, scores, labels, isAnomaly } = rows;
  if (!NAME.test(name) || name.startsWith("../") || name.startsWith("./")) {
    throw new TypeError(
      `Cannot write NAB results: name must be "<category>/<file>.csv", current value is "${name}"`,
    );
  }
  const n = timestamps.length;
  for (const [column, array] of Object.entries({ values, scores, labels, isAnomaly })) {
    if (array.length !== n) {
      throw new TypeError(
        `Cannot write NAB results for ${name}: ${column} has ${array.length} rows but timestamps has ${n}, ` +
          `current value is ${array.length}`,
      );
    }
  }
  const lines = ["timestamp,value,anomaly_score,label,is_anomaly"];
  for (let i = 0; i < n; i++) {
    const t = timestamps[i];
    if (!Number.isFinite(t)) {
      throw new RangeError(
        `Cannot write NAB results for ${name} row ${i}: bad timestamp, current value is ${t}`,
      );
    }
    const stamp = new Date(t).toISOString().slice(0, 19).replace("T", " ");
    lines.push(`${stamp},${cell(values[i])},${cell(scores[i])},${labels[i]},${isAnomaly[i]}`);
  }
  const path = join(outDir, ...name.split("/"));
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const tmp = await Deno.makeTempFile({ dir, prefix: `.${name.split("/")[1]}.`, suffix: ".tmp" });
  try {
    await Deno.writeTextFile(tmp, lines.join("\n") + "\n");
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  return path;
}
