/**
 * Formatting shared by the display tables. Private to `lib/display/`.
 *
 * @module
 */
import { SEVERITY_COLOR } from "../detect/types.ts";

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
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || v !== v) return "–";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e9) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** A fraction 0..1 as a percentage with one decimal. */
export function formatPercent(v: number | null | undefined): string {
  return v === null || v === undefined || v !== v ? "–" : `${(v * 100).toFixed(1)} %`;
}

/** Epoch ms as `YYYY-MM-DD HH:MM` (UTC). */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace("T", " ") : "–";
}

/** A duration in ms as `45 min`, `6 h`, `2.5 d`. */
export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return "–";
  const h = ms / 3_600_000;
  if (h >= 48) return `${Number((h / 24).toFixed(1))} d`;
  if (h >= 1) return `${Number(h.toFixed(1))} h`;
  return `${Math.round(ms / 60_000)} min`;
}

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
