import type { Config } from "../sources/config.ts";
import { fetchSource, type SourceRun } from "../sources/fetch_source.ts";
import { machineNames } from "../sources/machines.ts";
import { compileTemplate } from "../series/template.ts";
import type { Series } from "../series/types.ts";
import { join } from "node:path";
import { readHistoryFile } from "./_read_history_file.ts";
import { writeHistoryFile } from "./_write_history_file.ts";
import { derivedOf } from "../series/derived.ts";

/** What the last {@link HistoryCache.fetch} did, for the cycle log and the benchmark. */
export interface HistoryCacheStats {
  /** Whether it fetched the whole range (the first cycle, or a series that has never answered). */
  full: boolean;
  /** The start of the range it asked the source for, epoch ms. */
  fetchedFrom: number;
  /** Points the source returned. */
  fetchedPoints: number;
  /** Series kept in memory, and their points. */
  keptSeries: number;
  keptPoints: number;
  /** With a `cache` directory: series read from its file by this fetch (the first after a start), bytes written
   * to it after this fetch, and how long writing took, ms. */
  cachedSeries?: number;
  savedBytes?: number;
  saveMs?: number;
}

/** The series a watch keeps across cycles; see {@link historyCache}. */
export interface HistoryCache {
  /**
   * The configured series over (`from`, `until`] as one fetch of that range returns them, asking the source only
   * for what is new since the last call (and the overlap before it).
   *
   * @param from Start of the range (window and history), epoch ms; points at or before it are dropped.
   * @param until End of the range ("now"), epoch ms.
   * @param options Grafana's token; an injectable fetch; `onBatch`, called with each answer as it arrives when the
   *   whole range is fetched (the first time: those series are what is returned), never for an increment.
   * @returns The series that answered this time (a series that failed is left out, as a fresh fetch would,
   *   its kept points wait for the next call), and what the source answered. Their values are the cache's own
   *   arrays, valid until the next call, which may shift them in place: copy what must outlive a cycle.
   */
  fetch(
    from: number,
    until: number,
    options?: RangeFetchOptions,
  ): Promise<{ series: Series[]; run: SourceRun }>;
  /**
   * With a `cache` directory, writes the file now if a fetch since the last write has not been written (with
   * `saveEvery`, a watch stopping); otherwise nothing. A file that cannot be written is a warning.
   */
  flush(): Promise<void>;
  /** What the last fetch did. */
  readonly stats: HistoryCacheStats;
}

/** What {@link HistoryCache.fetch} and a {@link RangeFetch} take besides the range. */
export interface RangeFetchOptions {
  /** Grafana's token. @default undefined */
  token?: string;
  /** Injectable fetch, for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Each answer's series as they arrive (see `fetchSource`). @default undefined */
  onBatch?: (series: Series[]) => void;
}

/**
 * A fetch of the configured fleet over a range (a test's fake source). The arrays it answers with are handed
 * over: the cache may keep them and shift them in place later, so a source makes them for each answer.
 */
export type RangeFetch = (
  from: number,
  until: number,
  options: RangeFetchOptions,
) => Promise<{ series: Series[]; run: SourceRun }>;

/** Options for {@link historyCache}. */
export interface HistoryCacheOptions {
  /**
   * How far before each series' last fetched point to fetch again, ms: Graphite may fill late points, which
   * then replace what was kept. @default the config's `overlap`, else 3 steps of the series
   */
  overlap?: number;
  /** The source. @default fetchSource(config, { from, until, token, fetch }) */
  source?: RangeFetch;
  /**
   * A directory where the kept series survive a restart: one file per source and fleet, read by the first
   * fetch (so a restarted watch fetches only what is new since it stopped, and the overlap) and rewritten
   * atomically after each fetch. A file that cannot be used (corrupt, another format version, another source)
   * is a warning, and the whole range is fetched. @default undefined (kept in memory only)
   */
  cache?: string;
  /**
   * With `cache`: the least time between two writes of the file, on the fetches' clock (their `until`), ms; a
   * fetch sooner after the last write keeps its points in memory only (`flush` writes them). A restart reads
   * the last file written and fetches from where it ends, so this bounds what a restart after a crash fetches
   * again, never what it returns. @default 0 (after every fetch: a process that runs once, `detect`)
   */
  saveEvery?: number;
  /** Lines about the cache file: one that cannot be read or written. @default none */
  warn?: (line: string) => void;
}

/** A source's answer for a series that says "nothing here" rather than "could not ask". */
const EMPTY = new Set(["no-data", "all-null"]);

/** The range a render request covers: points t with floor(from / 1 s) < t ≤ floor(until / 1 s), in ms. */
const seconds = (t: number) => Math.floor(t / 1000) * 1000;

interface Entry {
  /** Kept points (undefined: none yet). */
  series?: Series;
  /** The source has answered for this series up to here (its points after it are not known yet). */
  known: number;
}

/**
 * Keeps what a live watch has fetched: each series' points in memory across cycles. Each
 * {@link HistoryCache.fetch} asks the source only from the earliest series' last answered time, less an `overlap`
 * (Graphite may fill late points: those re-fetched overwrite what was kept), appends the answer and drops the
 * points before `from` (the lookback and history the model needs), so a cycle fetches minutes instead of 15 days.
 * What it returns equals what one fetch of (`from`, `until`] would return when the source has not changed
 * earlier than the overlap, so the (causal) detectors score it the same.
 *
 * - A series that answers "nothing" (`no-data`, `all-null`) is known to be empty there: it keeps its history
 *   and is returned with `NaN` up to `until`, as a fresh fetch would return it; with no finite point left in the
 *   range it is a failure, as in a fresh fetch.
 * - A series whose request failed (timeout, HTTP error, …) keeps its points and is left out this time; the next
 *   fetch starts early enough to fill its gap.
 * - A series never answered yet makes the fetch cover the whole range (new or returning series get their
 *   history); a series whose step changes (a coarser archive) is fetched whole again next time.
 * - With a `cache` directory, the kept series are written to a file there after every fetch and read back by
 *   the first fetch of a new process: a restarted watch fetches only what is new since it stopped (with the
 *   overlap). A file that cannot be used is a warning and a fetch of the whole range, never wrong data.
 *
 * @param config A parsed config (the fleet: machines × aggregators).
 * @param options See {@link HistoryCacheOptions}.
 * @returns The cache; call `fetch(from, until)` once per cycle.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { historyCache } from "./history_cache.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "graphite", url: "http://g", machines: ["m"], aggregators: ["a"],
 *   template: "{machine}.{aggregator}" }, "inline");
 * const asked: number[] = [];
 * const cache = historyCache(config, {
 *   source: (from, until) => {
 *     asked.push(from);
 *     const start = (Math.floor(from / 60_000) + 1) * 60_000, n = Math.floor(until / 60_000) - start / 60_000 + 1;
 *     const values = Float64Array.from({ length: n }, (_, i) => start / 60_000 + i);
 *     const run = { source: "fake", from: "", until: "", asked: 1, answered: 1, failed: 0, failures: [], requests: 1 };
 *     return Promise.resolve({ series: [{ key: "m.a", labels: {}, start, step: 60_000, values }], run });
 *   },
 * });
 * await cache.fetch(0, 600_000);
 * const { series } = await cache.fetch(60_000, 660_000);
 * assert.deepEqual(asked, [0, 420_000]); // the second fetch: from 10 min less 3 steps
 * assert.deepEqual([...series[0].values], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
 * ```
 */
export function historyCache(config: Config, options: HistoryCacheOptions = {}): HistoryCache {
  const source: RangeFetch = options.source ??
    ((from, until, o) =>
      fetchSource(config, { from, until, token: o.token, fetch: o.fetch, onBatch: o.onBatch }));
  const t = compileTemplate(config.template);
  const keys = machineNames(config.machines, config.partition).flatMap((machine) =>
    config.aggregators.map((aggregator) => t.render({ machine, aggregator }))
  );
  const entries = new Map<string, Entry>(keys.map((k) => [k, { known: -Infinity }]));
  const { warn = () => {} } = options;
  // What the kept series are of: a file of another source, template or resolution is not read back.
  const fingerprint = JSON.stringify([
    config.source,
    config.url ?? "",
    config.datasourceUid ?? "",
    config.template,
    config.step,
    config.family,
  ]);
  const file = options.cache === undefined
    ? undefined
    : join(options.cache, `history-${fnv1a(fingerprint)}.bin`);
  let unread = file !== undefined;
  const saveEvery = options.saveEvery ?? 0;
  /** The `until` of the fetch last written to the file (or of the file read back), and of the last fetch. */
  let savedUntil = -Infinity, lastUntil = -Infinity;
  const save = async (until: number) => {
    const t0 = performance.now();
    const kept = [...entries.values()].filter((e) => e.series).map((e) => ({
      series: e.series!,
      known: e.known,
    }));
    try {
      stats.savedBytes = await writeHistoryFile(file!, kept, fingerprint);
      savedUntil = until;
    } catch (err) {
      warn(
        `Cannot write the history cache ${file}: ${
          (err as Error).message
        }, current value is ${kept.length} ` +
          `series; kept in memory, a restart fetches what the last file written lacks (without one, the whole range)`,
      );
    }
    stats.saveMs = performance.now() - t0;
  };
  const overlapOf = (e: Entry) => options.overlap ?? 3 * (e.series?.step ?? 60_000);
  let stats: HistoryCacheStats = {
    full: true,
    fetchedFrom: NaN,
    fetchedPoints: 0,
    keptSeries: 0,
    keptPoints: 0,
  };
  return {
    get stats() {
      return stats;
    },
    async flush() {
      if (file && lastUntil > savedUntil) await save(lastUntil);
    },
    async fetch(from, until, o = {}) {
      let cachedSeries: number | undefined;
      if (unread && file) {
        unread = false;
        const read = await readHistoryFile(file, fingerprint);
        if (read.warning) warn(read.warning);
        cachedSeries = 0;
        for (const [key, kept] of read.entries) {
          const e = entries.get(key);
          if (!e) continue; // no longer in the fleet
          e.series = kept.series;
          e.known = kept.known;
          cachedSeries++;
          // The file holds these points already: with `saveEvery`, the next write is due that long after them.
          savedUntil = Math.max(savedUntil, kept.known);
        }
      }
      let start = Infinity;
      for (const e of entries.values()) start = Math.min(start, e.known - overlapOf(e));
      const full = !(start > from);
      start = full ? from : start;
      // Nothing is changed before the source has answered: a fetch that throws leaves the cache as it was.
      const got = await source(start, until, full ? o : { token: o.token, fetch: o.fetch });
      const answered = new Map(got.series.map((s) => [s.key, s]));
      const failures = new Map(got.run.failures.map((f) => [f.series, f]));
      const lo = seconds(start), hi = seconds(until), keep = seconds(from);
      let fetchedPoints = 0;
      for (const s of got.series) fetchedPoints += s.values.length;
      const series: Series[] = [];
      const left: SourceRun["failures"] = [];
      let keptSeries = 0, keptPoints = 0;
      for (const [key, e] of entries) {
        const fresh = answered.get(key), failure = failures.get(key);
        const spoke = fresh !== undefined || (failure !== undefined && EMPTY.has(failure.kind));
        if (spoke) {
          // The source spoke for (lo, hi]: what it gave replaces what was kept there, the rest is NaN.
          if (
            fresh && e.series && (fresh.step !== e.series.step || (fresh.start - e.series.start) % fresh.step)
          ) {
            e.series = fresh; // another archive: start again from this answer, and fetch the whole range next time
            e.known = -Infinity;
          } else {
            e.series = merge(e.series, fresh, lo, hi, keep);
            e.known = until;
          }
        } else if (e.series && e.series.start + (e.series.values.length - 1) * e.series.step <= keep) {
          e.series = undefined; // failing for longer than the range: nothing of it is still needed
        }
        if (e.series) {
          keptSeries++;
          keptPoints += e.series.values.length;
        }
        const out = spoke ? e.series : undefined;
        if (out && out.values.some((v) => !Number.isNaN(v))) {
          series.push(out);
        } else if (failure) {
          left.push(failure);
        } else if (out) {
          left.push({ series: key, kind: "all-null", reason: "no value in the range kept" });
        }
      }
      stats = { full, fetchedFrom: start, fetchedPoints, keptSeries, keptPoints };
      if (cachedSeries !== undefined) stats.cachedSeries = cachedSeries;
      lastUntil = until;
      if (file && !(until - savedUntil < saveEvery)) await save(until);
      const run: SourceRun = {
        ...got.run,
        answered: series.length,
        failed: got.run.asked - series.length,
        failures: left,
      };
      return { series, run };
    },
  };
}

/** A short hex digest of a string (FNV-1a, 32 bits): a file name for a fingerprint. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The kept series with the source's answer for (lo, hi] written over it (NaN where the answer has no point),
 * extended to hi and cropped to after `keep`.
 */
function merge(
  kept: Series | undefined,
  fresh: Series | undefined,
  lo: number,
  hi: number,
  keep: number,
): Series | undefined {
  const base = kept ?? fresh;
  if (!base) return undefined;
  const { step } = base;
  const phase = ((base.start % step) + step) % step;
  // The first grid point after t, and the last at or before t.
  const after = (t: number) => Math.floor((t - phase) / step) * step + phase + step;
  const atOrBefore = (t: number) => Math.floor((t - phase) / step) * step + phase;
  // A fresh fetch starts at the first point of the range, NaN or not; kept points start there once cropped.
  const first = Math.max(after(keep), kept ? Math.min(kept.start, fresh?.start ?? Infinity) : -Infinity);
  const last = Math.max(atOrBefore(hi), fresh ? fresh.start + (fresh.values.length - 1) * step : -Infinity);
  const n = Math.max(0, Math.round((last - first) / step) + 1);
  // A first answer that is the whole range, in an array of its own, is kept as it is (a first cycle of 10 000
  // series at 1 minute held 1.85 GB of answers and 1.85 GB of copies of them until the collector came by).
  if (
    !kept && fresh && fresh.start === first && fresh.values.length === n && fresh.values.byteOffset === 0 &&
    fresh.values.byteLength === fresh.values.buffer.byteLength
  ) {
    return fresh;
  }
  // A range that slid forward keeps its length: the kept array is reused (shifted in place), so a cycle does
  // not allocate a second copy of everything it keeps. Nothing derived from the old contents may survive.
  const reuse = kept !== undefined && kept.values.length === n && first >= kept.start;
  const values = reuse ? kept.values : new Float64Array(n);
  if (reuse) derivedOf(values).clear();
  let k = 0, m = 0; // the kept points land in values[k .. k + m)
  if (kept) {
    // Kept points inside the new range up to lo (the source has just answered for what follows).
    const keptEnd = kept.start + (kept.values.length - 1) * step;
    const from = Math.max(first, kept.start), to = Math.min(last, keptEnd, atOrBefore(lo));
    if (to >= from) {
      const k0 = Math.round((from - kept.start) / step), k1 = Math.round((to - kept.start) / step);
      k = Math.round((from - first) / step);
      m = k1 - k0 + 1;
      if (reuse) values.copyWithin(k, k0, k1 + 1); // k ≤ k0: moving towards the start
      else values.set(kept.values.subarray(k0, k1 + 1), k);
    }
  }
  values.fill(NaN, 0, k);
  values.fill(NaN, k + m);
  if (fresh) {
    for (let i = 0; i < fresh.values.length; i++) {
      const j = Math.round((fresh.start + i * step - first) / step);
      if (j >= 0 && j < n) values[j] = fresh.values[i];
    }
  }
  return { ...(fresh ?? base), start: first, values };
}
