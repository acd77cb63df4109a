/**
 * A fleet that keeps reporting: the points of generated series fed to carbon as the clock reaches them, so
 * Graphite's live edge stays at the current minute however long a test's `train` and `detect` take. A test that
 * feeds a corpus once and then queries `-72h` relative to a clock that runs on sees every series stop at the same
 * minute: a dropout of the whole fleet that grows while the test runs, which no live fleet shows.
 *
 * @module
 */
import type { Series } from "../../lib/series/types.ts";
import type { Graphite } from "./graphite.ts";

/** Options of {@link feedLive}. */
export interface FeedLiveOptions {
  /** The first time to feed, epoch ms (points before it are taken to be in Graphite already). */
  from: number;
  /** How often to look at the clock, ms. @default 1_000 */
  intervalMs?: number;
  /** The clock, epoch ms. @default Date.now */
  now?: () => number;
}

/** A running feed. */
export interface LiveFeed {
  /** Stops feeding; resolves with the points fed, once the feed in flight has been written. */
  stop(): Promise<number>;
}

/**
 * Feeds every present point of `series` at or after `from` once its time has come (`time ≤ now()`), checking the
 * clock every `intervalMs`; points past the series' end are never fed. A failed feed is retried at the next tick.
 *
 * @param graphite Where to feed (its plaintext receiver).
 * @param series Series on a regular grid, reaching past the clock.
 * @param options See {@link FeedLiveOptions}.
 * @returns The running feed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { feedLive } from "./feed_live.ts";
 * import type { Graphite } from "./graphite.ts";
 * const lines: string[] = [];
 * const graphite = { feed: async (l: Iterable<string>) => void lines.push(...l) } as unknown as Graphite;
 * let t = 120_000;
 * const s = { key: "a.b", labels: {}, start: 0, step: 60_000, values: Float64Array.of(1, 2, 3, NaN, 5) };
 * const feed = feedLive(graphite, [s], { from: 60_000, intervalMs: 1, now: () => (t += 60_000) });
 * await new Promise((r) => setTimeout(r, 50));
 * assert.equal(await feed.stop(), 3);
 * assert.deepEqual(lines, ["a.b 2 60", "a.b 3 120", "a.b 5 240"]);
 * ```
 */
export function feedLive(graphite: Graphite, series: readonly Series[], options: FeedLiveOptions): LiveFeed {
  const { from, intervalMs = 1_000, now = Date.now } = options;
  let next = from, fed = 0, stopped = false;
  let wake: () => void = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    const until = now();
    if (until < next) return;
    const lines: string[] = [];
    for (const s of series) {
      const i0 = Math.max(0, Math.ceil((next - s.start) / s.step));
      const i1 = Math.min(s.values.length - 1, Math.floor((until - s.start) / s.step));
      for (let i = i0; i <= i1; i++) {
        if (!Number.isNaN(s.values[i])) {
          lines.push(`${s.key} ${s.values[i]} ${(s.start + i * s.step) / 1000}`);
        }
      }
    }
    if (lines.length) await graphite.feed(lines);
    fed += lines.length;
    next = until + 1;
  };
  const loop = (async () => {
    while (!stopped) {
      try {
        await tick();
      } catch { /* carbon busy: the same points again at the next tick */ }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake();
      await loop;
      return fed;
    },
  };
}
