/**
 * Formats series that share one grid as a Grafana-style CSV export ("Download CSV" from a panel inspector).
 *
 * @module
 */
import type { Series } from "../series/types.ts";

/** Options for {@link formatGrafanaCsv}. */
export interface FormatGrafanaCsvOptions {
  /**
   * Write Excel's `sep=,` first line, as Grafana's "Download for Excel" does.
   * @default {false}
   */
  sep?: boolean;
  /**
   * How the `Time` column is written: `"grafana"` → `2026-01-01 00:00:00` (UTC), `"iso"` →
   * `2026-01-01T00:00:00Z`, `"epochMs"` → `1767225600000`.
   * @default {"grafana"}
   */
  time?: "grafana" | "iso" | "epochMs";
  /**
   * Write values like Grafana's percent (0.0–1.0) unit: the value × 100 followed by `%`, e.g. `3.265%`.
   * @default {false}
   */
  percent?: boolean;
  /**
   * Significant digits of every value (1 to 17); trailing zeros are dropped.
   * @default {6}
   */
  digits?: number;
  /**
   * Line ending; Grafana writes `\r\n`.
   * @default {"\r\n"}
   */
  newline?: "\n" | "\r\n";
}

const ROWS_PER_CHUNK = 4096;

/**
 * Formats series as one Grafana-style CSV: an optional `sep=,` line, a header `"Time","<key>",…` (every header
 * quoted), then one row per grid point with the time in UTC and one cell per series; a missing value (`NaN`) is
 * an empty cell. All series must share one grid (same start, step and length).
 *
 * @param series The columns, in order; at least one.
 * @param options Format options.
 * @returns The CSV text, ending with a newline.
 * @throws {RangeError} When there is no series, the grids differ, or `digits` is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatGrafanaCsv } from "./write_csv.ts";
 * const series = [{ key: "a.b", labels: {}, start: Date.UTC(2026, 0, 1), step: 3_600_000, values: new Float64Array([0.03265, NaN]) }];
 * const csv = formatGrafanaCsv(series, { sep: true, percent: true, digits: 4, newline: "\n" });
 * assert.ok(csv === 'sep=,\n"Time","a.b"\n2026-01-01 00:00:00,3.265%\n2026-01-01 01:00:00,\n');
 * ```
 */
export function formatGrafanaCsv(series: readonly Series[], options: FormatGrafanaCsvOptions = {}): string {
  const { sep = false, time = "grafana", percent = false, digits = 6, newline = "\r\n" } = options;
  if (series.length === 0) {
    throw new RangeError(
      "Cannot format Grafana CSV: at least one series is needed, current value is 0 series",
    );
  }
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) {
    throw new RangeError(
      `Cannot format Grafana CSV: digits must be an integer from 1 to 17, current value is ${digits}`,
    );
  }
  const { start, step } = series[0];
  const n = series[0].values.length;
  for (const s of series) {
    if (s.start !== start || s.step !== step || s.values.length !== n) {
      throw new RangeError(
        `Cannot format Grafana CSV: series "${s.key}" is not on the grid of "${series[0].key}" ` +
          `(start ${start}, step ${step}, ${n} points), current value is start ${s.start}, step ${s.step}, ` +
          `${s.values.length} points`,
      );
    }
  }
  const formatTime = time === "iso"
    ? (t: number) => new Date(t).toISOString().slice(0, 19) + "Z"
    : time === "epochMs"
    ? (t: number) => String(t)
    : (t: number) => {
      const iso = new Date(t).toISOString();
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    };
  const formatValue = percent
    ? (v: number) => (Number.isNaN(v) ? "" : `${Number((v * 100).toPrecision(digits))}%`)
    : (v: number) => (Number.isNaN(v) ? "" : String(Number(v.toPrecision(digits))));

  const chunks: string[] = [];
  if (sep) chunks.push(`sep=,${newline}`);
  chunks.push(["Time", ...series.map((s) => s.key)].map(quote).join(",") + newline);
  const columns = series.map((s) => s.values);
  const row: string[] = new Array(columns.length + 1);
  let lines: string[] = [];
  for (let i = 0; i < n; i++) {
    row[0] = formatTime(start + i * step);
    for (let c = 0; c < columns.length; c++) row[c + 1] = formatValue(columns[c][i]);
    lines.push(row.join(","));
    if (lines.length === ROWS_PER_CHUNK) {
      chunks.push(lines.join(newline) + newline);
      lines = [];
    }
  }
  if (lines.length > 0) chunks.push(lines.join(newline) + newline);
  return chunks.join("");
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}
