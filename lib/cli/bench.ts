import { join } from "node:path";
import type { Command } from "./_command.ts";
import { parseFlags } from "./_command.ts";
import { formatTable } from "./_format.ts";

const help = `Usage: deno task bench [--runs N] [--rows N] [--out reports/bench.json]

Runs the benchmarks, each in a fresh process, N times, and prints the medians; writes them as JSON.
  csv_parse   load a generated Grafana CSV export (sep=, line, percentages, empty cells): rows/s, peak RSS

Options:
  --runs N    runs per benchmark (default 5)
  --rows N    rows in the generated CSV (default 1500000)
  --out FILE  where to write the JSON (default reports/bench.json)`;

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
  const worker = new URL("./_bench_worker.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", worker, ...args], // --allow-all: /proc/self/status (peak RSS)
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot run benchmark ${args[0]}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** `bench`: run the benchmarks and write reports/bench.json. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      runs: { type: "string", default: "5" },
      rows: { type: "string", default: "1500000" },
      out: { type: "string", default: "reports/bench.json" },
    });
    const runs = Number(values.runs), rows = Number(values.rows);
    if (!(Number.isInteger(runs) && runs >= 1)) {
      throw new RangeError(
        `Cannot bench: --runs must be a positive integer, current value is ${values.runs}`,
      );
    }
    if (!(Number.isInteger(rows) && rows >= 10)) {
      throw new RangeError(`Cannot bench: --rows must be an integer ≥ 10, current value is ${values.rows}`);
    }
    const dir = await Deno.makeTempDir({ prefix: "bench-" });
    try {
      const csv = join(dir, "export.csv");
      console.error(`generating a ${rows}-row CSV export ...`);
      const bytes = await writeBigCsv(csv, rows);
      const samples: Array<Record<string, number>> = [];
      for (let r = 0; r < runs; r++) {
        samples.push(await runWorker(["csv", csv]));
        console.error(`csv_parse run ${r + 1}/${runs}: ${samples[r].ms.toFixed(0)} ms`);
      }
      const ms = median(samples.map((s) => s.ms));
      const results = {
        csv_parse: {
          rows,
          bytes,
          runs,
          median_ms: Math.round(ms),
          rows_per_s: Math.round(rows / (ms / 1000)),
          mb_per_s: Number((bytes / 2 ** 20 / (ms / 1000)).toFixed(1)),
          peak_rss_mb: Math.round(median(samples.map((s) => s.peakRssMb))),
          runs_ms: samples.map((s) => Math.round(s.ms)),
          target: "1.5 M rows well under 2 s",
        },
      };
      const report = {
        date: new Date().toISOString(),
        deno: Deno.version.deno,
        v8: Deno.version.v8,
        cpus: navigator.hardwareConcurrency,
        results,
      };
      console.log(formatTable(["benchmark", "median", "throughput", "peak RSS", "runs"], [[
        "csv_parse",
        `${(ms / 1000).toFixed(2)} s`,
        `${(results.csv_parse.rows_per_s / 1e6).toFixed(2)} M rows/s`,
        `${results.csv_parse.peak_rss_mb} MB`,
        String(runs),
      ]]));
      await Deno.mkdir(join(values.out, ".."), { recursive: true });
      const tmp = `${values.out}.tmp-${Deno.pid}`;
      await Deno.writeTextFile(tmp, JSON.stringify(report, null, 2) + "\n");
      await Deno.rename(tmp, values.out);
      console.error(`wrote ${values.out}`);
      return 0;
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};
