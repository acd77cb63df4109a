import type { MethodResult } from "../eval/evaluate.ts";
import type { AnomalyKind } from "../presence.ts";
import { htmlTable } from "./html_table.ts";
import { formatDuration } from "./_format.ts";

/**
 * The results of `evaluate` as HTML: one row per method (precision, recall, F1, false events per series-month,
 * median detection delay), then recall per anomaly kind with one column per method. Timings are left out (they
 * differ from run to run). This is what an evaluation shows as in a notebook.
 *
 * @param results A result of `evaluate`.
 * @returns HTML (two tables).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evaluationTable } from "./evaluation_table.ts";
 * import type { EventMetrics } from "../eval/event_metrics.ts";
 * const metrics = { precision: 1, recall: 0.5, f1: 0.667, tp: 1, fp: 0, ignoredEvents: 0, detected: 1, labels: 2,
 *   falseEventsPerSeriesMonth: 0, medianDelayMs: 0, falseEvents: [], missed: [],
 *   perKind: { spike: { labels: 2, detected: 1, recall: 0.5, medianDelayMs: 0 } } } as unknown as EventMetrics;
 * const html = evaluationTable([{ method: "ours (strict)", metrics, medianDetectionDelayMs: 3_600_000, ms: 5 }]);
 * assert.ok(html.includes("ours (strict)") && html.includes("spike") && html.includes("1 h"));
 * ```
 */
export function evaluationTable(results: readonly MethodResult[]): string {
  const overall = htmlTable(results, {
    caption: "event metrics against the labels",
    columns: [
      { label: "method", value: "method" },
      { label: "precision", value: (r) => r.metrics.precision },
      { label: "recall", value: (r) => r.metrics.recall },
      { label: "F1", value: (r) => r.metrics.f1 },
      { label: "labels", value: (r) => r.metrics.labels },
      { label: "found", value: (r) => r.metrics.detected },
      { label: "false events", value: (r) => r.metrics.fp },
      { label: "false / series-month", value: (r) => r.metrics.falseEventsPerSeriesMonth },
      {
        label: "median delay",
        value: (
          r,
        ) => (r.medianDetectionDelayMs === r.medianDetectionDelayMs
          ? formatDuration(Math.max(0, r.medianDetectionDelayMs))
          : "–"),
        align: "right",
      },
    ],
  });
  const kinds = [...new Set(results.flatMap((r) => Object.keys(r.metrics.perKind)))] as AnomalyKind[];
  const perKind = htmlTable(
    kinds.map((kind) => ({
      kind,
      labels: results[0]?.metrics.perKind[kind]?.labels ?? null,
      ...Object.fromEntries(results.map((r) => [r.method, r.metrics.perKind[kind]?.recall ?? null])),
    })),
    { caption: "recall per kind of anomaly" },
  );
  return `${overall}\n${perKind}`;
}
