import { type Anomaly, countBySeverity, type Severity } from "../detect/types.ts";
import { benjaminiHochberg, mannKendall, slope } from "./_trend_stats.ts";

/** Options for {@link shardSummary}. */
export interface ShardSummaryOptions {
  /** Start of the period, epoch ms (days are counted from here). */
  from: number;
  /** End of the period, epoch ms. */
  until: number;
  /** Length of one trend bucket, ms. @default 1 day */
  bucket?: number;
  /**
   * False discovery rate of `worsening` over the shards tested (Benjamini–Hochberg): with 100 shards and no trend
   * anywhere, the chance that any is flagged is at most this.
   * @default 0.05
   */
  alpha?: number;
  /** Fewest anomalies in the period for a shard to be tested for `worsening` at all. @default 3 */
  minAnomalies?: number;
}

/** Anomalies of one shard over a period, with a trend. */
export interface ShardSummary {
  /** The shard. */
  machine: string;
  /** Anomalies in the period. */
  anomalies: number;
  /** By severity. */
  bySeverity: Record<Severity, number>;
  /** Aggregators with at least one anomaly, most affected first. */
  aggregators: string[];
  /** Anomalies per bucket, oldest first. */
  perBucket: number[];
  /** Least-squares slope of `perBucket` (anomalies per bucket per bucket): > 0 means getting worse. */
  trend: number;
  /**
   * One-sided p-value of an increasing `perBucket` (Mann–Kendall: rank-based, so one noisy bucket is not a
   * trend), 0..1; 0.5 when flat.
   */
  trendP: number;
  /**
   * Getting worse, significantly: at least `minAnomalies` anomalies, `trend > 0`, and `trendP` significant at
   * the false discovery rate `alpha` over all shards tested.
   */
  worsening: boolean;
  /** Highest score seen. */
  maxScore: number;
}

/**
 * Per-shard summary of anomalies over a period — counts by severity, the aggregators involved, anomalies per
 * day and the trend of that count (a least-squares slope), so the shards that are getting worse stand out.
 * Whether a shard is `worsening` is a test, not the sign of a slope: its counts must rise (Mann–Kendall, one
 * noisy day is not enough) significantly once corrected for the number of shards tested (Benjamini–Hochberg).
 * An anomaly counts when it overlaps `[from, until]`, in the bucket of its start (clamped to the period).
 * Shards are sorted by anomalies (then trend) descending.
 *
 * @param anomalies Anomalies (any order).
 * @param options See {@link ShardSummaryOptions}.
 * @returns One summary per shard with anomalies.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shardSummary } from "./shard_summary.ts";
 * const D = 86_400_000;
 * const a = (machine: string, day: number) => ({ machine, aggregator: "A", timestamp: "", severity: "low" as const,
 *   id: `a-${machine}${day}`, series: machine, start: day * D, end: day * D, detectedAt: day * D, peakAt: day * D, score: 0.6,
 *   observed: 1, expected: 1, reasons: [] });
 * const [worst] = shardSummary([a("n1", 2), a("n1", 2), a("n1", 1), a("n2", 0)], { from: 0, until: 3 * D });
 * assert.equal(worst.machine, "n1");
 * assert.deepEqual(worst.perBucket, [0, 1, 2]);
 * assert.equal(worst.trend, 1);
 * assert.equal(worst.worsening, false); // three anomalies over three days are not a significant trend
 * ```
 */
export function shardSummary(anomalies: readonly Anomaly[], options: ShardSummaryOptions): ShardSummary[] {
  const { from, until, bucket = 86_400_000, alpha = 0.05, minAnomalies = 3 } = options;
  if (!(bucket > 0)) {
    throw new RangeError(`Cannot summarise shards: bucket must be > 0 ms, current value is ${bucket}`);
  }
  if (!(alpha > 0 && alpha <= 1)) {
    throw new RangeError(`Cannot summarise shards: alpha must be within (0, 1], current value is ${alpha}`);
  }
  if (!Number.isInteger(minAnomalies) || minAnomalies < 1) {
    throw new RangeError(
      `Cannot summarise shards: minAnomalies must be an integer ≥ 1, current value is ${minAnomalies}`,
    );
  }
  const buckets = Math.max(1, Math.ceil((until - from) / bucket));
  const byShard = new Map<string, Anomaly[]>();
  for (const a of anomalies) {
    if (a.start > until || a.end < from) continue;
    const key = a.machine || a.series;
    let list = byShard.get(key);
    if (!list) byShard.set(key, list = []);
    list.push(a);
  }
  const out: ShardSummary[] = [];
  for (const [machine, list] of byShard) {
    const bySeverity = countBySeverity(list);
    const perBucket = new Array<number>(buckets).fill(0);
    const aggs = new Map<string, number>();
    let maxScore = 0;
    for (const a of list) {
      const b = Math.min(buckets - 1, Math.max(0, Math.floor((a.start - from) / bucket)));
      perBucket[b]++;
      if (a.aggregator) aggs.set(a.aggregator, (aggs.get(a.aggregator) ?? 0) + 1);
      maxScore = Math.max(maxScore, a.score);
    }
    const trend = Number(slope(perBucket).toFixed(4));
    out.push({
      machine,
      anomalies: list.length,
      bySeverity,
      aggregators: [...aggs].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k),
      perBucket,
      trend: trend === 0 ? 0 : trend, // no -0
      trendP: Number(mannKendall(perBucket).p.toFixed(6)),
      worsening: false,
      maxScore,
    });
  }
  const tested = out.filter((s) => s.anomalies >= minAnomalies);
  benjaminiHochberg(tested.map((s) => s.trendP)).forEach((q, i) => {
    tested[i].worsening = q <= alpha && tested[i].trend > 0;
  });
  return out.sort((a, b) =>
    b.anomalies - a.anomalies || b.trend - a.trend || a.machine.localeCompare(b.machine)
  );
}
