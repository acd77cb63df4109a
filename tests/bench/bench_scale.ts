/**
 * The scale benchmark (issue 16): one watch cycle for a fleet of MACHINES × the six presence aggregators at
 * 1 minute, with the history the default model needs (`lookback` 24 h + `history` 15 d), cold and warm.
 *
 *   bench_scale.ts generate DIR MACHINES END   writes the fleet as Grafana CSV exports (100 machines a directory)
 *   bench_scale.ts run DIR MACHINES END        one run in this fresh process; prints one JSON line
 *
 * A run loads the CSV exports (the replay's data) once and stores their values in one binary file, letting the
 * loaded series go, then serves them to a watch as a live source would: `historyCache` over a source that
 * answers each (from, until] from that file, one batch per aggregator, as Graphite's wildcard requests arrive;
 * so the peak RSS measured is the watch's own. No HTTP and no Graphite: what is measured is the watch's
 * own work. Then, as `deno task watch --cache DIR` runs them, `runWatchCycle` three times on one cache: cold at
 * END − 10 min (the whole range), warm at END − 5 min and at END (5 new minutes and the 3-minute overlap each),
 * the cache written to its file by the first (then at most every 15 minutes, as a watch does: not by the two
 * warm ones) and when the watch stops; then once more at END with a new cache on the same directory,
 * as a restarted watch (it reads the file back and fetches the overlap only). With a
 * write-back (to a connection that discards: the lines are made and queued, as in a watch) and a sink that
 * delivers everything. Per stage: time (the cycle log's `stages`) and peak RSS (VmHWM, reset through
 * /proc/self/clear_refs as each stage starts).
 *
 * @module
 */
import { join } from "node:path";
import { generateCorpus } from "../../lib/synth/generate.ts";
import { writeCorpus } from "../../lib/synth/write_corpus.ts";
import { loadCsv } from "../../lib/series/load_csv.ts";
import { parseConfig } from "../../lib/sources/config.ts";
import type { Series } from "../../lib/series/types.ts";
import { CACHE_SAVE_EVERY } from "../../lib/pipeline/run_watch.ts";
import { historyCache, type RangeFetch } from "../../lib/pipeline/history_cache.ts";
import { type CycleStage, runWatchCycle } from "../../lib/pipeline/run_watch_cycle.ts";
import { openWriteBack } from "../../lib/pipeline/write_back.ts";
import type { Alert, DeliveryResult, Sink } from "../../lib/alerts/types.ts";
import { fleetModel } from "../support/fleet_model.ts";
import { openDetectPool } from "../../lib/detect/detect_pool.ts";
import { detectWorkers } from "../../lib/pipeline/detect_workers.ts";

const STEP = 60_000, MINUTE = 60_000, CHUNK = 100;
/** The range a cycle needs (24 h + 15 d), an hour more, and the 10 minutes the three cycles move through. */
const DAYS = 16 + 1 / 24;

const [kind, dir, machinesArg, endArg] = Deno.args;
const machines = Number(machinesArg), end = Number(endArg);

/** The fleet's CSV exports: generateCorpus in chunks of 100 machines, renamed n200… across the whole fleet. */
async function generate(): Promise<void> {
  for (let c = 0; c * CHUNK < machines; c++) {
    const shards = Math.min(CHUNK, machines - c * CHUNK);
    // The last point at END (generateCorpus ends at `end − step`).
    const corpus = generateCorpus({ shards, days: DAYS, step: STEP, end: end + STEP, seed: 1000 + c });
    const rename = (name: string) =>
      name.replace(/n(\d+)-primary/, (_, n) => `n${Number(n) + c * CHUNK}-primary`);
    const series = corpus.series.map((s) => ({
      ...s,
      key: rename(s.key),
      labels: { ...s.labels, machine: rename(s.labels.machine) },
    }));
    await writeCorpus({ ...corpus, series, labels: [] }, join(dir, `chunk-${String(c).padStart(3, "0")}`));
  }
}

/** Peak RSS since the last reset, MB; then resets it (Linux: writing 5 to clear_refs). */
function peakAndReset(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  return m ? Number(m[1]) / 1024 : NaN;
}

function rssMb(): number {
  return Deno.memoryUsage().rss / 2 ** 20;
}

/** What the replay keeps of a loaded series once its values are on disk: where they are in the file. */
interface Stored extends Omit<Series, "values"> {
  length: number;
  offset: number;
}

/**
 * Writes the loaded series' values to one file (float64, one block per series) and returns where each is, so the
 * replay's data is not in this process's memory while the watch runs: what is measured is the watch's own.
 */
function store(loaded: Series[], path: string): Stored[] {
  const file = Deno.openSync(path, { write: true, create: true, truncate: true });
  const index: Stored[] = [];
  let offset = 0;
  try {
    for (const { values, ...rest } of loaded) {
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      for (let k = 0; k < bytes.length;) k += file.writeSync(bytes.subarray(k));
      index.push({ ...rest, length: values.length, offset });
      offset += bytes.length;
    }
  } finally {
    file.close();
  }
  return index;
}

/** A source answering (from, until] from the stored series, read from the file, one batch per aggregator. */
function replaySource(stored: Stored[], path: string): RangeFetch {
  const byAggregator = Map.groupBy(stored, (s) => s.labels.aggregator);
  return async (from, until, options) => {
    const lo = Math.floor(from / 1000) * 1000, hi = Math.floor(until / 1000) * 1000;
    const series: Series[] = [];
    const file = await Deno.open(path, { read: true });
    try {
      for (const batch of byAggregator.values()) {
        const answered: Series[] = [];
        for (const { length, offset, ...s } of batch) {
          const i0 = Math.max(0, Math.floor((lo - s.start) / s.step) + 1);
          const i1 = Math.min(length - 1, Math.floor((hi - s.start) / s.step));
          if (i1 < i0) continue;
          const values = new Float64Array(i1 - i0 + 1);
          const bytes = new Uint8Array(values.buffer);
          await file.seek(offset + i0 * 8, Deno.SeekMode.Start);
          for (let k = 0; k < bytes.length;) {
            const n = await file.read(bytes.subarray(k));
            if (n === null) throw new Error(`Cannot replay ${s.key}: the stored file ends early`);
            k += n;
          }
          answered.push({ ...s, start: s.start + i0 * s.step, values });
        }
        options.onBatch?.(answered); // each answer on its own, as over a network
        series.push(...answered);
      }
    } finally {
      file.close();
    }
    const run = {
      source: "replay (from a file)",
      from: new Date(from).toISOString(),
      until: new Date(until).toISOString(),
      asked: stored.length,
      answered: series.length,
      failed: stored.length - series.length,
      failures: [],
      requests: byAggregator.size,
    };
    return { series, run };
  };
}

/** A sink that delivers every alert at once. */
const delivering: Sink = {
  name: "bench",
  send: (alerts: readonly Alert[]) =>
    Promise.resolve(alerts.map((a): DeliveryResult => ({
      sink: "bench",
      alertId: a.id,
      subject: a.subject,
      ok: true,
      attempts: 1,
    }))),
};

async function run(): Promise<void> {
  peakAndReset();
  let t0 = performance.now();
  const dirs = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory || e.isSymlink).map((e) =>
    join(dir, e.name)
  ).sort();
  let { series: loaded } = await loadCsv(dirs, { extraLabels: { family: "presence" } });
  const load = { ms: performance.now() - t0, peakMb: peakAndReset(), rssMb: rssMb() };
  const points = loaded.reduce((a, s) => a + s.values.length, 0);
  const state = await Deno.makeTempDir({ prefix: "bench-scale-" });
  const replayFile = join(state, "replay.bin");
  const stored = store(loaded, replayFile);
  const seriesCount = loaded.length;
  // The loaded arrays let go and collected before the first cycle (the bench's process runs with --expose-gc).
  loaded = [];
  (globalThis as { gc?: () => void }).gc?.();
  const model = fleetModel(end);
  const config = parseConfig({
    source: "graphite",
    url: "http://replay.invalid",
    machines: { prefix: "n", from: 200, to: 200 + machines - 1, suffix: "-primary-meraki-com" },
  }, "bench");
  // As `deno task watch --cache DIR` keeps it: on disk too, rewritten at most every 15 minutes of its clock and
  // when it stops.
  const cached = {
    source: replaySource(stored, replayFile),
    cache: join(state, "history"),
    saveEvery: CACHE_SAVE_EVERY,
  };
  let cache = historyCache(config, cached);
  const writeBack = openWriteBack(config, {
    carbon: "127.0.0.1:9",
    connect: () => Promise.resolve({ write: (b: Uint8Array) => Promise.resolve(b.length), close() {} }),
  })!;
  const cycles = [];
  let since: number | undefined;
  // As the watch scores them: on one worker per core for a fleet this size (config `workers`, `auto`).
  const workers = detectWorkers(config);
  const pool = workers > 1 ? openDetectPool(workers) : undefined;
  try {
    for (const [n, at] of [[1, end - 10 * MINUTE], [2, end - 5 * MINUTE], [3, end], [4, end]]) {
      // The fourth: a watch restarted with the cache directory (the process's own cache let go first).
      if (n === 4) {
        await cache.flush(); // the watch stopping
        cache = historyCache(config, cached);
      }
      const peaks: Partial<Record<CycleStage, number>> = {};
      const memory: Partial<Record<CycleStage, { heapMb: number; externalMb: number }>> = {};
      peakAndReset();
      t0 = performance.now();
      const out = await runWatchCycle(config, {
        model,
        now: at,
        sinks: [delivering],
        statePath: join(state, "state.json"),
        cycle: n,
        history: cache,
        pool,
        writeBack: { to: writeBack, since },
        onStage: (stage) => {
          peaks[stage] = peakAndReset();
          const { heapUsed, external } = Deno.memoryUsage();
          memory[stage] = {
            heapMb: Math.round(heapUsed / 2 ** 20),
            externalMb: Math.round(external / 2 ** 20),
          };
        },
      });
      const ms = performance.now() - t0;
      since = out.until - 3 * STEP;
      cycles.push({
        ms,
        stages: out.log.stages!,
        peaks,
        memory,
        peakMb: Math.max(...Object.values(peaks)),
        rssMb: rssMb(),
        series: out.log.answered,
        scored: out.log.scored,
        anomalies: out.log.anomalies,
        incidents: out.log.incidents,
        sent: out.log.sent,
        fetched: cache.stats.fetchedPoints,
        kept: cache.stats.keptPoints,
        full: cache.stats.full,
        cachedSeries: cache.stats.cachedSeries,
        saveMs: cache.stats.saveMs,
        savedBytes: cache.stats.savedBytes,
        writeBackLines: writeBack.lines,
      });
      console.error(
        `cycle ${n}: ${Math.round(ms)} ms ${JSON.stringify(out.log.stages)} ${JSON.stringify(peaks)} ` +
          JSON.stringify(memory),
      );
    }
  } finally {
    pool?.close();
    await writeBack.close(0);
    await Deno.remove(state, { recursive: true });
  }
  console.log(JSON.stringify({ series: seriesCount, points, load, workers, cycles }));
}

if (kind === "generate") await generate();
else if (kind === "run") await run();
else throw new Error(`Cannot run bench_scale: unknown kind, current value is ${kind}`);
