/**
 * The live-cycle benchmark (run by `deno task bench`): a real Graphite on loopback fed 100 shards × 6 aggregators
 * × 72 h at 60 s, then one live cycle — fetch the last 24 h plus 26 h of history, detect, hydrate — done our way
 * (one wildcard request per aggregator in graphite's pickle format, fallback in parallel) and the original scripts'
 * way (600 sequential per-series JSON requests), direct and through a Grafana stand-in's datasource proxy (the original scripts' path),
 * medians of several cycles after one warm-up cycle each; and a watch's warm incremental cycle (the series kept
 * from the cycle before, only the new 5 minutes and the overlap fetched, detect over all of it, hydration from
 * memory) against a cold one (a fresh cache: the whole range fetched). Ours scores as the product does: on worker
 * threads where the config's `workers: auto` says so (`detectWorkers`; with 16 days, 600 series at 1 minute are
 * 13.8 M points a cycle), opened for each cycle as `deno task detect` does, and once for all cycles as a watch
 * does; and `deno task detect --cache DIR` as cron would run it (each run reading the cache file back, fetching
 * only what is new, rewriting the file). Prints JSON on stdout. Usage:
 * bench_live.ts [RUNS] [DAYS] [ONLY] (DAYS of data fed, default 3; the cycle fetches all but the first 22 h of it:
 * 16 gives the 15 days of history the weekly lags want; ONLY: a comma-separated list of the output's keys to
 * measure, e.g. `direct_ours,incremental_cycle`, default all).
 */
import { generateCorpus } from "../../lib/synth/generate.ts";
import { fleetModel } from "../support/fleet_model.ts";
import { PRESENCE_AGGREGATORS } from "../../lib/presence.ts";
import { detect, type DetectResult } from "../../lib/detect/detect.ts";
import { hydrate } from "../../lib/hydrate/hydrate.ts";
import { parseConfig } from "../../lib/sources/config.ts";
import type { Series } from "../../lib/series/types.ts";
import { runDetection } from "../../lib/pipeline/run_detection.ts";
import { openWriteBack, type WriteBack } from "../../lib/pipeline/write_back.ts";
import { fetchGraphite } from "../../lib/sources/graphite.ts";
import { type HistoryCache, historyCache } from "../../lib/pipeline/history_cache.ts";
import { graphiteAvailable, startGraphite } from "../support/graphite.ts";
import { detectWorkers } from "../../lib/pipeline/detect_workers.ts";
import { type DetectPool, openDetectPool } from "../../lib/detect/detect_pool.ts";

const HOUR = 3_600_000, STEP = 60_000;
const runs = Number(Deno.args[0] ?? 5);
const days = Number(Deno.args[1] ?? 3);
const only = Deno.args[2] ? new Set(Deno.args[2].split(",")) : undefined;
const wanted = (key: string) => !only || only.has(key);
const got = graphiteAvailable();
if (!got.ok) {
  console.log(JSON.stringify({ unavailable: got.reason }));
  Deno.exit(0);
}
const end = Math.floor(Date.now() / HOUR) * HOUR;
const corpus = generateCorpus({ shards: 100, days, step: STEP, end, seed: 21, weekly: false });
const machines = [...new Set(corpus.series.map((s) => s.labels.machine))];
const aggregators = [...PRESENCE_AGGREGATORS];
const model = fleetModel(end);
const graphite = await startGraphite({ retentions: `60s:${Math.max(7, days + 2)}d` });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
try {
  await graphite.feedSeries(corpus.series);
  // The last 24 h plus 26 h of history (the seasonal detector's 1-day lag, and a little room).
  const until = end - 1000, from = end - (days * 24 - 22) * HOUR;
  // The Grafana stand-ins run in processes of their own, as Grafana does (in this process they would compete
  // with the client for its event loop): one plain, one that waits 20 ms per request like a Grafana across a network.
  const standin = async (delayMs: number) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        new URL("../support/grafana_standin.ts", import.meta.url).pathname,
        graphite.url,
        String(delayMs),
      ],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let line = "";
    while (!line.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the Grafana stand-in did not start");
      line += value;
    }
    const info: { url: string; uid: string; token: string } = JSON.parse(line);
    return {
      ...info,
      proxy: `${info.url}/api/datasources/proxy/uid/${info.uid}`,
      async stop() {
        await child.stdin.close();
        await reader.cancel();
        await child.status;
      },
    };
  };
  const grafana = await standin(0), slow = await standin(20);
  const windowFrom = end - 24 * HOUR;
  /** The fleet as a watch or a cron'd detect reads it from Graphite directly. */
  const direct = parseConfig({
    source: "graphite",
    url: graphite.url,
    machines,
    aggregators,
    lookback: "24h",
    history: `${days * 24 - 46}h`,
  }, "bench");
  /** `runDetection` on `direct` at `at`, from a history cache, as a watch's cycle or a cron'd detect runs it. */
  const detectAt = (at: number, history: HistoryCache, pool?: DetectPool) =>
    runDetection(direct, {
      loaded: model,
      until: new Date(at).toISOString(),
      now: Date.now(),
      history,
      feedback: false,
      pool,
    });
  /** A pool of the size `workers: auto` gives `config`, or none. */
  const poolFor = (config: typeof direct) => {
    const workers = detectWorkers(config);
    return workers > 1 ? openDetectPool(workers) : undefined;
  };
  const keys = corpus.series.map((s) => s.key);
  // Ours is what `deno task detect` runs (runDetection: wildcard requests, each answer scored as it arrives);
  // the original fetches the 600 series one after the other in JSON, then scores them.
  const cycle = async (
    way: "ours" | "original",
    baseUrl: string,
    token?: string,
    format: "raw" | "pickle" = "pickle",
    grafana?: { url: string; uid: string },
    writeBack?: { to: WriteBack; since?: number },
  ) => {
    const t0 = performance.now();
    const lines0 = writeBack?.to.lines ?? 0;
    let fetched: Series[], result: DetectResult, tFetch: number;
    if (way === "ours") {
      const config = parseConfig({
        source: grafana ? "grafana" : "graphite",
        url: grafana ? grafana.url : baseUrl,
        datasourceUid: grafana?.uid,
        machines,
        aggregators,
        lookback: "24h",
        history: `${days * 24 - 46}h`,
        format,
      }, "bench");
      // As `deno task detect` runs: on worker threads opened for the run when `workers: auto` says so.
      const pool = poolFor(config);
      const run = await runDetection(config, {
        loaded: model,
        until: new Date(until).toISOString(),
        now: Date.now(),
        token,
        writeBack,
        pool,
      }).finally(() => pool?.close());
      poolSize = detectWorkers(config);
      ({ series: fetched, detected: result } = run);
      tFetch = performance.now() - t0; // fetch and detect overlap here: the detect column is what was left
    } else {
      fetched =
        (await fetchGraphite(keys, { baseUrl, token, from, until, concurrency: 1, format: "json" })).series;
      tFetch = performance.now() - t0;
      result = detect(model, fetched.map((s) => ({ ...s, labels: { ...s.labels, family: "presence" } })), {
        from: windowFrom,
        until,
      });
    }
    const tDetect = performance.now() - t0 - tFetch;
    // Hydration: one request per anomalous series (ours, in parallel; the original, one after the other).
    const anomalous = [...new Set(result.anomalies.map((a) => a.series))];
    const ctx = await fetchGraphite(anomalous, {
      baseUrl,
      token,
      from: from - 24 * HOUR,
      until,
      concurrency: way === "ours" ? 8 : 1,
      format: way === "ours" ? format : "json",
    });
    hydrate(result.anomalies, ctx.series);
    // With write-back: the cycle ends when carbon has taken what it wrote (a watcher does not wait; this
    // counts the sending in full).
    const wrote = writeBack ? await writeBack.to.writer.flush(300_000) : undefined;
    if (wrote && wrote.pending) throw new Error(`write-back left ${wrote.pending} points unsent`);
    const ms = performance.now() - t0;
    return {
      lines: writeBack ? writeBack.to.lines - lines0 : 0,
      ms,
      fetchMs: tFetch,
      detectMs: tDetect,
      series: fetched.length,
      anomalies: result.anomalies.length,
    };
  };
  const out: Record<string, unknown> = {};
  let poolSize = 1;
  // Ours in the default format, and in raw text for comparison (the format the default replaced).
  const ways = [
    ["direct_ours", "ours", graphite.url, undefined, "pickle", undefined],
    ["direct_ours_raw", "ours", graphite.url, undefined, "raw", undefined],
    ["direct_original", "original", graphite.url, undefined, undefined, undefined],
    ["proxy_ours", "ours", grafana.proxy, grafana.token, "pickle", grafana],
    ["proxy_original", "original", grafana.proxy, grafana.token, undefined, undefined],
    ["proxy_20ms_ours", "ours", slow.proxy, slow.token, "pickle", slow],
    ["proxy_20ms_original", "original", slow.proxy, slow.token, undefined, undefined],
  ] as const;
  for (const [name, way, baseUrl, token, format, standin] of ways) {
    if (!wanted(name)) continue;
    // One cycle first, not counted, for both ways alike: graphite-web's workers, the page cache and the JIT
    // warm up as they would in a watcher's steady state.
    await cycle(way, baseUrl, token, format, standin);
    const samples = [];
    for (let r = 0; r < runs; r++) samples.push(await cycle(way, baseUrl, token, format, standin));
    out[name] = {
      median_ms: Math.round(median(samples.map((s) => s.ms))),
      fetch_ms: Math.round(median(samples.map((s) => s.fetchMs))),
      detect_ms: Math.round(median(samples.map((s) => s.detectMs))),
      series: samples[0].series,
      anomalies: samples[0].anomalies,
      workers: way === "ours" ? poolSize : 1,
      runs_ms: samples.map((s) => Math.round(s.ms)),
    };
  }
  // A watch's cycles, cold (a fresh cache: the whole range) and warm (the cycle before kept: 5 new minutes and
  // 3 minutes of overlap fetched), as runWatchCycle runs them: runDetection, then hydration from the series in memory.
  if (wanted("incremental_cycle")) {
    // As a watch runs: one pool for all its cycles when `workers: auto` says so.
    const workers = detectWorkers(direct);
    const pool = poolFor(direct);
    const watchCycle = async (cache: HistoryCache, at: number) => {
      let fetchMs = 0;
      const timed: HistoryCache = {
        get stats() {
          return cache.stats;
        },
        flush: () => cache.flush(),
        async fetch(from, until, options) {
          const t = performance.now();
          const got = await cache.fetch(from, until, options);
          fetchMs = performance.now() - t;
          return got;
        },
      };
      const t0 = performance.now();
      const run = await detectAt(at, timed, pool);
      hydrate(run.detected.anomalies, run.series);
      const ms = performance.now() - t0;
      return {
        ms,
        fetchMs,
        restMs: ms - fetchMs,
        series: run.series.length,
        anomalies: run.detected.anomalies.length,
        fetched: cache.stats.fetchedPoints,
        kept: cache.stats.keptPoints,
      };
    };
    const cold: Awaited<ReturnType<typeof watchCycle>>[] = [];
    const warm: Awaited<ReturnType<typeof watchCycle>>[] = [];
    await watchCycle(historyCache(direct), until - 5 * 60_000); // warm-up: graphite-web's workers, the JIT
    for (let r = 0; r < runs; r++) {
      // Each run: a cold cycle five minutes before the end (a fresh cache), then a warm one at the end.
      const cache = historyCache(direct);
      cold.push(await watchCycle(cache, until - 5 * 60_000));
      warm.push(await watchCycle(cache, until));
    }
    const sum = (xs: typeof cold) => ({
      median_ms: Math.round(median(xs.map((x) => x.ms))),
      fetch_ms: Math.round(median(xs.map((x) => x.fetchMs))),
      detect_hydrate_ms: Math.round(median(xs.map((x) => x.restMs))),
      series: xs[0].series,
      anomalies: xs[0].anomalies,
      points_fetched: xs[0].fetched,
      points_kept: xs[0].kept,
      runs_ms: xs.map((x) => Math.round(x.ms)),
    });
    pool?.close();
    out.incremental_cycle = { workers, cold: sum(cold), warm: sum(warm) };
  }
  if (wanted("cached_detect")) {
    // `deno task detect --cache DIR` run from cron: each run a new process would be, reading the cache file back
    // (a new historyCache on the same directory), fetching the minutes since the run before and the overlap,
    // scoring on a pool opened for the run, and rewriting the file. Runs 5 minutes apart on the data's clock.
    const dir = await Deno.makeTempDir({ prefix: "bench_cache_" });
    const run = async (at: number) => {
      const t0 = performance.now();
      const cache = historyCache(direct, { cache: dir });
      const pool = poolFor(direct);
      const got = await detectAt(at, cache, pool).finally(() => pool?.close());
      return {
        ms: performance.now() - t0,
        fetched: cache.stats.fetchedPoints,
        savedMs: cache.stats.saveMs ?? 0,
        anomalies: got.detected.anomalies.length,
      };
    };
    try {
      const first = await run(until - (runs + 1) * 5 * 60_000); // writes the file: the whole range
      const later = [];
      for (let r = runs; r >= 0; r--) later.push(await run(until - r * 5 * 60_000));
      later.shift(); // the first run from the file warms the page cache and graphite-web, as a cron's would be
      out.cached_detect = {
        workers: detectWorkers(direct),
        first_ms: Math.round(first.ms),
        median_ms: Math.round(median(later.map((x) => x.ms))),
        save_ms: Math.round(median(later.map((x) => x.savedMs))),
        points_fetched: later[0].fetched,
        anomalies: later.at(-1)!.anomalies,
        runs_ms: later.map((x) => Math.round(x.ms)),
      };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
  if (wanted("write_back_cycle")) {
    // Write-back to the real carbon. A watch cycle writes its new points (the last 5 minutes here) and the band
    // from there on; plain and write-back cycles alternate, so the ratio is measured in the same conditions.
    // A fresh write-back for each measured cycle: one that wrote a point before writes it no more.
    const withFresh = async (since?: number) => {
      const wb = openWriteBack(
        parseConfig({ writeBack: { carbon: `127.0.0.1:${graphite.carbonPort}` } }, "bench"),
      )!;
      try {
        return await cycle("ours", graphite.url, undefined, "pickle", undefined, { to: wb, since });
      } finally {
        await wb.close(60_000);
      }
    };
    const plain: number[] = [], withWb: number[] = [];
    let cycleLines = 0;
    await withFresh(until - 5 * 60_000);
    for (let r = 0; r < runs; r++) {
      plain.push((await cycle("ours", graphite.url)).ms);
      const c = await withFresh(until - 5 * 60_000);
      withWb.push(c.ms);
      cycleLines = c.lines;
    }
    if (!(cycleLines > 0)) {
      throw new Error("the write-back cycle wrote nothing: the benchmark would measure nothing");
    }
    out.write_back_cycle = {
      plain_ms: Math.round(median(plain)),
      write_back_ms: Math.round(median(withWb)),
      ratio: Number((median(withWb) / median(plain)).toFixed(3)),
      points: cycleLines,
      runs_plain_ms: plain.map(Math.round),
      runs_write_back_ms: withWb.map(Math.round),
    };
    // The whole 24 h window, as detect --write-back and report --write-back write it: points/s of the extra time.
    const windowRuns: { ms: number; lines: number }[] = [], windowPlain: number[] = [];
    for (let r = 0; r < Math.min(runs, 3); r++) {
      windowPlain.push((await cycle("ours", graphite.url)).ms);
      windowRuns.push(await withFresh());
    }
    const extra = median(windowRuns.map((w) => w.ms)) - median(windowPlain);
    out.write_back_window = {
      plain_ms: Math.round(median(windowPlain)),
      write_back_ms: Math.round(median(windowRuns.map((w) => w.ms))),
      points: windowRuns[0].lines,
      points_per_s: Math.round(windowRuns[0].lines / (extra / 1000)),
    };
  }
  console.log(JSON.stringify(out));
  await grafana.stop();
  await slow.stop();
} finally {
  await graphite.stop();
}
