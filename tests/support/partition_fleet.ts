/**
 * The fleet the partition tests split and merge: fleet-wide trouble that only the whole fleet shows.
 *
 * @module
 */
import { generateCorpus } from "../../lib/synth/generate.ts";
import type { Series } from "../../lib/series/types.ts";

const HOUR = 3_600_000;

/**
 * 24 shards × 2 aggregators (`A`, `B`), hourly, 18 days (seed 5); in the last day ten shards of A fall behind
 * together for 6 h (a fleet incident at `minShards: 4`, spread over every partition of four) and one shard of B
 * runs at 8× its level alone for 5 h (a peer outlier).
 *
 * @returns The series and the end of the data (epoch ms, one step after the last point).
 * @example
 * ```ts ignore
 * const { series, end } = partitionFleet();
 * ```
 */
export function partitionFleet(): { series: Series[]; end: number } {
  const corpus = generateCorpus({ shards: 24, days: 18, aggregators: ["A", "B"], seed: 5, cleanDays: 5 });
  const first = corpus.series[0];
  const end = first.start + first.values.length * first.step;
  const series = corpus.series.map((s, k) => {
    const values = s.values.slice();
    const shard = Math.floor(k / 2), agg = s.labels.aggregator;
    const times = (t0: number, t1: number, factor: number) => {
      for (let i = 0; i < values.length; i++) {
        const t = s.start + i * s.step;
        if (t >= end - t0 * HOUR && t < end - t1 * HOUR) values[i] *= factor;
      }
    };
    if (agg === "A" && shard < 10) times(12, 6, 6);
    if (agg === "B" && shard === 15) times(20, 15, 8);
    return { ...s, values };
  });
  return { series, end };
}
