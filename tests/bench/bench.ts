import { join } from "node:path";
import type { Command } from "../../lib/cli/_command.ts";
import { parseFlags } from "../../lib/cli/_command.ts";
import { formatTable } from "../../lib/cli/_format.ts";
import { generateCorpus } from "../../lib/synth/generate.ts";
import { writeCorpus } from "../../lib/synth/write_corpus.ts";

const help =
  `Usage: deno task bench [--runs N] [--rows N] [--python-runs N] [--only LIST] [--out reports/bench.json]

Runs the benchmarks, each run in a fresh process, and prints medians; writes them as JSON.
  csv_parse   load a generated 1.5 M-row Grafana CSV export (sep=, line, percentages, empty cells): rows/s, peak RSS
  train       six months of the six aggregators at 1-minute steps (≈ 1.57 M points), CSV → model file
  detect      the full ensemble (calibration, events) over the same 1.57 M points: points/s on one core, warm
              (median of 5 calls after the first, as a long-running watcher sees it) and cold (the first call)
  report      deno task report on 600 series (100 shards × 6 aggregators) × 8 days at 1-minute steps (the 24 h
              window plus the week of history the seasonal detectors need): wall time of the whole process and
              HTML size, with a trained model (--model) and training included
  live        one live cycle (fetch the last 24 h + 26 h of history, detect, hydrate) for 600 series at 60 s against a
              real Graphite on loopback (tests/support/graphite.ts), our way vs 600 sequential requests, direct,
              through a Grafana stand-in's proxy, and through it with 20 ms added per request (a WAN); then the
              same cycle writing its new 5 minutes back to that carbon (until carbon has taken them) against a
              plain one, alternating, and writing the whole 24 h window (points/s of the extra time)
  backtest    deno task backtest on 600 series (100 shards × 6 aggregators) × 30 days at 1-minute steps, replayed at
              a 5-minute interval (8641 cycles) for both profiles, every minimum severity and the threshold sweep,
              with a model trained on its first week: wall time of the whole process (CSV read, scoring, replay, HTML)
  scale       one watch cycle for 10 000 series (1 667 machines × 6 aggregators at 1 minute, 24 h + 15 d of
              history: 230 M points), replayed from CSV exports (loaded once, their values read back from one
              binary file per answer, so the RSS is the watch's own; tests/bench/bench_scale.ts): cold (the
              whole range), warm (5 new minutes) and restarted with --cache, time and peak RSS per stage; at
              most 3 runs, each a fresh process; not in the default set (generating the fleet takes minutes)
  original    the original method in pandas + scikit-learn on the same CSVs, in the same run
              (/usr/bin/python3 ../shared/bench/original_method.py perf DIR; Debian python3-pandas python3-sklearn)

Options:
  --runs N          runs per benchmark (default 5)
  --python-runs N   runs of the original method (default 3; it takes a while)
  --rows N          rows in the generated CSV for csv_parse (default 1500000)
  --machines N      machines of the scale benchmark (default 1667: 10 002 series)
  --only LIST       comma-separated subset: csv_parse,train,detect,report,live,backtest,original, or scale
  --out FILE        where to write the JSON (default reports/bench.json)`;

/** Median of numbers. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Writes a Grafana-style export with `rows` 1-minute rows and two shard columns (one percent, one plain). */
async function writeBigCsv(path: string, rows: number): Promise<number> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const key = (m: string) =>
    `statsd.${m}.gauges.aggregator.agg_length_behind_ratio.ProbeTablesAggregator.node_tag_cmx_probe_hll_hour`;
  let bytes = 0;
  const write = async (s: string) => {
    const b = enc.encode(s);
    bytes += b.length;
    await file.write(b);
  };
  await write(`sep=,\n"Time","${key("n200-primary-meraki-com")}","${key("n201-primary-meraki-com")}"\n`);
  const t0 = Date.UTC(2023, 0, 1);
  let seed = 1;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const iso = new Date(t0 + i * 60_000).toISOString();
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (i % 1440)) / 1440);
    const a = (2 * daily * (0.9 + 0.2 * rand())).toFixed(3) + "%";
    const b = i % 97 === 0 ? "" : (0.01 * daily * (0.9 + 0.2 * rand())).toPrecision(4);
    chunk.push(`${iso.slice(0, 10)} ${iso.slice(11, 19)},${a},${b}\n`);
    if (chunk.length === 50_000) {
      await write(chunk.join(""));
      chunk.length = 0;
    }
  }
  await write(chunk.join(""));
  file.close();
  return bytes;
}

async function runWorker(args: string[]): Promise<Record<string, number>> {
  const worker = new URL("./bench_worker.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", config, worker, ...args], // --allow-all: /proc/self/status (peak RSS)
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot run benchmark ${args[0]}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Runs a CLI command (`lib/cli/main.ts`, read and write only) in a fresh process; its wall time in ms. */
async function timeCli(command: string, args: string[]): Promise<number> {
  const main = new URL("../../lib/cli/main.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const t0 = performance.now();
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--config", config, main, command, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  if (!res.success) {
    throw new Error(`Cannot run benchmark ${command}: ${new TextDecoder().decode(res.stderr).trim()}`);
  }
  return ms;
}

/** Per stage of a scale cycle: its time and peak RSS in each run, as medians. */
function scaleSummary(cycles: ScaleCycle[]) {
  const stages = Object.keys(cycles[0].stages);
  return {
    median_ms: Math.round(median(cycles.map((c) => c.ms))),
    peak_rss_mb: Math.round(median(cycles.map((c) => c.peakMb))),
    stages_ms: Object.fromEntries(stages.map((k) => [k, Math.round(median(cycles.map((c) => c.stages[k])))])),
    stage_peak_rss_mb: Object.fromEntries(
      Object.keys(cycles[0].peaks).map((k) => [k, Math.round(median(cycles.map((c) => c.peaks[k])))]),
    ),
    series: cycles[0].series,
    anomalies: cycles[0].anomalies,
    points_fetched: cycles[0].fetched,
    points_kept: cycles[0].kept,
    // Writing the cache file (watch --cache), within the fetch stage.
    cache_save_ms: Math.round(median(cycles.map((c) => c.saveMs ?? 0))),
    cache_bytes: cycles[0].savedBytes,
    runs_ms: cycles.map((c) => Math.round(c.ms)),
  };
}

interface ScaleCycle {
  ms: number;
  peakMb: number;
  stages: Record<string, number>;
  peaks: Record<string, number>;
  series: number;
  anomalies: number;
  fetched: number;
  kept: number;
  saveMs?: number;
  savedBytes?: number;
}

/** The scale benchmark (tests/bench/bench_scale.ts): generate the fleet once, then `runs` fresh processes. */
async function benchScale(
  dir: string,
  machines: number,
  runs: number,
  results: Record<string, Record<string, unknown>>,
): Promise<string[][]> {
  if (!(Number.isInteger(machines) && machines >= 1)) {
    throw new RangeError(`Cannot bench: --machines must be a positive integer, current value is ${machines}`);
  }
  const script = new URL("./bench_scale.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const fleet = join(dir, "scale"), end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const call = async (kind: string) => {
    const res = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "--v8-flags=--expose-gc",
        "--config",
        config,
        script,
        kind,
        fleet,
        String(machines),
        String(end),
      ],
      // As `deno task watch` runs (deno.json): two malloc arenas, however many threads (the workers) allocate.
      env: { NO_COLOR: "1", MALLOC_ARENA_MAX: "2" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!res.success) {
      throw new Error(`Cannot run benchmark scale ${kind}: ${new TextDecoder().decode(res.stderr).trim()}`);
    }
    return new TextDecoder().decode(res.stdout);
  };
  console.error(`generating ${machines * 6} series × 16 days at 1-minute steps as CSV exports ...`);
  let t0 = performance.now();
  await call("generate");
  const generateMs = performance.now() - t0;
  const samples: {
    series: number;
    points: number;
    load: { ms: number; peakMb: number };
    cycles: ScaleCycle[];
  }[] = [];
  for (let r = 0; r < runs; r++) {
    t0 = performance.now();
    samples.push(JSON.parse(await call("run")));
    const [cold, , warm] = samples[r].cycles;
    console.error(
      `scale run ${r + 1}/${runs}: cold ${Math.round(cold.ms)} ms, warm ${Math.round(warm.ms)} ms ` +
        `(process ${Math.round(performance.now() - t0)} ms)`,
    );
  }
  const cold = scaleSummary(samples.map((s) => s.cycles[0]));
  const warm = scaleSummary(samples.map((s) => s.cycles[2]));
  const restarted = scaleSummary(samples.map((s) => s.cycles[3]));
  const load = {
    median_ms: Math.round(median(samples.map((s) => s.load.ms))),
    peak_rss_mb: Math.round(median(samples.map((s) => s.load.peakMb))),
  };
  results.scale = {
    series: samples[0].series,
    points: samples[0].points,
    runs,
    generate_ms: Math.round(generateMs),
    csv_load: load,
    cold,
    warm,
    warm_first: scaleSummary(samples.map((s) => s.cycles[1])),
    restarted,
    target: "10 000 series, warm incremental cycle ≤ 60 s and ≤ 4 GB peak",
  };
  const row = (cycle: string, s: typeof cold, detail: string, extra = "") => [
    `scale: ${cycle}, ${samples[0].series} series`,
    `${(s.median_ms / 1000).toFixed(1)} s`,
    `${s.points_fetched} points fetched, ${detail}`,
    `${s.peak_rss_mb} MB`,
    extra,
  ];
  const slowest = (s: typeof cold) => {
    const [stage, ms] = Object.entries(s.stages_ms).sort((a, b) => b[1] - a[1])[0];
    return `${stage} ${(ms / 1000).toFixed(1)} s`;
  };
  return [
    row("warm watch cycle", warm, slowest(warm)),
    row(
      "cold watch cycle",
      cold,
      slowest(cold),
      `(CSV load ${(load.median_ms / 1000).toFixed(1)} s before it, ${load.peak_rss_mb} MB)`,
    ),
    row(
      "restarted watch with --cache",
      restarted,
      `cache written ${(warm.cache_save_ms / 1000).toFixed(1)} s/cycle`,
    ),
  ];
}

/** Runs the original method's perf mode; undefined when Python or its packages are missing. */
async function runOriginal(dir: string): Promise<Record<string, number> | string> {
  const script = new URL("../../../shared/bench/original_method.py", import.meta.url).pathname;
  try {
    await Deno.stat(script);
  } catch {
    return `missing ${script}`;
  }
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("/usr/bin/python3", {
      args: [script, "perf", dir],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  } catch (err) {
    return `cannot run /usr/bin/python3: ${(err as Error).message}`;
  }
  if (!out.success) return new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "failed";
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** `deno task bench`: run the benchmarks and write reports/bench.json. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      runs: { type: "string", default: "5" },
      "python-runs": { type: "string", default: "3" },
      rows: { type: "string", default: "1500000" },
      machines: { type: "string", default: "1667" },
      only: { type: "string", default: "csv_parse,train,detect,report,live,backtest,original" },
      out: { type: "string", default: "reports/bench.json" },
    });
    const runs = Number(values.runs), rows = Number(values.rows), pyRuns = Number(values["python-runs"]);
    if (!(Number.isInteger(runs) && runs >= 1)) {
      throw new RangeError(
        `Cannot bench: --runs must be a positive integer, current value is ${values.runs}`,
      );
    }
    if (!(Number.isInteger(pyRuns) && pyRuns >= 1)) {
      throw new RangeError(
        `Cannot bench: --python-runs must be a positive integer, current value is ${values["python-runs"]}`,
      );
    }
    if (!(Number.isInteger(rows) && rows >= 10)) {
      throw new RangeError(`Cannot bench: --rows must be an integer ≥ 10, current value is ${values.rows}`);
    }
    const only = new Set(values.only!.split(",").map((s) => s.trim()));
    const dir = await Deno.makeTempDir({ prefix: "bench-" });
    const results: Record<string, Record<string, unknown>> = {};
    const table: string[][] = [];
    const sample = async (name: string, n: number, argv: string[]) => {
      const samples: Array<Record<string, number>> = [];
      for (let r = 0; r < n; r++) {
        samples.push(await runWorker(argv));
        console.error(`${name} run ${r + 1}/${n}: ${samples[r].ms.toFixed(0)} ms`);
      }
      return samples;
    };
    try {
      if (only.has("csv_parse")) {
        const csv = join(dir, "export.csv");
        console.error(`generating a ${rows}-row CSV export ...`);
        const bytes = await writeBigCsv(csv, rows);
        const s = await sample("csv_parse", runs, ["csv", csv]);
        const ms = median(s.map((x) => x.ms));
        results.csv_parse = {
          rows,
          bytes,
          runs,
          median_ms: Math.round(ms),
          rows_per_s: Math.round(rows / (ms / 1000)),
          peak_rss_mb: Math.round(median(s.map((x) => x.peakRssMb))),
          runs_ms: s.map((x) => Math.round(x.ms)),
          target: "1.5 M rows well under 2 s",
        };
        table.push([
          "csv_parse",
          `${(ms / 1000).toFixed(2)} s`,
          `${(rows / (ms / 1000) / 1e6).toFixed(2)} M rows/s`,
          `${results.csv_parse.peak_rss_mb} MB`,
          "",
        ]);
      }
      const corpus = join(dir, "presence-1m");
      if (only.has("train") || only.has("detect") || only.has("original")) {
        console.error("generating six months of six aggregators at 1-minute steps ...");
        await writeCorpus(
          generateCorpus({ shards: 1, days: 182, step: 60_000, recent: false, seed: 42 }),
          corpus,
        );
      }
      let original: Record<string, number> | undefined;
      if (only.has("original")) {
        const s: Array<Record<string, number>> = [];
        for (let r = 0; r < pyRuns; r++) {
          const o = await runOriginal(corpus);
          if (typeof o === "string") {
            results.original = { unavailable: o };
            console.error(`original method unavailable: ${o}`);
            break;
          }
          s.push(o);
          console.error(`original run ${r + 1}/${pyRuns}: ${o.total_s} s`);
        }
        if (s.length) {
          original = {
            points: s[0].points,
            total_s: median(s.map((x) => x.total_s)),
            score_s: median(s.map((x) => x.score_s)),
            fit_s: median(s.map((x) => x.fit_s)),
          };
          results.original = { ...original, runs: s.length, runs_total_s: s.map((x) => x.total_s) };
        }
      }
      const modelPath = join(dir, "model.json");
      if (only.has("train") || only.has("detect")) {
        const s = await sample("train", only.has("train") ? runs : 1, ["train", corpus, modelPath]);
        if (only.has("train")) {
          const ms = median(s.map((x) => x.ms));
          const ratio = original ? original.total_s / (ms / 1000) : undefined;
          results.train = {
            points: s[0].points,
            runs,
            median_ms: Math.round(ms),
            peak_rss_mb: Math.round(median(s.map((x) => x.peakRssMb))),
            runs_ms: s.map((x) => Math.round(x.ms)),
            vs_original: ratio ? Number(ratio.toFixed(1)) : null,
            target: "≤ 3 s end to end, ≥ 10× the original method",
          };
          table.push([
            "train (CSV → model)",
            `${(ms / 1000).toFixed(2)} s`,
            `${(s[0].points / (ms / 1000) / 1e6).toFixed(2)} M points/s`,
            `${results.train.peak_rss_mb} MB`,
            ratio ? `${ratio.toFixed(1)}× faster (original ${original!.total_s.toFixed(1)} s)` : "",
          ]);
        }
      }
      if (only.has("detect")) {
        const s = await sample("detect", runs, ["detect", modelPath, corpus]);
        const ms = median(s.map((x) => x.ms));
        const pps = s[0].points / (ms / 1000);
        const coldMs = median(s.map((x) => x.coldMs));
        const origPps = original ? original.points / original.score_s : undefined;
        results.detect = {
          points: s[0].points,
          runs,
          median_ms: Math.round(ms),
          points_per_s: Math.round(pps),
          cold_median_ms: Math.round(coldMs),
          cold_points_per_s: Math.round(s[0].points / (coldMs / 1000)),
          peak_rss_mb: Math.round(median(s.map((x) => x.peakRssMb))),
          runs_ms: s.map((x) => Math.round(x.ms)),
          vs_original: origPps ? Number((pps / origPps).toFixed(1)) : null,
          target: "≥ 5 M points/s on one core, ≥ 10× the original method",
        };
        table.push([
          "detect (full ensemble, warm)",
          `${(ms / 1000).toFixed(2)} s`,
          `${(pps / 1e6).toFixed(2)} M points/s (cold first call ${
            (s[0].points / (coldMs / 1000) / 1e6).toFixed(2)
          })`,
          `${results.detect.peak_rss_mb} MB`,
          origPps
            ? `${(pps / origPps).toFixed(1)}× (original scores ${(origPps / 1e6).toFixed(2)} M points/s)`
            : "",
        ]);
      }
      if (only.has("report")) {
        const fleet = join(dir, "fleet-600");
        console.error("generating 600 series × 8 days at 1-minute steps ...");
        await writeCorpus(generateCorpus({ shards: 100, days: 8, step: 60_000, seed: 11 }), fleet);
        const model = join(dir, "fleet-model.json");
        await runWorker(["train", fleet, model]);
        const wall = async (extra: string[]) => {
          const out = join(dir, "report-out");
          const ms = await timeCli("report", ["--data", fleet, "--out", out, ...extra]);
          return { ms, bytes: (await Deno.stat(join(out, "index.html"))).size };
        };
        const variants: Array<[string, string, string[]]> = [
          ["report (--model)", "report_with_model", ["--model", model]],
          ["report (training included)", "report_with_training", []],
        ];
        for (const [name, key, extra] of variants) {
          const s: { ms: number; bytes: number }[] = [];
          for (let r = 0; r < runs; r++) {
            s.push(await wall(extra));
            console.error(`${name} run ${r + 1}/${runs}: ${s[r].ms.toFixed(0)} ms`);
          }
          const ms = median(s.map((x) => x.ms));
          results[key] = {
            series: 600,
            points: 600 * 8 * 1440,
            runs,
            median_ms: Math.round(ms),
            html_bytes: s[0].bytes,
            runs_ms: s.map((x) => Math.round(x.ms)),
            target: "600 series × 24 h ≤ 5 s wall, HTML ≤ 5 MB",
          };
          table.push([
            name,
            `${(ms / 1000).toFixed(2)} s`,
            `600 series, HTML ${(s[0].bytes / 2 ** 20).toFixed(2)} MB`,
            "",
            "",
          ]);
        }
      }
      if (only.has("backtest")) {
        const fleet = join(dir, "fleet-30d");
        console.error("generating 600 series × 30 days at 1-minute steps ...");
        const corpus = generateCorpus({ shards: 100, days: 30, step: 60_000, seed: 11 });
        await writeCorpus(corpus, fleet);
        const model = join(dir, "fleet-30d-model.json");
        const week = join(dir, "fleet-30d-week");
        await writeCorpus({
          ...corpus,
          series: corpus.series.map((s) => ({ ...s, values: s.values.slice(0, 7 * 1440) })),
          labels: [],
        }, week);
        await runWorker(["train", week, model]);
        const s: { ms: number; cycles: number; replayMs: number; scoreMs: number }[] = [];
        for (let r = 0; r < runs; r++) {
          const out = join(dir, "backtest-out");
          const ms = await timeCli("backtest", [
            "--model",
            model,
            "--data",
            fleet,
            "--from",
            "-30d",
            "--interval",
            "5m",
            "--out",
            out,
          ]);
          const { run } = JSON.parse(await Deno.readTextFile(join(out, "backtest.json")));
          s.push({ ms, cycles: run.span.cycles, replayMs: run.timing.replayMs, scoreMs: run.timing.scoreMs });
          console.error(`backtest run ${r + 1}/${runs}: ${ms.toFixed(0)} ms`);
        }
        const ms = median(s.map((x) => x.ms));
        results.backtest = {
          series: 600,
          points: 600 * 30 * 1440,
          cycles: s[0].cycles,
          runs,
          median_ms: Math.round(ms),
          score_median_ms: Math.round(median(s.map((x) => x.scoreMs))),
          replay_median_ms: Math.round(median(s.map((x) => x.replayMs))),
          runs_ms: s.map((x) => Math.round(x.ms)),
          target: "30 days × 600 series at 1 minute, replayed every 5 minutes, ≤ 60 s",
        };
        table.push([
          "backtest (30 d × 600 series)",
          `${(ms / 1000).toFixed(2)} s`,
          `${s[0].cycles} cycles, replay ${(median(s.map((x) => x.replayMs)) / 1000).toFixed(1)} s`,
          "",
          "",
        ]);
      }
      if (only.has("scale")) {
        table.push(...await benchScale(dir, Number(values.machines), Math.min(runs, 3), results));
      }
      if (only.has("live")) {
        console.error("live cycle against a real Graphite on loopback ...");
        const script = new URL("./bench_live.ts", import.meta.url).pathname;
        const config = new URL("../../deno.json", import.meta.url).pathname;
        const res = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--allow-all", "--config", config, script, String(runs)],
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        if (!res.success) {
          throw new Error(`Cannot run benchmark live: ${new TextDecoder().decode(res.stderr).trim()}`);
        }
        const live = JSON.parse(new TextDecoder().decode(res.stdout));
        results.live = {
          ...live,
          target: "600 series live cycle ≤ 5 s, ≥ 5× the original sequential fetching",
        };
        if (!live.unavailable) {
          for (const path of ["direct", "proxy", "proxy_20ms"]) {
            const ours = live[`${path}_ours`], orig = live[`${path}_original`];
            table.push([
              `live cycle, ${path.replace("_", " + ")}`,
              `${(ours.median_ms / 1000).toFixed(2)} s`,
              `600 series, ${ours.anomalies} anomalies`,
              "",
              `${(orig.median_ms / ours.median_ms).toFixed(1)}× (600 sequential requests ${
                (orig.median_ms / 1000).toFixed(2)
              } s)`,
            ]);
          }
          const raw = live.direct_ours_raw, orig = live.direct_original;
          if (raw) {
            table.push([
              "live cycle, direct, format=raw",
              `${(raw.median_ms / 1000).toFixed(2)} s`,
              `600 series, ${raw.anomalies} anomalies`,
              "",
              `${(orig.median_ms / raw.median_ms).toFixed(1)}×`,
            ]);
          }
          const wc = live.write_back_cycle, ww = live.write_back_window;
          if (wc) {
            table.push([
              "live cycle + write-back of its new points",
              `${(wc.write_back_ms / 1000).toFixed(2)} s`,
              `${wc.points} points to carbon`,
              "",
              `${wc.ratio.toFixed(2)}× a plain cycle (${
                (wc.plain_ms / 1000).toFixed(2)
              } s, same run, alternating)`,
            ]);
          }
          const inc = live.incremental_cycle;
          if (inc) {
            table.push([
              "watch cycle, warm (kept history, new points only)",
              `${(inc.warm.median_ms / 1000).toFixed(2)} s`,
              `${inc.warm.series} series, ${inc.warm.points_fetched} points fetched, fetch ${inc.warm.fetch_ms} ms`,
              "",
              `cold (whole range) ${(inc.cold.median_ms / 1000).toFixed(2)} s`,
            ]);
          }
          if (ww) {
            table.push([
              "live cycle + write-back of the 24 h window",
              `${(ww.write_back_ms / 1000).toFixed(2)} s`,
              `${ww.points} points, ${(ww.points_per_s / 1000).toFixed(0)} k points/s`,
              "",
              "",
            ]);
          }
        } else {
          table.push(["live cycle", "unavailable", live.unavailable, "", ""]);
        }
      }
      console.log(
        formatTable(["benchmark", "median", "throughput", "peak RSS", "vs original method"], table),
      );
      const report = {
        date: new Date().toISOString(),
        deno: Deno.version.deno,
        v8: Deno.version.v8,
        cpus: navigator.hardwareConcurrency,
        results,
      };
      await Deno.mkdir(join(values.out!, ".."), { recursive: true });
      const tmp = `${values.out}.tmp-${Deno.pid}`;
      await Deno.writeTextFile(tmp, JSON.stringify(report, null, 2) + "\n");
      await Deno.rename(tmp, values.out!);
      console.error(`wrote ${values.out}`);
      return 0;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};

if (import.meta.main) {
  const args = Deno.args;
  if (args.includes("--help") || args.includes("-h")) console.log(command.help);
  else {
    try {
      Deno.exit(await command.run(args));
    } catch (err) {
      console.error(`error: ${(err as Error).message.replaceAll("\n", " ")}`);
      Deno.exit(1);
    }
  }
}
