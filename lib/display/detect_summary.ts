import type { DetectResult } from "../detect/detect.ts";
import { anomalyTable } from "./anomaly_table.ts";
import { htmlTable } from "./html_table.ts";
import { escapeHtml, formatNumber } from "./_format.ts";

/**
 * What `detect` found, as HTML: one line with the profile, the threshold and the series scored, the anomaly
 * table, and the series that could not be scored with why. This is what a detect result shows as in a notebook.
 *
 * @param result A result of `detect`.
 * @returns HTML.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectSummary } from "./detect_summary.ts";
 * const html = detectSummary({ anomalies: [], notes: [], profile: "strict", threshold: 0.8, scored: 3 });
 * assert.ok(html.includes("profile strict") && html.includes("3 series scored"));
 * ```
 */
export function detectSummary(result: DetectResult): string {
  const { anomalies, notes, profile, threshold, scored } = result;
  const line =
    `<p style="font:12px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#59636e;` +
    `margin:2px 0">profile ${escapeHtml(profile)}, ensemble threshold ${
      formatNumber(threshold)
    }, ${scored} series scored` +
    `${notes.length ? `, ${notes.length} not scored` : ""}</p>`;
  const parts = [line, anomalyTable(anomalies)];
  if (notes.length) {
    parts.push(htmlTable(notes, {
      caption: "not scored",
      columns: [
        { label: "series", value: "series" },
        { label: "reason", value: "reason" },
        { label: "detail", value: "detail" },
      ],
    }));
  }
  return parts.join("\n");
}
