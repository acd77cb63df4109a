import type { Series } from "../series/types.ts";
import { medianOf } from "../series/robust.ts";

/** Options for {@link peerBaseline}. */
export interface PeerBaselineOptions {
  /** First time examined, epoch ms: the baseline is taken before it. */
  from: number;
  /** Last time examined (inclusive), epoch ms: the fallback's span ends here. */
  until: number;
  /** How far before `from` the baseline is taken from, ms. @default 14 days */
  history?: number;
}

const DAY = 86_400_000;
/** Fewer valid points than this before `from`: the baseline is the median over `[from, until]` instead. */
const MIN_BASELINE_POINTS = 10;

/**
 * A shard's level for the peer comparison ({@link peerOutliers}): the median of its valid values (negatives as
 * 0) over the `history` before `from`, on its own grid (its points from `t0 − floor(history / step)` steps to
 * before `t0`, `t0` its first point at or after `from`); with fewer than 10 valid points there, the median over
 * `[t0, until]`. A function of the series alone, so a partition computes it for its own shards and the merge
 * compares every shard with the whole fleet without the history (`peerOutliers`' `baselines`).
 *
 * @param series One shard's series, its history before `from` included.
 * @param options See {@link PeerBaselineOptions}.
 * @returns The baseline, `NaN` when the series has no valid point in either span.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peerBaseline } from "./peer_baseline.ts";
 * const values = Float64Array.from({ length: 48 }, (_, i) => (i < 24 ? 2 : 9));
 * const series = { key: "k", labels: {}, start: 0, step: 3_600_000, values };
 * assert.equal(peerBaseline(series, { from: 24 * 3_600_000, until: 47 * 3_600_000 }), 2);
 * ```
 */
export function peerBaseline(series: Series, options: PeerBaselineOptions): number {
  const { from, until, history = 14 * DAY } = options;
  const { start, step, values } = series;
  const phase = ((start % step) + step) % step;
  const t0 = Math.ceil((from - phase) / step) * step + phase;
  const off = Math.round((t0 - start) / step);
  const K = Math.floor((until - t0) / step) + 1;
  const buf = new Float64Array(
    Math.max(1, Math.min(values.length, Math.floor(history / step) + Math.max(0, K))),
  );
  let n = 0;
  for (let i = Math.max(0, off - Math.floor(history / step)); i < Math.min(off, values.length); i++) {
    const v = values[i];
    if (v === v) buf[n++] = v < 0 ? 0 : v;
  }
  if (n < MIN_BASELINE_POINTS) {
    n = 0;
    for (let k = Math.max(0, -off); k < K && off + k < values.length; k++) {
      const v = values[off + k];
      if (v === v) buf[n++] = v < 0 ? 0 : v;
    }
  }
  return medianOf(buf, n);
}
