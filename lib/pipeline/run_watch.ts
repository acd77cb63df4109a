import { type Config, isLive } from "../sources/config.ts";
import { noPartition } from "./_no_partition.ts";
import type { Model } from "../model/schema.ts";
import type { Sink } from "../alerts/types.ts";
import { type CycleFindings, type CycleLog, memory, runWatchCycle } from "./run_watch_cycle.ts";
import type { WriteBack } from "./write_back.ts";
import { historyCache } from "./history_cache.ts";
import { parseDurationMs } from "../series/parse_duration.ts";
import { openDetectPool } from "../detect/detect_pool.ts";
import { detectWorkers } from "./detect_workers.ts";

/** How the caller stops a running watch (e.g. from a signal handler): set `stopping`, call `wake`. */
export interface WatchControl {
  /** Stop after the current cycle (or now, between cycles). */
  stopping: boolean;
  /** Whether a cycle is running (set by the loop). */
  inCycle: boolean;
  /** Cuts the current wait short (set by the loop while it waits). */
  wake?: () => void;
}

/** Options for {@link runWatch}. */
export interface RunWatchOptions {
  /** A loaded model. @default none: a replay trains on the history before the first window, once */
  model?: Model;
  /** Where alerts go. */
  sinks: readonly Sink[];
  /** The alert state file. */
  statePath: string;
  /** Time between cycles, ms; 0 runs them back to back. */
  interval: number;
  /** Stop after this many cycles. @default Infinity */
  maxCycles?: number;
  /** Replay only: the virtual clock's first "now" (e.g. `now-3d`), moved by `interval` each cycle up to the end of the data. @default undefined */
  start?: string;
  /** The wall clock, epoch ms (a live source's "now"). */
  clock: () => number;
  /** Grafana's token. @default undefined */
  token?: string;
  /** The configuration as recorded in the findings (no secrets). @default the config */
  record?: unknown;
  /** Stopping from outside. @default never stopped */
  control?: WatchControl;
  /** After every cycle: its log (with its duration) and, when it succeeded, its findings. */
  onCycle?: (log: CycleLog, findings?: CycleFindings) => Promise<void> | void;
  /** Lines for people: failed deliveries. @default none */
  print?: (line: string) => void;
  /** Lines about the loop itself: backoff while the source fails. @default none */
  warn?: (line: string) => void;
  /**
   * Write each cycle's new points back to carbon (the first cycle its whole window). The caller opens it and
   * closes it after the loop; a stalled carbon never holds a cycle. @default undefined
   */
  writeBack?: WriteBack;
  /**
   * A live source: keep each series' points across cycles and fetch only the new ones, with the config's
   * `overlap` before them (`historyCache`); false fetches the whole range every cycle. @default true
   */
  incremental?: boolean;
  /**
   * A directory where the kept series survive a restart (`historyCache`'s `cache`): a restarted watch fetches
   * only what is new since it stopped. The file is rewritten at most every {@link CACHE_SAVE_EVERY} of the
   * watch's clock, and when the watch stops. @default the config's `cache` (none: kept in memory only)
   */
  cache?: string;
}

/**
 * The least time between two writes of a watch's cache file. Each write is the whole history (1.85 GB and 4.8 s
 * for 10 000 series × 16 days at 1 minute), while a restart reading an older file only fetches the minutes it
 * lacks: written every 15 minutes (and at a stop), a restart after a crash fetches at most 15 minutes more.
 */
export const CACHE_SAVE_EVERY = 15 * 60_000;

const sleepUnless = (ms: number, control: WatchControl) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      control.wake = undefined;
      resolve();
    }
    control.wake = done;
  });

/** A failed cycle's log. */
const failedLog = (cycle: number, now: number, ms: number, error: string): CycleLog => ({
  cycle,
  now: new Date(now).toISOString(),
  ms,
  asked: 0,
  answered: 0,
  failed: 0,
  scored: 0,
  skipped: {},
  anomalies: 0,
  incidents: 0,
  peers: 0,
  sent: 0,
  held: 0,
  suppressed: 0,
  deliveryErrors: 0,
  ...memory(),
  error,
});

/**
 * The watch loop: one {@link runWatchCycle} every `interval` until `maxCycles` or `control.stopping`. A cycle
 * that fails against a live source is logged and retried with backoff (doubling from the interval, at least 1 s,
 * at most 4× the interval or 30 s); files that cannot be read on the first cycle are a mistake and throw. A
 * replay from `start` runs its virtual clock as fast as it can, to the end of the data. A live source's series
 * are kept across cycles ({@link historyCache}): after the first, a cycle fetches only the new points and the
 * config's `overlap` before them (Graphite may fill late points), and scores what it keeps as a full fetch would.
 *
 * @param config A parsed config.
 * @param options See {@link RunWatchOptions}.
 * @returns The last cycle's exit code: 0, 2 when some series failed, 1 when none answered or nothing was scored.
 * @throws {RangeError} When `maxCycles` is not a whole number ≥ 1, or `start` is given with no interval.
 * @throws {TypeError} When `start` is given for a live source.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runWatch } from "./run_watch.ts";
 * import { parseConfig } from "../sources/config.ts";
 * const config = parseConfig({ source: "replay", data: [new URL("../../data", import.meta.url).pathname] }, "inline");
 * const dir = await Deno.makeTempDir();
 * const logs: number[] = [];
 * const code = await runWatch(config, { sinks: [], statePath: `${dir}/s.json`, interval: 3_600_000, start: "now-2h",
 *   clock: () => 0, onCycle: (log) => void logs.push(log.cycle) });
 * assert.equal(code, 0);
 * assert.deepEqual(logs, [1, 2, 3]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runWatch(config: Config, options: RunWatchOptions): Promise<number> {
  const {
    sinks,
    statePath,
    interval,
    maxCycles = Infinity,
    start,
    clock,
    print = () => {},
    warn = () => {},
    incremental = true,
  } = options;
  noPartition(config);
  const control = options.control ?? { stopping: false, inCycle: false };
  const live = isLive(config);
  if (!(maxCycles >= 1) || (Number.isFinite(maxCycles) && !Number.isInteger(maxCycles))) {
    throw new RangeError(`Cannot watch: --cycles must be a whole number ≥ 1, current value is ${maxCycles}`);
  }
  if (start && live) {
    throw new TypeError(`Cannot watch: --start replays files; a live source's clock is the real one`);
  }
  if (start && !(interval > 0)) {
    throw new RangeError(
      `Cannot watch: --start moves the replay clock by the interval each cycle, so it must be > 0, current value is ${interval}`,
    );
  }
  let model = options.model;
  let replayNow: number | undefined; // start: the virtual "now"
  let lastCode = 0, failures = 0;
  let written: number | undefined; // where the next cycle's band begins (the write-back's new points)
  const history = live && incremental
    ? historyCache(config, {
      overlap: config.overlap ? parseDurationMs(config.overlap) : undefined,
      cache: options.cache ?? config.cache,
      saveEvery: CACHE_SAVE_EVERY,
      warn,
    })
    : undefined;
  const workers = detectWorkers(config);
  const pool = workers > 1 ? openDetectPool(workers) : undefined;
  try {
    for (let cycle = 1; cycle <= maxCycles && !control.stopping; cycle++) {
      control.inCycle = true;
      const t0 = performance.now();
      try {
        const until = replayNow !== undefined ? new Date(replayNow).toISOString() : start;
        const out = await runWatchCycle(config, {
          model,
          until,
          now: live ? clock() : undefined,
          sinks,
          statePath,
          cycle,
          token: options.token,
          record: options.record,
          print,
          writeBack: options.writeBack && { to: options.writeBack, since: written },
          history,
          pool,
        });
        model ??= out.model;
        // The band from a few steps before the last cycle's end: the write-back itself starts each series after
        // the last point it wrote, and a point still empty at the live edge then is written once it has a value.
        written = out.until - 3 * out.model.trainedOn.step;
        if (start) {
          replayNow = out.until + interval;
          if (out.until >= out.end) control.stopping = true; // the replay reached the end of the data
        }
        const log = { ...out.log, ms: Math.round(performance.now() - t0) };
        // Nothing scored although series answered (e.g. a model for another step) is a failure too.
        const none = (log.asked > 0 && log.answered === 0) || (log.answered > 0 && log.scored === 0);
        lastCode = none ? 1 : log.failed > 0 ? 2 : 0;
        failures = lastCode === 1 ? failures + 1 : 0;
        control.inCycle = false;
        await options.onCycle?.(log, out.findings);
      } catch (err) {
        // Files that cannot be read on the first cycle are a mistake, not an outage.
        if (!live && cycle === 1) throw err;
        failures++;
        lastCode = 1;
        control.inCycle = false;
        await options.onCycle?.(
          failedLog(cycle, clock(), Math.round(performance.now() - t0), (err as Error).message),
        );
      }
      if (cycle >= maxCycles || control.stopping) break;
      const wait = failures > 0
        ? Math.min(Math.max(4 * interval, 30_000), Math.max(interval, 1000) * 2 ** (failures - 1))
        : start
        ? 0
        : interval;
      if (failures > 0) warn(`source failing (${failures}×): next try in ${Math.round(wait / 1000)} s`);
      await sleepUnless(wait, control);
    }
    return lastCode;
  } finally {
    pool?.close();
    await history?.flush();
  }
}
