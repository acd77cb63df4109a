import type { Series } from "../series/types.ts";
import { resample } from "../series/resample.ts";
import { formatNumber } from "../format/format_number.ts";
import { formatDuration } from "../format/format_duration.ts";
import { medianOf } from "../series/robust.ts";
import type { PeerOutlier } from "./types.ts";
import { peerBaseline } from "./peer_baseline.ts";

/** Options for {@link peerOutliers}. */
export interface PeerOutliersOptions {
  /** First time to examine, epoch ms; the points before it (within `history`) are each shard's baseline. */
  from: number;
  /** Last time to examine (inclusive), epoch ms. */
  until: number;
  /**
   * How far before `from` each shard's baseline (the median of its valid values) is taken from, ms. The baseline
   * assumes the shard was mostly normal then: a level shift over half of it would make the shard look off
   * afterwards, hence two weeks. A shard with fewer than 10 valid points there is normalised by its median over
   * `[from, until]` instead (then a shard off for more than half of that span is not seen).
   * @default 14 days
   */
  history?: number;
  /** Fewest other shards with data at a time for that time to be compared at all. @default 10 */
  minPeers?: number;
  /** Robust z (in peer MADs) at or beyond which a point is outlying. @default 6 */
  threshold?: number;
  /** Shortest episode reported, ms (from its first to its last outlying point, plus one step). @default 1 h */
  minDuration?: number;
  /**
   * Longest break inside an episode, ms: missing points, or points back under the threshold, that are bridged
   * (an episode still needs at least half of its valid points outlying).
   * @default 15 min
   */
  maxGap?: number;
  /**
   * Floor of the peers' spread, in natural-log units (0.1 ≈ ±10 %): a quiet fleet must not make ordinary noise
   * look like a huge z.
   * @default 0.1
   */
  minScale?: number;
  /** Which outliers: above the peers (more lag), below them, or both. @default "both" */
  direction?: "both" | "above" | "below";
  /**
   * Each shard's baseline by series key, computed earlier by {@link peerBaseline} with the same `from`, `until`
   * and `history` (a partition's, so the merge needs only the span examined); a shard not in it gets its own.
   * @default undefined (every baseline from the series)
   */
  baselines?: ReadonlyMap<string, number>;
}

/** The options as `_compare` and `_episodes` use them. */
type Settings = Required<Omit<PeerOutliersOptions, "baselines">>;

const MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

/**
 * Shards behaving unlike their peers: per aggregator, every shard is compared at every time with the other
 * shards of that aggregator at that same time — so a load everyone shares (the daily rhythm, a fleet-wide
 * slowdown) is not an outlier, and one shard drifting away while its peers stay normal is.
 *
 * Shards differ by an order of magnitude in level, so each is first normalised by its own baseline: `x = ln((v
 * + c) / (b + c))`, with `b` the shard's median over the `history` before `from` on its own grid
 * ({@link peerBaseline}) and `c` 1 % of the fleet's median baseline (it keeps zeros finite); negative values
 * count as 0. At each time with at least `minPeers`
 * other shards reporting, `z = (x − median) / max(1.4826 × MAD, minScale)` over the shards reporting.
 * Outlying points (`|z| ≥ threshold`, on one side) form episodes, bridging breaks up to `maxGap`; episodes
 * shorter than `minDuration` are dropped. A shard with no data at a time is not compared (missing data is
 * another detector's job). Series of one aggregator must share a step, or have finer steps that divide the
 * coarsest (they are averaged to it).
 *
 * @param series The fleet: series labelled with `machine` and `aggregator` (the key stands for a missing
 * `machine`; series without an `aggregator` label are compared with each other), including the history
 * before `from` when available.
 * @param options See {@link PeerOutliersOptions}.
 * @returns Episodes by start time, then series key; `z` is signed (> 0: above the peers), `observed` the
 * shard's median value over the episode and `expected` the value it would have had moving with its peers
 * (its baseline scaled by the peers' median change), also a median over the episode.
 * @throws {TypeError} When `series` is not an array.
 * @throws {RangeError} When an option is out of range, or steps within an aggregator do not divide each other.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { peerOutliers } from "./peer_outliers.ts";
 * const H = 3_600_000, step = 600_000, n = 48 * 6;
 * const series = Array.from({ length: 12 }, (_, s) => {
 *   const level = 0.005 * (1 + s); // levels from 0.005 to 0.06
 *   const values = Float64Array.from({ length: n }, (_, i) => level * (1 + 0.5 * Math.sin(i / 20) + 0.05 * Math.sin(i * (s + 1))));
 *   if (s === 3) for (let i = 30 * 6; i < 33 * 6; i++) values[i] *= 8; // shard 3 lags alone for 3 h
 *   return { key: `m${s}.A`, labels: { machine: `m${s}`, aggregator: "A" }, start: 0, step, values };
 * });
 * const [outlier, ...none] = peerOutliers(series, { from: 24 * H, until: 48 * H });
 * assert.equal(none.length, 0);
 * assert.equal(outlier.machine, "m3");
 * assert.deepEqual([outlier.start, outlier.end], [30 * H, 33 * H - step]);
 * ```
 */
export function peerOutliers(series: readonly Series[], options: PeerOutliersOptions): PeerOutlier[] {
  const {
    from,
    until,
    history = 14 * DAY,
    minPeers = 10,
    threshold = 6,
    minDuration = HOUR,
    maxGap = 15 * MINUTE,
    minScale = 0.1,
    direction = "both",
    baselines,
  } = options ?? {};
  const fail = (detail: string, value: unknown): never => {
    throw new RangeError(`Cannot find peer outliers: ${detail}, current value is ${value}`);
  };
  if (!Array.isArray(series)) {
    throw new TypeError(
      `Cannot find peer outliers: series must be an array, current value is ${typeof series}`,
    );
  }
  if (!Number.isFinite(from)) fail("from must be a time in epoch ms", from);
  if (!Number.isFinite(until) || until < from) fail("until must be a time in epoch ms ≥ from", until);
  if (!(history >= 0)) fail("history must be ≥ 0 ms", history);
  if (!Number.isInteger(minPeers) || minPeers < 2) fail("minPeers must be an integer ≥ 2", minPeers);
  if (!(threshold > 0 && Number.isFinite(threshold))) fail("threshold must be > 0", threshold);
  if (!(minDuration >= 0)) fail("minDuration must be ≥ 0 ms", minDuration);
  if (!(maxGap >= 0)) fail("maxGap must be ≥ 0 ms", maxGap);
  if (!(minScale > 0 && Number.isFinite(minScale))) fail("minScale must be > 0", minScale);
  if (!["both", "above", "below"].includes(direction)) {
    fail(`direction must be "both", "above" or "below"`, direction);
  }

  const groups = new Map<string, Series[]>();
  for (const s of series) {
    const aggregator = s.labels.aggregator ?? "";
    let list = groups.get(aggregator);
    if (!list) groups.set(aggregator, list = []);
    list.push(s);
  }
  const out: PeerOutlier[] = [];
  for (const [aggregator, list] of groups) {
    // The aggregator's step is its most common one; a series on a step that does not divide it (a whisper file
    // from before a storage-schema change) is left out of the comparison rather than failing the fleet.
    const counts = new Map<number, number>();
    for (const s of list) counts.set(s.step, (counts.get(s.step) ?? 0) + 1);
    const common = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
    const step = Math.max(
      common,
      ...list.filter((s) => s.step > 0 && common % s.step === 0).map((s) => s.step),
    );
    const usable = list.filter((s) => s.step > 0 && step % s.step === 0);
    if (usable.length < minPeers + 1) continue;
    const grid = usable.map((s) => resample(s, step));
    const levels = Float64Array.from(
      usable,
      (s) => baselines?.get(s.key) ?? peerBaseline(s, { from, until, history }),
    );
    _compare(aggregator, grid, levels, out, {
      from,
      until,
      history,
      minPeers,
      threshold,
      minDuration,
      maxGap,
      minScale,
      direction,
    });
  }
  return out.sort((a, b) => a.start - b.start || (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
}

/** Compares the shards of one aggregator (all on one step) and appends their episodes to `out`. */
function _compare(
  aggregator: string,
  list: readonly Series[],
  baselines: Float64Array,
  out: PeerOutlier[],
  o: Settings,
): void {
  const step = list[0].step;
  // The evaluation grid: times t0 + k × step within [from, until], on the first series' phase.
  const phase = ((list[0].start % step) + step) % step;
  const t0 = Math.ceil((o.from - phase) / step) * step + phase;
  const K = Math.floor((o.until - t0) / step) + 1;
  if (K <= 0) return;
  const S = list.length;
  // Per shard: its offset on the grid, then its normalised values (NaN where missing).
  const offsets = Int32Array.from(list, (s) => Math.round((t0 - s.start) / step));
  const buf = new Float64Array(S);
  let positives = 0;
  for (let j = 0; j < S; j++) if (baselines[j] > 0) buf[positives++] = baselines[j];
  const c = positives ? 0.01 * medianOf(buf, positives) : 1;
  const x = new Float64Array(S * K).fill(NaN); // shard-major: x[j * K + k]
  for (let j = 0; j < S; j++) {
    const { values } = list[j];
    const off = offsets[j], b = baselines[j];
    if (b !== b) continue; // no data at all
    const inv = 1 / (b + c);
    const row = j * K;
    for (let k = Math.max(0, -off), end = Math.min(K, values.length - off); k < end; k++) {
      const v = values[off + k];
      if (v === v) x[row + k] = Math.log(((v < 0 ? 0 : v) + c) * inv);
    }
  }
  // Per time: the median and the floored MAD across the shards reporting; z replaces x in place.
  const z = x;
  const centre = new Float64Array(K).fill(NaN);
  const reporting = new Int32Array(K);
  const col = new Float64Array(S);
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let j = 0; j < S; j++) {
      const v = x[j * K + k];
      if (v === v) col[n++] = v;
    }
    reporting[k] = n;
    if (n - 1 < o.minPeers) {
      for (let j = 0; j < S; j++) z[j * K + k] = NaN;
      continue;
    }
    const med = medianOf(col, n);
    for (let i = 0; i < n; i++) col[i] = Math.abs(col[i] - med);
    const scale = Math.max(1.4826 * medianOf(col, n), o.minScale);
    centre[k] = med;
    for (let j = 0; j < S; j++) {
      const v = x[j * K + k];
      if (v === v) z[j * K + k] = (v - med) / scale;
    }
  }
  const gap = Math.floor(o.maxGap / step);
  for (let j = 0; j < S; j++) {
    _episodes(z, j * K, K, gap, o, (first, last) => {
      const duration = (last - first + 1) * step;
      if (duration < o.minDuration) return;
      const s = list[j];
      let peak = 0, peakAt = first, n = 0;
      const observed = new Float64Array(last - first + 1), expected = new Float64Array(last - first + 1);
      const peers = new Float64Array(last - first + 1);
      for (let k = first; k <= last; k++) {
        const zk = z[j * K + k];
        if (zk !== zk) continue;
        if (Math.abs(zk) > Math.abs(peak)) [peak, peakAt] = [zk, k];
        const v = s.values[offsets[j] + k];
        observed[n] = v < 0 ? 0 : v;
        expected[n] = Math.max(0, (baselines[j] + c) * Math.exp(centre[k]) - c);
        peers[n++] = reporting[k] - 1;
      }
      const start = t0 + first * step, end = t0 + last * step;
      const obs = _round(medianOf(observed, n)), exp = _round(medianOf(expected, n));
      const peerCount = Math.round(medianOf(peers, n));
      const machine = s.labels.machine ?? s.key;
      const ratio = exp > 0 ? `×${_fmt(obs / exp)}` : "unlike";
      out.push({
        machine,
        aggregator,
        series: s.key,
        start,
        end,
        timestamp: new Date(start).toISOString(),
        peakAt: t0 + peakAt * step,
        z: _round(peak),
        observed: obs,
        expected: exp,
        peers: peerCount,
        detail: `${machine} at ${_fmt(obs)} vs ${_fmt(exp)} expected from its ${peerCount} peers (${ratio} ` +
          `their level, robust z ${_fmt(peak)}) for ${_hours(duration)}`,
      });
    });
  }
}

/**
 * Calls `emit(first, last)` for every episode of one shard's z row: points with `|z| ≥ threshold` on one
 * side, breaks of up to `gap` points bridged, at least half of the valid points in the episode outlying.
 */
function _episodes(
  z: Float64Array,
  row: number,
  K: number,
  gap: number,
  o: Settings,
  emit: (first: number, last: number) => void,
): void {
  const { threshold, direction } = o;
  const up = direction !== "below", down = direction !== "above";
  let first = -1, last = -1, sign = 0, hits = 0;
  const close = () => {
    if (first < 0) return;
    let valid = 0;
    for (let k = first; k <= last; k++) if (z[row + k] === z[row + k]) valid++;
    if (2 * hits >= valid) emit(first, last);
    first = -1;
  };
  for (let k = 0; k < K; k++) {
    const v = z[row + k];
    const s = up && v >= threshold ? 1 : down && v <= -threshold ? -1 : 0;
    if (s === 0) continue;
    if (first >= 0 && s === sign && k - last - 1 <= gap) {
      last = k;
      hits++;
      continue;
    }
    close();
    first = last = k;
    sign = s;
    hits = 1;
  }
  close();
}

function _round(v: number): number {
  return Number(v.toPrecision(4));
}

const _fmt = (v: number) => formatNumber(v);
const _hours = (ms: number) => formatDuration(ms);
