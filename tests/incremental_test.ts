/**
 * End-to-end: a watch's incremental cycles (lib/pipeline/history_cache.ts) against a real Graphite give the same
 * series and the same anomalies as a full fetch of the same range — with a point filled late at the edge (picked
 * up by the overlap) and a cycle during which graphite-web is away (its gap filled at the next one); and a watch
 * restarted with its on-disk cache (`cache` directory) fetches only what is new, with the same result.
 */
import assert from "node:assert/strict";
import { generateCorpus } from "../lib/synth/generate.ts";
import { PRESENCE_AGGREGATORS } from "../lib/presence.ts";
import { parseConfig } from "../lib/sources/config.ts";
import { runDetection } from "../lib/pipeline/run_detection.ts";
import { historyCache } from "../lib/pipeline/history_cache.ts";
import type { Series } from "../lib/series/types.ts";
import { fleetModel } from "./support/fleet_model.ts";
import { requireGraphiteOrSkip, startGraphite } from "./support/graphite.ts";

const HOUR = 3_600_000, MIN = 60_000;

Deno.test({
  name:
    "watch's incremental cycles against a real Graphite equal a full fetch: late points, an outage, a restart with the on-disk cache",
  ...requireGraphiteOrSkip(),
  async fn() {
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    // 5 shards × 6 aggregators × 50 h at 60 s (the range is 24 h + 25 h).
    const corpus = generateCorpus({ shards: 5, days: 50 / 24, step: MIN, end, seed: 12, weekly: false });
    const model = fleetModel(end);
    const graphite = await startGraphite();
    const fed = new Map<string, number>(corpus.series.map((s) => [s.key, 0]));
    /** Feeds the corpus's points in (from, until] of the series `only` picks, but the one at `hold` (key → time),
     * and waits until carbon has written them. */
    const feed = async (
      from: number,
      until: number,
      hold = new Map<string, number>(),
      only = (_: string) => true,
    ) => {
      const lines: string[] = [];
      for (const s of corpus.series.filter((s) => only(s.key))) {
        for (let i = 0; i < s.values.length; i++) {
          const t = s.start + i * s.step;
          if (t <= from || t > until || Number.isNaN(s.values[i]) || hold.get(s.key) === t) continue;
          lines.push(`${s.key} ${s.values[i]} ${t / 1000}`);
          fed.set(s.key, fed.get(s.key)! + 1);
        }
      }
      await graphite.feed(lines);
      await graphite.waitForFlush(fed);
    };
    try {
      const config = parseConfig({
        source: "graphite",
        url: graphite.url,
        machines: [...new Set(corpus.series.map((s) => s.labels.machine))],
        aggregators: [...PRESENCE_AGGREGATORS],
        lookback: "24h",
        history: "25h",
        timeout: "5s",
        retries: 0,
      }, "test");
      const cache = historyCache(config);
      const cycle = async (until: number, history = cache) => {
        const common = { loaded: model, until: new Date(until).toISOString(), now: end, feedback: false };
        const incremental = await runDetection(config, { ...common, history });
        const full = await runDetection(config, common);
        return { incremental, full };
      };
      const values = (series: Series[]) =>
        Object.fromEntries(series.map((s) => [s.key, [s.start, ...s.values]]));
      const same = (c: Awaited<ReturnType<typeof cycle>>, what: string) => {
        assert.equal(c.incremental.run.answered, c.full.run.answered, `${what}: answered`);
        assert.deepEqual(values(c.incremental.series), values(c.full.series), `${what}: series`);
        assert.deepEqual(c.incremental.detected.anomalies, c.full.detected.anomalies, `${what}: anomalies`);
      };
      const u0 = end - 40 * MIN;
      await feed(-Infinity, u0);
      const first = await cycle(u0);
      same(first, "cycle 1");
      assert.ok(first.full.detected.anomalies.length > 0, "anomalies to compare");
      assert.equal(cache.stats.full, true);

      // Cycle 2, ten minutes on; one series' last minute has not arrived yet.
      const late = corpus.series[0].key, u1 = u0 + 10 * MIN;
      await feed(u0, u1, new Map([[late, u1]]));
      const second = await cycle(u1);
      same(second, "cycle 2");
      assert.equal(cache.stats.full, false);
      assert.equal(cache.stats.fetchedFrom, u0 - 3 * MIN, "only the new minutes and 3 steps before them");
      assert.ok(Number.isNaN(second.incremental.series.find((s) => s.key === late)!.values.at(-1)!));

      // The late point arrives with the next ten minutes: the overlap picks it up.
      const u2 = u1 + 10 * MIN;
      await feed(u1 - MIN, u1, undefined, (key) => key === late);
      await feed(u1, u2);
      const third = await cycle(u2);
      same(third, "cycle 3 (a late point)");
      const s = third.incremental.series.find((s) => s.key === late)!;
      const truth = corpus.series[0];
      assert.equal(s.values[(u1 - s.start) / MIN], truth.values[(u1 - truth.start) / MIN], "the late point");

      // graphite-web goes away for a cycle: nothing answers, the kept points wait; the next cycle fills the gap.
      const u3 = u2 + 5 * MIN, u4 = u3 + 5 * MIN;
      await feed(u2, u3);
      await graphite.stopWeb();
      const away = await runDetection(config, {
        loaded: model,
        until: new Date(u3).toISOString(),
        now: end,
        feedback: false,
        history: cache,
      });
      assert.equal(away.run.answered, 0);
      await graphite.startWeb();
      await feed(u3, u4);
      const fourth = await cycle(u4);
      same(fourth, "cycle 4 (after an outage)");
      assert.equal(cache.stats.fetchedFrom, u2 - 3 * MIN, "from the last answered cycle");

      // A watch with a cache directory stops after a cycle; ten minutes later another process starts with it:
      // it reads the kept series back and fetches only what is new since then, with the same result.
      const dir = await Deno.makeTempDir({ prefix: "incremental_cache_" });
      try {
        const warnings: string[] = [];
        const warn = (line: string) => void warnings.push(line);
        const stopped = historyCache(config, { cache: dir, warn });
        same(await cycle(u4, stopped), "cycle 5 (writing the cache)");
        assert.ok(stopped.stats.full && stopped.stats.savedBytes! > 0);
        const u5 = u4 + 10 * MIN;
        await feed(u4, u5);
        const restarted = historyCache(config, { cache: dir, warn });
        same(await cycle(u5, restarted), "cycle 6 (restarted with the cache)");
        assert.deepEqual(warnings, []);
        assert.equal(restarted.stats.cachedSeries, corpus.series.length);
        assert.equal(restarted.stats.full, false);
        assert.equal(restarted.stats.fetchedFrom, u4 - 3 * MIN, "only what is new since it stopped");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    } finally {
      await graphite.stop();
    }
  },
});
