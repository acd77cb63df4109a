import type { Anomaly } from "../detect/types.ts";
import type { EpisodeShape } from "./types.ts";

/**
 * What an anomaly looked like, for the resemblance of later ones: its magnitude at the peak (|ln(observed /
 * expected)|, when both are positive), its score, its duration, its onset's minute of the day (UTC) and the
 * detectors that fired.
 *
 * @param anomaly The anomaly (a record of `anomalies.json`).
 * @param step The series' step, ms (a one-point episode lasts one step). @default 60_000
 * @returns Its shape.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { episodeShape } from "./episode_shape.ts";
 * const a = { start: Date.UTC(2026, 0, 1, 2, 0), end: Date.UTC(2026, 0, 1, 2, 19), observed: 4, expected: 1,
 *   score: 0.6, reasons: [{ detector: "robust_z", score: 0.6, detail: "" }] };
 * const s = episodeShape(a);
 * assert.deepEqual([s.minuteOfDay, s.durationMs, s.detectors], [120, 20 * 60_000, ["robust_z"]]);
 * assert.ok(Math.abs(s.magnitude! - Math.log(4)) < 1e-12);
 * ```
 */
export function episodeShape(
  anomaly: Pick<Anomaly, "start" | "end" | "observed" | "expected" | "score" | "reasons">,
  step = 60_000,
): EpisodeShape {
  const { observed: o, expected: e } = anomaly;
  return {
    magnitude: o !== null && e !== null && o > 0 && e > 0 ? Math.abs(Math.log(o / e)) : null,
    score: anomaly.score,
    durationMs: anomaly.end - anomaly.start + step,
    minuteOfDay: Math.floor((((anomaly.start % 86_400_000) + 86_400_000) % 86_400_000) / 60_000),
    // Strongest first (reasons are sorted so), once each; the feedback's own reason is no detector.
    detectors: [...new Set(anomaly.reasons.map((r) => r.detector))].filter((d) => d !== "feedback"),
  };
}
