import type { Anomaly } from "../detect/types.ts";
import { mannKendall, slope } from "./_trend_stats.ts";
import { type ShardSummary, shardSummary } from "./shard_summary.ts";

/** Options for {@link fleetTrend}. */
export interface FleetTrendOptions {
  /** Start of the period, epoch ms (buckets are counted from here). */
  from: number;
  /** End of the period, epoch ms. */
  until: number;
  /** Length of one bucket, ms; a last partial bucket is kept (its count is not scaled up). @default 1 day */
  bucket?: number;
  /** False discovery rate of `worsening` over the shards tested (see {@link shardSummary}). @default 0.05 */
  alpha?: number;
  /** Fewest anomalies in the period for a shard to be tested for `worsening`. @default 3 */
  minAnomalies?: number;
}

/** Anomalies per bucket of one aggregator, with their trend. */
export interface AggregatorTrend {
  /** The aggregator (`""` for series that did not match the template). */
  aggregator: string;
  /** Anomalies in the period. */
  anomalies: number;
  /** Anomalies per bucket, oldest first. */
  perBucket: number[];
  /** Least-squares slope of `perBucket`, anomalies per bucket per bucket. */
  trend: number;
  /** One-sided Mann–Kendall p-value of a rise of `perBucket`, 0..1 (0.5 when flat). */
  trendP: number;
}

/** How anomalies evolve over a period, for the whole fleet, per aggregator and per shard. */
export interface FleetTrend {
  /** Start of every bucket, epoch ms, oldest first. */
  buckets: number[];
  /** Anomalies per bucket, the whole fleet. */
  perBucket: number[];
  /** Distinct shards with at least one anomaly, per bucket. */
  shardsPerBucket: number[];
  /** Least-squares slope of `perBucket`, anomalies per bucket per bucket. */
  trend: number;
  /** One-sided Mann–Kendall p-value of a rise of `perBucket`, 0..1 (0.5 when flat). */
  trendP: number;
  /** Per aggregator, most anomalies first. */
  aggregators: AggregatorTrend[];
  /** The shards getting significantly worse (see {@link ShardSummary.worsening}), most significant first. */
  worsening: ShardSummary[];
}

/**
 * Anomalies per day (or per `bucket`) over a period, for the fleet and per aggregator, with their trends, and
 * the shards that are getting worse. A shard is worsening when its daily counts rise significantly —
 * Mann–Kendall, so one noisy day is not a trend — at a false discovery rate `alpha` over all the shards tested
 * (Benjamini–Hochberg), and its least-squares slope is positive; it is the same test as
 * {@link shardSummary}'s `worsening`. An anomaly counts when it overlaps `[from, until]`, in the bucket of its
 * start (clamped to the period). Every anomaly counts, so a fleet incident adds one per member shard; pass the
 * anomalies left after folding incidents to count each incident once.
 *
 * @param anomalies Anomalies (any order).
 * @param options See {@link FleetTrendOptions}.
 * @returns The trend of the fleet, of every aggregator with anomalies, and the worsening shards.
 * @throws {RangeError} When `bucket`, `alpha` or `minAnomalies` is out of range, or `until` is before `from`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fleetTrend } from "./fleet_trend.ts";
 * const D = 86_400_000;
 * const a = (machine: string, day: number) => ({ machine, aggregator: "A", timestamp: "", severity: "low" as const,
 *   series: machine, start: day * D, end: day * D, detectedAt: day * D, peakAt: day * D, score: 0.6,
 *   observed: 1, expected: 1, reasons: [] });
 * // n1 has one more anomaly every day; n2 one bad day.
 * const list = [...Array.from({ length: 10 }, (_, d) => Array.from({ length: d }, () => a("n1", d))).flat(),
 *   ...Array.from({ length: 9 }, () => a("n2", 9))];
 * const trend = fleetTrend(list, { from: 0, until: 10 * D });
 * assert.deepEqual(trend.perBucket, [0, 1, 2, 3, 4, 5, 6, 7, 8, 18]);
 * assert.deepEqual(trend.worsening.map((s) => s.machine), ["n1"]);
 * ```
 */
export function fleetTrend(anomalies: readonly Anomaly[], options: FleetTrendOptions): FleetTrend {
  const { from, until, bucket = 86_400_000, alpha = 0.05, minAnomalies = 3 } = options;
  if (!(until >= from)) {
    throw new RangeError(`Cannot compute the fleet trend: until must be ≥ from, current value is ${until}`);
  }
  // shardSummary checks bucket, alpha and minAnomalies.
  const shards = shardSummary(anomalies, { from, until, bucket, alpha, minAnomalies });
  const n = Math.max(1, Math.ceil((until - from) / bucket));
  const perBucket = new Array<number>(n).fill(0);
  const shardSets = Array.from({ length: n }, () => new Set<string>());
  const byAggregator = new Map<string, number[]>();
  for (const a of anomalies) {
    if (a.start > until || a.end < from) continue;
    const b = Math.min(n - 1, Math.max(0, Math.floor((a.start - from) / bucket)));
    perBucket[b]++;
    shardSets[b].add(a.machine || a.series);
    let counts = byAggregator.get(a.aggregator);
    if (!counts) byAggregator.set(a.aggregator, counts = new Array<number>(n).fill(0));
    counts[b]++;
  }
  const aggregators: AggregatorTrend[] = [...byAggregator].map(([aggregator, counts]) => ({
    aggregator,
    anomalies: counts.reduce((x, y) => x + y, 0),
    perBucket: counts,
    trend: _round(slope(counts)),
    trendP: Number(mannKendall(counts).p.toFixed(6)),
  }));
  aggregators.sort((x, y) => y.anomalies - x.anomalies || x.aggregator.localeCompare(y.aggregator));
  return {
    buckets: Array.from({ length: n }, (_, i) => from + i * bucket),
    perBucket,
    shardsPerBucket: shardSets.map((s) => s.size),
    trend: _round(slope(perBucket)),
    trendP: Number(mannKendall(perBucket).p.toFixed(6)),
    aggregators,
    worsening: shards.filter((s) => s.worsening).sort((x, y) =>
      x.trendP - y.trendP || y.trend - x.trend || x.machine.localeCompare(y.machine)
    ),
  };
}

function _round(v: number): number {
  const r = Number(v.toFixed(4));
  return r === 0 ? 0 : r;
}
