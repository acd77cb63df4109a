import type { Series } from "../series/types.ts";
import { SCORED_NOTES, type SeriesNote } from "../detect/detect.ts";

/**
 * The series detect scored: those with an aggregator and no note but one in `SCORED_NOTES` (a series skipped for its
 * step, its length or a constant value is no peer). Private to `lib/pipeline/`.
 *
 * @param series Every series fetched.
 * @param notes detect's notes.
 * @returns The fleet the peers and the fleet sizes are taken over.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoredFleet } from "./_scored_fleet.ts";
 * const s = (key: string) => ({ key, labels: { aggregator: "A" }, start: 0, step: 1, values: new Float64Array(1) });
 * const notes = [{ series: "b", reason: "constant" as const, detail: "" }, { series: "c", reason: "short_history" as const, detail: "" }];
 * assert.deepEqual(scoredFleet([s("a"), s("b"), s("c")], notes).map((x) => x.key), ["a", "c"]);
 * ```
 */
export function scoredFleet(series: readonly Series[], notes: readonly SeriesNote[]): Series[] {
  const skipped = new Set(notes.filter((n) => !SCORED_NOTES.has(n.reason)).map((n) => n.series));
  return series.filter((s) => s.labels.aggregator && !skipped.has(s.key));
}
