/**
 * One benchmark run in a fresh process, so that peak RSS (VmHWM) belongs to this run alone.
 * Usage: _bench_worker.ts csv FILE  → prints {"ms": ..., "peakRssMb": ..., ...} on stdout.
 */
import { loadCsv } from "../series/load_csv.ts";

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Deno.memoryUsage().rss / 2 ** 20;
}

const [kind, ...rest] = Deno.args;
if (kind === "csv") {
  const t0 = performance.now();
  const { series, reports } = await loadCsv(rest);
  const ms = performance.now() - t0;
  const rows = reports.reduce((a, r) => a + r.rows, 0);
  const points = series.reduce((a, s) => a + s.values.length, 0);
  console.log(JSON.stringify({ ms, rows, points, peakRssMb: peakRssMb() }));
} else {
  console.error(`unknown bench kind ${kind}`);
  Deno.exit(1);
}
