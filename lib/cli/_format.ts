import { formatNumber as formatNumberWith } from "../format/format_number.ts";
import { formatDuration } from "../format/format_duration.ts";
import { formatTime as formatTimeWith } from "../format/format_time.ts";

/** Formats rows as an aligned plain-text table (numbers right-aligned). */
export function formatTable(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => typeof c === "number" ? formatNumber(c) : c));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  const line = (r: string[]) =>
    r.map((c, i) => numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** A number in at most 4 significant digits, `-` for NaN. */
export const formatNumber = (v: number): string =>
  formatNumberWith(v, {
    digits: 4,
    missing: "-",
    integersBelow: 1e7,
    exponent: [1e-3, 1e7],
    exponentDigits: 3,
  });

/** An epoch-ms time as `YYYY-MM-DD HH:MM` UTC. */
export const formatTime = (ms: number): string => formatTimeWith(ms, { missing: "-" });

/** A step in ms as `60s`, `5m`, `1h`, `1d`. */
export const formatStep = (ms: number): string => formatDuration(ms, { style: "unit" });

/** Event metrics for a JSON file: the lists of false and missed events as their counts. */
export function counted<M extends { falseEvents: unknown[]; missed: unknown[] }>(metrics: M) {
  return { ...metrics, falseEvents: metrics.falseEvents.length, missed: metrics.missed.length };
}

/**
 * detect's notes for stderr: a line per reason, with how many series and the first one's sentence (every note
 * is in the output file); what judged a series (short history, another step) is as much for the user as what
 * was not scored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notesSummary } from "./_format.ts";
 * const n = (series: string, reason: string, detail: string) => ({ series, reason, detail });
 * assert.deepEqual(notesSummary([n("a", "other_step", "level shift left out"), n("b", "other_step", "x"), n("c", "constant", "constant at 0")]), [
 *   "2 series other step, e.g. level shift left out",
 *   "1 series constant: constant at 0",
 * ]);
 * ```
 */
export function notesSummary(notes: readonly { series: string; reason: string; detail: string }[]): string[] {
  return [...Map.groupBy(notes, (n) => n.reason)].map(([reason, list]) =>
    `${list.length} series ${reason.replaceAll("_", " ")}${list.length > 1 ? ", e.g." : ":"} ${
      list[0].detail
    }`
  );
}
