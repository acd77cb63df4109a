import type { FeedbackDecision } from "./types.ts";

/** What the strongest detector of a confirmed anomaly says it was, for a label. */
const KIND_OF: Record<string, string> = {
  flatline: "flatline",
  missing_data: "dropout",
  stall: "stall",
  level_shift: "level_shift",
  rhythm_loss: "rhythm_loss",
};

/**
 * The labels file `deno task eval` reads, from the decisions confirming anomalies: a team's own history
 * becomes its evaluation set. The kind is the decision's (`--kind`), else the one its strongest detector
 * names (a stuck value: `flatline`, a gap: `dropout`, a climb: `stall`, ...; anything else `spike`).
 *
 * @param decisions The decisions in force.
 * @returns `{ labels: [{ series, machine, aggregator, kind, start, end }] }` (times ISO 8601).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportLabels } from "./export_labels.ts";
 * const span = { series: "s", from: 0, until: 3_600_000, machine: "n1", aggregator: "A",
 *   shape: { magnitude: 1, score: 0.6, durationMs: 3_660_000, minuteOfDay: 0, detectors: ["flatline"] } };
 * const { labels } = exportLabels([{ id: "fb-1", decision: "anomalous", spans: [span], by: "a", at: "2026-01-01T00:00:00Z" }]);
 * assert.deepEqual(labels, [{ series: "s", machine: "n1", aggregator: "A", kind: "flatline",
 *   start: "1970-01-01T00:00:00.000Z", end: "1970-01-01T01:00:00.000Z" }]);
 * ```
 */
export function exportLabels(decisions: readonly FeedbackDecision[]): {
  labels: { series: string; machine: string; aggregator: string; kind: string; start: string; end: string }[];
} {
  return {
    labels: decisions.filter((d) => d.decision === "anomalous").flatMap((d) =>
      d.spans.map((s) => ({
        series: s.series,
        machine: s.machine ?? "",
        aggregator: s.aggregator ?? "",
        kind: d.kind ?? KIND_OF[s.shape?.detectors[0] ?? ""] ?? "spike",
        start: new Date(s.from).toISOString(),
        end: new Date(s.until).toISOString(),
      }))
    ),
  };
}
