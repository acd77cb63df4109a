import type { Anomaly, Reason, Severity } from "../detect/types.ts";
import type { PeerOutlier } from "./types.ts";
import { episodeId } from "../detect/anomaly_id.ts";

/** Options for {@link mergePeerOutliers}. */
export interface MergePeerOutliersOptions {
  /** The robust z threshold the outliers were found with (it anchors their score and severity). @default 6 */
  threshold?: number;
}

const HOUR = 3_600_000;

/**
 * Folds peer outliers into the detected anomalies, so they flow through hydration, fleet incidents and alerts
 * like any other anomaly. An outlier overlapping a detected anomaly of the same series adds a `peer_outlier`
 * reason to (a copy of) that anomaly; any other becomes an anomaly of its own: `score = 1 − 0.3 × threshold /
 * |z|` (0.7 at the threshold, towards 1 beyond it — a ranking, not a calibrated probability), severity `high`
 * from twice the threshold or 12 h, `medium` from 1.5 × the threshold or 3 h, else `low`; `detectedAt` is its
 * `end` (an episode is known only once it has lasted). The inputs are not modified.
 *
 * @param anomalies Detected anomalies.
 * @param peers Outliers from `peerOutliers`.
 * @param options See {@link MergePeerOutliersOptions}.
 * @returns The anomalies and the new ones, by start time then series.
 * @throws {RangeError} When `threshold` is not > 0.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergePeerOutliers } from "./merge_peer_outliers.ts";
 * const H = 3_600_000;
 * const outlier = { machine: "n1", aggregator: "A", series: "s.n1.A", start: 2 * H, end: 5 * H, timestamp: "",
 *   peakAt: 3 * H, z: 12, observed: 0.4, expected: 0.05, peers: 99, detail: "n1 at 0.4 vs 0.05 expected" };
 * const [a] = mergePeerOutliers([], [outlier]);
 * assert.equal(a.score, 0.85);
 * assert.equal(a.severity, "high");
 * assert.equal(a.reasons[0].detector, "peer_outlier");
 * ```
 */
export function mergePeerOutliers(
  anomalies: readonly Anomaly[],
  peers: readonly PeerOutlier[],
  options: MergePeerOutliersOptions = {},
): Anomaly[] {
  const { threshold = 6 } = options;
  if (!(threshold > 0 && Number.isFinite(threshold))) {
    throw new RangeError(`Cannot merge peer outliers: threshold must be > 0, current value is ${threshold}`);
  }
  const out = [...anomalies];
  const bySeries = new Map<string, number[]>();
  out.forEach((a, i) => {
    let list = bySeries.get(a.series);
    if (!list) bySeries.set(a.series, list = []);
    list.push(i);
  });
  for (const p of peers) {
    const score = Number((1 - (0.3 * threshold) / Math.max(threshold, Math.abs(p.z))).toFixed(3));
    const reason: Reason = { detector: "peer_outlier", score, detail: p.detail };
    const overlapping = (bySeries.get(p.series) ?? []).filter((i) =>
      out[i].start <= p.end && out[i].end >= p.start
    );
    if (overlapping.length) {
      for (const i of overlapping) {
        const reasons = [...out[i].reasons, reason].sort((x, y) => y.score - x.score);
        out[i] = { ...out[i], reasons };
      }
      continue;
    }
    out.push({
      machine: p.machine,
      aggregator: p.aggregator,
      timestamp: new Date(p.start).toISOString(),
      severity: _severity(Math.abs(p.z) / threshold, p.end - p.start),
      id: episodeId("anomaly", p.series, p.start),
      series: p.series,
      start: p.start,
      end: p.end,
      detectedAt: p.end,
      peakAt: p.peakAt,
      score,
      observed: p.observed,
      expected: p.expected,
      reasons: [reason],
    });
  }
  return out.sort((a, b) => a.start - b.start || (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
}

function _severity(ratio: number, durationMs: number): Severity {
  if (ratio >= 2 || durationMs >= 12 * HOUR) return "high";
  if (ratio >= 1.5 || durationMs >= 3 * HOUR) return "medium";
  return "low";
}
