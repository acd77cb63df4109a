/**
 * Formatting shared by the display tables. Private to `lib/display/`.
 *
 * @module
 */
import { SEVERITY_COLOR } from "../detect/types.ts";
import { formatNumber as formatNumberWith } from "../format/format_number.ts";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A number for a table: 4 significant digits, `–` for null / NaN, exponent for very small or large. */
export const formatNumber = (v: number | null | undefined): string =>
  formatNumberWith(v, { digits: 4, infinity: true, integersBelow: 1e9, exponent: [1e-4, 1e9] });

/** A fraction 0..1 as a percentage with one decimal. */
export function formatPercent(v: number | null | undefined): string {
  return v === null || v === undefined || v !== v ? "–" : `${(v * 100).toFixed(1)} %`;
}

export { formatDuration } from "../format/format_duration.ts";
export { formatTime } from "../format/format_time.ts";

/** The last dotted part of an aggregator name (`ProbeTablesAggregator.x_y` → `x_y`). */
export function shortName(aggregator: string): string {
  return aggregator.slice(aggregator.lastIndexOf(".") + 1) || aggregator;
}

/** A coloured severity badge (HTML). */
export function severityBadge(severity: "low" | "medium" | "high"): string {
  const color = SEVERITY_COLOR[severity] ?? "#868e96";
  const fg = severity === "low" ? "#1f2328" : "#fff";
  return `<span style="display:inline-block;padding:0 6px;border-radius:9px;background:${color};color:${fg};` +
    `font-size:11px">${escapeHtml(severity)}</span>`;
}
