import type { Anomaly, Reason } from "../detect/types.ts";
import type { FeedbackDecision } from "./types.ts";
import { episodeShape } from "./episode_shape.ts";
import { compareShapes } from "./compare_shapes.ts";

/** An anomaly feedback scored down: kept out of alerts and counts, with the reason first among its reasons. */
export type DismissedAnomaly<A extends Anomaly = Anomaly> = A & {
  /** The decision that dismissed it. */
  dismissedBy: string;
};

const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ") + " UTC";
const x = (r: number) => `×${r.toPrecision(2)}`;

/**
 * Applies operators' "not anomalous" decisions to detected anomalies. An anomaly of a series a decision names
 * is dismissed when it overlaps the span marked (it is that episode), or when it resembles the episode marked
 * (magnitude, duration, time of day and detectors, each within its tolerance: see `compareShapes`). A
 * dismissed anomaly is not alerted and not counted; its first reason says which decision and how alike, e.g.
 * `like the episode marked normal on 2026-11-20 02:00 UTC by ops ("nightly batch"): magnitude ×1.1, duration
 * ×0.9, 5 min apart in the day, detectors 1.0 alike`. Never a blanket mute: another shape on the same series,
 * or the same shape at another time of day, is kept. Decisions made on a series and a time range (no
 * episode) dismiss only what overlaps that range. `anomalous` decisions change nothing here (they act on
 * training).
 *
 * @param anomalies Detected anomalies.
 * @param decisions The decisions in force (`activeDecisions`).
 * @returns The anomalies kept, and those dismissed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyFeedback } from "./apply_feedback.ts";
 * import { episodeShape } from "./episode_shape.ts";
 * const D = 86_400_000, t = Date.UTC(2026, 0, 1, 2);
 * const bump = (start: number, observed = 4) => ({ id: `a-${start}`, series: "s", machine: "n1", aggregator: "A",
 *   timestamp: "", severity: "medium" as const, start, end: start + 19 * 60_000, detectedAt: start,
 *   peakAt: start, score: 0.6, observed, expected: 1, reasons: [{ detector: "robust_z", score: 0.6, detail: "" }] });
 * const marked = bump(t);
 * const decision = { id: "fb-1", decision: "not_anomalous" as const, anomaly: marked.id, by: "ops",
 *   at: "2026-01-01T09:00:00Z", spans: [{ series: "s", from: marked.start, until: marked.end, shape: episodeShape(marked) }] };
 * const { kept, dismissed } = applyFeedback([bump(t + D), bump(t + 2 * D, 30)], [decision]);
 * assert.deepEqual(dismissed.map((a) => a.start), [t + D]);
 * assert.match(dismissed[0].reasons[0].detail, /^like the episode marked normal on 2026-01-01 02:00 UTC by ops/);
 * assert.deepEqual(kept.map((a) => a.start), [t + 2 * D]);
 * ```
 */
export function applyFeedback<A extends Anomaly>(
  anomalies: readonly A[],
  decisions: readonly FeedbackDecision[],
): { kept: A[]; dismissed: DismissedAnomaly<A>[] } {
  const normal = decisions.filter((d) => d.decision === "not_anomalous");
  const kept: A[] = [], dismissed: DismissedAnomaly<A>[] = [];
  for (const a of anomalies) {
    let why: { decision: FeedbackDecision; detail: string } | undefined;
    for (const d of normal) {
      for (const span of d.spans) {
        if (span.series !== a.series) continue;
        const who = `by ${d.by}${d.reason ? ` (${JSON.stringify(d.reason)})` : ""}`;
        if (a.start <= span.until && a.end >= span.from) {
          why = { decision: d, detail: `marked normal ${who} on ${d.at.slice(0, 10)} (decision ${d.id})` };
          break;
        }
        if (!span.shape) continue;
        // Shapes as the decision recorded them (durations from start to end plus a minute, at any step).
        const c = compareShapes(episodeShape(a), span.shape);
        if (c.like) {
          why = {
            decision: d,
            detail:
              `like the episode marked normal on ${fmt(span.from)} ${who}: magnitude ${x(c.magnitude)}, ` +
              `duration ${x(c.duration)}, ${Math.round(c.minutesApart)} min apart in the day, detectors ` +
              `${c.detectors.toFixed(1)} alike (decision ${d.id})`,
          };
          break;
        }
      }
      if (why) break;
    }
    if (!why) {
      kept.push(a);
      continue;
    }
    const reason: Reason = { detector: "feedback", score: 0, detail: why.detail };
    dismissed.push({ ...a, reasons: [reason, ...a.reasons], dismissedBy: why.decision.id });
  }
  return { kept, dismissed };
}
