const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** Options for {@link formatTime}. */
export interface FormatTimeOptions {
  /** Appended to the time, e.g. `" UTC"`. @default "" */
  suffix?: string;
  /** The text for a time that is not finite. @default "–" */
  missing?: string;
}

/**
 * An epoch-ms time as `YYYY-MM-DD HH:MM` in UTC (never local time), the one time formatter of the library.
 *
 * @param ms Epoch milliseconds.
 * @param options See {@link FormatTimeOptions}.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTime } from "./format_time.ts";
 * assert.equal(formatTime(0), "1970-01-01 00:00");
 * assert.equal(formatTime(0, { suffix: " UTC" }), "1970-01-01 00:00 UTC");
 * assert.equal(formatTime(NaN), "–");
 * ```
 */
export function formatTime(ms: number, options: FormatTimeOptions = {}): string {
  const { suffix = "", missing = "–" } = options;
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") + suffix : missing;
}

/**
 * `HH:MM` in UTC.
 *
 * @param ms Epoch milliseconds.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatClock } from "./format_time.ts";
 * assert.equal(formatClock(Date.UTC(2026, 2, 5, 7, 30)), "07:30");
 * ```
 */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * `Mar 05` in UTC.
 *
 * @param ms Epoch milliseconds.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDay } from "./format_time.ts";
 * assert.equal(formatDay(Date.UTC(2026, 2, 5, 7, 30)), "Mar 05");
 * ```
 */
export function formatDay(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())}`;
}
