import type { FeedbackDecision, FeedbackLine } from "./types.ts";

/**
 * The decisions in force at `now`: not withdrawn (`undo`), not expired.
 *
 * @param lines The feedback file's lines, in order.
 * @param now The time, epoch ms.
 * @returns The decisions in force, in the order they were made.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { activeDecisions } from "./active_decisions.ts";
 * const span = [{ series: "s", from: 0, until: 60_000 }];
 * const lines = [
 *   { id: "fb-1", decision: "not_anomalous" as const, spans: span, by: "a", at: "2026-01-01T00:00:00Z" },
 *   { id: "fb-2", decision: "anomalous" as const, spans: span, by: "a", at: "2026-01-01T00:00:00Z" },
 *   { id: "fb-3", undo: "fb-2", by: "b", at: "2026-01-02T00:00:00Z" },
 *   { id: "fb-4", decision: "not_anomalous" as const, spans: span, by: "a", at: "2026-01-01T00:00:00Z",
 *     expires: "2026-01-05T00:00:00Z" },
 * ];
 * assert.deepEqual(activeDecisions(lines, Date.parse("2026-02-01")).map((d) => d.id), ["fb-1"]);
 * ```
 */
export function activeDecisions(lines: readonly FeedbackLine[], now: number): FeedbackDecision[] {
  const undone = new Set(lines.flatMap((l) => "undo" in l ? [l.undo] : []));
  return lines.filter((l): l is FeedbackDecision =>
    !("undo" in l) && !undone.has(l.id) && !(l.expires !== undefined && Date.parse(l.expires) <= now)
  );
}
