import type { FeedbackDecision, FeedbackSpan } from "./types.ts";

/**
 * The spans operators confirmed anomalous, for `train`'s `exclude`.
 *
 * @param decisions The decisions in force.
 * @returns Their spans.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { anomalousSpans } from "./anomalous_spans.ts";
 * const span = { series: "s", from: 0, until: 1 };
 * assert.deepEqual(anomalousSpans([
 *   { id: "fb-1", decision: "anomalous", spans: [span], by: "a", at: "2026-01-01T00:00:00Z" },
 *   { id: "fb-2", decision: "not_anomalous", spans: [span], by: "a", at: "2026-01-01T00:00:00Z" },
 * ]), [span]);
 * ```
 */
export function anomalousSpans(decisions: readonly FeedbackDecision[]): FeedbackSpan[] {
  return decisions.filter((d) => d.decision === "anomalous").flatMap((d) => d.spans);
}
