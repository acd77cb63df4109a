import type { DetectResult } from "./detect.ts";

/**
 * Joins the results of `detect` run on parts of a fleet (as answers arrive) into the result of one run over all
 * of it: anomalies by start then series, as `detect` orders them; notes and kept scores in the order of `keys`
 * (the fleet's series order); counts added. Every part must come from the same model and options. Used by
 * `runDetection` (parts scored as answers arrive) and the detect pool (its batches).
 *
 * @param parts Results of `detect` on disjoint sets of series.
 * @param keys Every series key, in the order one `detect` over all of them would have seen them.
 * @returns The joined result.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeDetections } from "./merge_detections.ts";
 * const part = (series: string) => ({ anomalies: [], notes: [{ series, reason: "too_short" as const, detail: "" }],
 *   profile: "strict" as const, threshold: 0.9, scored: 1 });
 * const joined = mergeDetections([part("b"), part("a")], ["a", "b"]);
 * assert.deepEqual(joined.notes.map((n) => n.series), ["a", "b"]);
 * assert.equal(joined.scored, 2);
 * ```
 */
export function mergeDetections(parts: readonly DetectResult[], keys: readonly string[]): DetectResult {
  if (parts.length === 0) {
    throw new RangeError(`Cannot merge detections: at least one part is needed, current value is 0`);
  }
  if (parts.length === 1) return parts[0]; // detect already ordered it
  const rank = new Map(keys.map((k, i) => [k, i]));
  const at = (key: string) => rank.get(key) ?? Infinity;
  const anomalies = parts.flatMap((p) => p.anomalies)
    .sort((a, b) => a.start - b.start || a.series.localeCompare(b.series));
  const notes = parts.flatMap((p) => p.notes).sort((a, b) => at(a.series) - at(b.series));
  const kept = parts.some((p) => p.scores)
    ? new Map(parts.flatMap((p) => [...(p.scores ?? [])]).sort(([a], [b]) => at(a) - at(b)))
    : undefined;
  return {
    anomalies,
    notes,
    profile: parts[0].profile,
    threshold: parts[0].threshold,
    scored: parts.reduce((n, p) => n + p.scored, 0),
    ...(kept ? { scores: kept } : {}),
  };
}
