/**
 * Validating an in-memory labels document (the `labels.json` that `writeCorpus` writes).
 *
 * @module
 */

import { parseTime } from "../series/parse_time.ts";
import { ANOMALY_KINDS, type AnomalyKind, type AnomalyLabel } from "../presence.ts";

/** ISO 8601 date-time with an explicit zone (`Z`, `±HH:MM`, `±HHMM`, `±HH`); `parseTime` checks ranges. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * Validates a parsed labels document and returns its labels with times as epoch milliseconds UTC, in file
 * order.
 *
 * Accepted shapes: `{generator?, files?, labels: [...]}` (what `writeCorpus` writes; other top-level fields
 * are ignored) or a bare array of entries. Each entry is `{series, machine?, aggregator?, kind, start, end}`:
 * `series` a non-empty string; `machine` and `aggregator` strings (`""` when absent); `kind` one of
 * `ANOMALY_KINDS`; `start` and `end` ISO 8601 strings with an explicit zone (`Z` or an offset — a zoneless
 * time is refused rather than guessed) or finite epoch milliseconds; `start ≤ end` (both inclusive). Extra
 * fields are ignored.
 *
 * @param json The parsed JSON (`JSON.parse` output).
 * @param file The file name to put in error messages (e.g. the path it was read from).
 * @returns The labels, in document order.
 * @throws {TypeError} The document is neither an array nor an object with a `labels` array, or an entry is
 *   not an object, has an empty/non-string `series`, a non-string `machine`/`aggregator`, or an unknown
 *   `kind`.
 * @throws {SyntaxError} An entry's `start` or `end` is not an ISO time with an explicit zone (or epoch ms).
 * @throws {RangeError} An entry's `start` is after its `end`. Every message names the file and the entry
 *   index, e.g. `Cannot parse labels: entry 3 of labels.json has an unknown kind, current value is "spkie"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLabels } from "./parse_labels.ts";
 *
 * const entry = { series: "a.b", machine: "m", aggregator: "b", kind: "spike" };
 * const labels = parseLabels(
 *   { labels: [{ ...entry, start: "2026-01-01T00:00:00Z", end: "2026-01-01T02:00:00+01:00" }] },
 *   "labels.json",
 * );
 * assert.deepEqual(labels, [{ ...entry, start: Date.UTC(2026, 0, 1), end: Date.UTC(2026, 0, 1, 1) }]);
 * // A time without a zone is refused, not guessed:
 * assert.throws(() => parseLabels([{ ...entry, start: "2026-01-01 00:00", end: 0 }], "x.json"), SyntaxError);
 * ```
 */
export function parseLabels(json: unknown, file: string): AnomalyLabel[] {
  const entries = Array.isArray(json)
    ? json
    : isObject(json) && Array.isArray(json.labels)
    ? json.labels as unknown[]
    : undefined;
  if (entries === undefined) {
    throw new TypeError(
      `Cannot parse labels: ${file} is neither an array nor an object with a "labels" array, ` +
        `current value is ${describe(json)}`,
    );
  }
  return entries.map((entry, index) => parseEntry(entry, index, file));
}

function parseEntry(entry: unknown, index: number, file: string): AnomalyLabel {
  const where = `entry ${index} of ${file}`;
  if (!isObject(entry)) {
    throw new TypeError(
      `Cannot parse labels: ${where} is not an object, current value is ${describe(entry)}`,
    );
  }
  const { series, machine = "", aggregator = "", kind } = entry;
  if (typeof series !== "string" || series === "") {
    throw new TypeError(
      `Cannot parse labels: ${where} needs a non-empty "series" string, current value is ${describe(series)}`,
    );
  }
  for (const [name, value] of [["machine", machine], ["aggregator", aggregator]] as const) {
    if (typeof value !== "string") {
      throw new TypeError(
        `Cannot parse labels: ${where} has a non-string "${name}", current value is ${describe(value)}`,
      );
    }
  }
  if (typeof kind !== "string" || !(ANOMALY_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(
      `Cannot parse labels: ${where} has an unknown kind (expected one of ${
        ANOMALY_KINDS.join(", ")
      }), current value is ${describe(kind)}`,
    );
  }
  const start = parseLabelTime(entry.start, "start", where);
  const end = parseLabelTime(entry.end, "end", where);
  if (start > end) {
    throw new RangeError(
      `Cannot parse labels: ${where} starts after it ends, current value is start ${
        describe(entry.start)
      } > end ${describe(entry.end)}`,
    );
  }
  return {
    series,
    machine: machine as string,
    aggregator: aggregator as string,
    kind: kind as AnomalyKind,
    start,
    end,
  };
}

function parseLabelTime(value: unknown, name: string, where: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  const t = typeof value === "string" && ISO_WITH_ZONE.test(value.trim()) ? parseTime(value) : NaN;
  if (Number.isNaN(t)) {
    throw new SyntaxError(
      `Cannot parse labels: ${where} has a "${name}" that is not an ISO 8601 time with an explicit zone ` +
        `(e.g. 2026-01-01T00:00:00Z), current value is ${describe(value)}`,
    );
  }
  return t;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
