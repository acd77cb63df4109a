const SECOND = 1000, MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

/** How {@link formatDuration} writes a duration. */
export type DurationStyle =
  /** `45 min`, `6 h`, `2.5 d`: one unit, at most one decimal (minutes below an hour, days from 48 h). */
  | "round"
  /** `15 min`, `1 h`, `1 d`, `30 s`: the largest unit the duration is a whole number of. */
  | "exact"
  /** `5m`, `1h`, `1d`, `30s`, `250ms`: as "exact", in the units of the flags and configs. */
  | "unit"
  /** `2 h 30 min`, `3 d 4 h`, `30 s`: the two largest units, rounded. */
  | "parts";

/** Options for {@link formatDuration}. */
export interface FormatDurationOptions {
  /** @default "round" */
  style?: DurationStyle;
  /** The text for a negative or `NaN` duration. @default "–" */
  missing?: string;
}

const EXACT: ReadonlyArray<readonly [number, string, string]> = [
  [DAY, " d", "d"],
  [HOUR, " h", "h"],
  [MINUTE, " min", "m"],
  [SECOND, " s", "s"],
];

/**
 * A duration for people, the one duration formatter of the library, in the style the place needs.
 *
 * @param ms Milliseconds.
 * @param options See {@link FormatDurationOptions}.
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./format_duration.ts";
 * assert.equal(formatDuration(45 * 60_000), "45 min");
 * assert.equal(formatDuration(60 * 3_600_000), "2.5 d");
 * assert.equal(formatDuration(3_600_000, { style: "exact" }), "1 h");
 * assert.equal(formatDuration(300_000, { style: "unit" }), "5m");
 * assert.equal(formatDuration(9_000_000, { style: "parts" }), "2 h 30 min");
 * ```
 */
export function formatDuration(ms: number, options: FormatDurationOptions = {}): string {
  const { style = "round", missing = "–" } = options;
  if (style === "exact" || style === "unit") {
    const unit = EXACT.find(([size]) => ms % size === 0);
    if (unit) return `${ms / unit[0]}${style === "exact" ? unit[1] : unit[2]}`;
    return style === "exact" ? `${ms / SECOND} s` : `${ms}ms`;
  }
  if (style === "parts") {
    if (!(ms >= MINUTE)) return `${Math.max(0, Math.round(ms / SECOND))} s`;
    if (ms < HOUR) return `${Math.round(ms / MINUTE)} min`;
    const [big, small, bigName, smallName] = ms < DAY ? [HOUR, MINUTE, "h", "min"] : [DAY, HOUR, "d", "h"];
    const n = Math.floor(ms / big), m = Math.round((ms - n * big) / small);
    return m ? `${n} ${bigName} ${m} ${smallName}` : `${n} ${bigName}`;
  }
  if (!(ms >= 0)) return missing;
  const h = ms / HOUR;
  if (h >= 48) return `${Number((h / 24).toFixed(1))} d`;
  if (h >= 1) return `${Number(h.toFixed(1))} h`;
  return `${Math.round(ms / MINUTE)} min`;
}
