import type { Anomaly, Severity } from "../detect/types.ts";

/** Options for {@link shardSummary}. */
export interface ShardSummaryOptions {
  /** Start of the period, epoch ms (days are counted from here). */
  from: number;
  /** End of the period, epoch ms. */
  until: number;
  /** Length of one trend bucket, ms. @default 1 day */
  bucket?: number;
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
  /** Highest score seen. */
  maxScore: number;
}

/**
 * Per-shard summary of anomalies over a period — counts by severity, the aggregators involved, anomalies per
 * day and the trend of that count (a least-squares slope), so the shards that are getting worse stand out.
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
 *   series: machine, start: day * D, end: day * D, detectedAt: day * D, peakAt: day * D, score: 0.6,
 *   observed: 1, expected: 1, reasons: [] });
 * const [worst] = shardSummary([a("n1", 2), a("n1", 2), a("n1", 1), a("n2", 0)], { from: 0, until: 3 * D });
 * assert.equal(worst.machine, "n1");
 * assert.deepEqual(worst.perBucket, [0, 1, 2]);
 * assert.equal(worst.trend, 1);
 * ```
 */
export function shardSummary(anomalies: readonly Anomaly[], options: ShardSummaryOptions): ShardSummary[] {
  const { from, until, bucket = 86_400_000 } = options;
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
    const bySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
    const perBucket = new Array<number>(buckets).fill(0);
    const aggs = new Map<string, number>();
    let maxScore = 0;
    for (const a of list) {
      bySeverity[a.severity]++;
      const b = Math.min(buckets - 1, Math.max(0, Math.floor((a.start - from) / bucket)));
      perBucket[b]++;
      if (a.aggregator) aggs.set(a.aggregator, (aggs.get(a.aggregator) ?? 0) + 1);
      maxScore = Math.max(maxScore, a.score);
    }
    const mx = (buckets - 1) / 2, my = list.length / buckets;
    let sxy = 0, sxx = 0;
    perBucket.forEach((y, x) => {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) * (x - mx);
    });
    out.push({
      machine,
      anomalies: list.length,
      bySeverity,
      aggregators: [...aggs].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k),
      perBucket,
      trend: sxx ? Number((sxy / sxx).toFixed(4)) : 0,
      maxScore,
    });
  }
  return out.sort((a, b) =>
    b.anomalies - a.anomalies || b.trend - a.trend || a.machine.localeCompare(b.machine)
  );
}
