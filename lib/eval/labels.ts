/**
 * Reading a labels file (`data/labels.json`, as `writeCorpus` writes it).
 *
 * @module
 */

import type { AnomalyLabel } from "../presence.ts";
import { parseLabels } from "./parse_labels.ts";

/**
 * Reads and validates a labels JSON file: `{generator?, labels: [{series, machine, aggregator, kind, start,
 * end}]}` with ISO times, or a bare array of such entries (the rules are those of `parseLabels`).
 *
 * @param path The file to read.
 * @returns The labels in file order, `start`/`end` as epoch milliseconds UTC (both inclusive).
 * @throws {SyntaxError} The file is not JSON, or an entry's time is not ISO 8601 with an explicit zone.
 * @throws {TypeError} Wrong document shape, an entry without a `series`, or an unknown `kind`.
 * @throws {RangeError} An entry whose `start` is after its `end`. Messages name the file and the entry index.
 *   A missing file rejects with `Deno.errors.NotFound`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadLabels } from "./labels.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, JSON.stringify({
 *   generator: { seed: 42 },
 *   labels: [{
 *     series: "s",
 *     machine: "m",
 *     aggregator: "a",
 *     kind: "stall",
 *     start: "2026-06-19T07:00:00.000Z",
 *     end: "2026-06-19T13:00:00.000Z",
 *   }],
 * }));
 * const [label] = await loadLabels(path);
 * assert.equal(label.kind, "stall");
 * assert.equal(label.end - label.start, 6 * 3_600_000);
 * await Deno.remove(path);
 * ```
 */
export async function loadLabels(path: string): Promise<AnomalyLabel[]> {
  const text = await Deno.readTextFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(
      `Cannot load labels: ${path} is not valid JSON, current value is ${
        JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text)
      } (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return parseLabels(json, path);
}
