/**
 * Text formatting for the charts: UTC times, values (percentages for ratios), truncation. Private to
 * `lib/report/charts/`.
 *
 * @module
 */
import { formatClock, formatDay, formatTime } from "../../format/format_time.ts";
import { formatDuration as formatDurationWith } from "../../format/format_duration.ts";

/** `HH:MM` in UTC. */
export const utcHHMM = formatClock;

/** `YYYY-MM-DD HH:MM` in UTC. */
export const utcDateTime = (ms: number): string => formatTime(ms);

/** `Mar 05` in UTC. */
export const utcDay = formatDay;

/** Axis tick for a UTC time: the day at midnight, else `HH:MM` (24 h, never AM/PM). */
export function utcTick(d: Date | number): string {
  const ms = +d;
  const t = new Date(ms);
  return t.getUTCHours() === 0 && t.getUTCMinutes() === 0 ? utcDay(ms) : utcHHMM(ms);
}

/** A duration for humans: `15 min`, `1 h`, `6 h`, `1 d`. */
export const formatDuration = (ms: number): string => formatDurationWith(ms, { style: "exact" });

const trim = (s: string) => s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;

/** Whether values should read as percentages: every finite one is below 1 in magnitude (ratios). */
export function isRatio(values: Iterable<number | null | undefined>): boolean {
  for (const v of values) if (v != null && Number.isFinite(v) && Math.abs(v) >= 1) return false;
  return true;
}

/**
 * A value formatter: ratios as percentages with 3 significant digits (`0.3123` → `31.2%`, `0.31` → `31.0%`),
 * anything else with 3 significant digits (`1234` → `1234`, `0.5` → `0.5`); `NaN`/`null` → `–`.
 */
export function valueFormatter(ratio: boolean): (v: number | null | undefined) => string {
  return (v) => {
    if (v == null || !Number.isFinite(v)) return "–";
    if (ratio) return v === 0 ? "0%" : `${(v * 100).toPrecision(3)}%`;
    if (Math.abs(v) >= 1000) return String(Math.round(v));
    return trim(v.toPrecision(3));
  };
}

/** An axis tick formatter: percentages with at most two decimals for ratios, else plain. */
export function tickFormatter(ratio: boolean): (v: number) => string {
  return ratio ? (v) => `${trim((v * 100).toFixed(2))}%` : (v) => trim(String(Number(v.toPrecision(6))));
}

/** Cuts `s` to at most `n` characters with an ellipsis. */
export function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(1, n - 1))}…`;
}

/** The part of an aggregator name after the last `.`. */
export function shortAggregator(aggregator: string): string {
  const i = aggregator.lastIndexOf(".");
  return i >= 0 && i < aggregator.length - 1 ? aggregator.slice(i + 1) : aggregator;
}

/** Rough width of `s` in px at `size` px of a sans-serif font (for margins and legend layout). */
export function textWidth(s: string, size = 11): number {
  return Math.ceil(s.length * size * 0.58);
}
