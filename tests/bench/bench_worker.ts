/**
 * One benchmark run in a fresh process, so that peak RSS (VmHWM) belongs to this run alone.
 * Usage: _bench_worker.ts csv FILE | train DIR OUT | detect MODEL DIR → prints {"ms", "peakRssMb", ...} on stdout.
 */
import { loadCsv } from "../../lib/series/load_csv.ts";
import { train } from "../../lib/model/train.ts";
import { saveModel } from "../../lib/model/save_model.ts";
import { loadModel } from "../../lib/model/load_model.ts";
import { detect } from "../../lib/detect/detect.ts";

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
} else if (kind === "train") {
  // CSV exports → model file, end to end.
  const [dir, out] = rest;
  const t0 = performance.now();
  const { series } = await loadCsv([dir], { extraLabels: { family: "presence" } });
  const model = train(series);
  await saveModel(model, out);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, points: model.trainedOn.points, peakRssMb: peakRssMb() }));
} else if (kind === "detect") {
  // Scoring only (model and series already in memory): the full ensemble, calibration and events, one core.
  const [modelPath, dir] = rest;
  const model = await loadModel(modelPath);
  const { series } = await loadCsv([dir], { extraLabels: { family: "presence" } });
  const points = series.reduce((a, s) => a + s.values.length, 0);
  // The first call in a fresh process (cold: includes V8 compiling the hot loops), then warm calls as a
  // long-running watcher sees them. Copies of the values, so no per-array cache carries over between calls.
  const copies = () => series.map((s) => ({ ...s, values: s.values.slice() }));
  let input = copies();
  let t0 = performance.now();
  const result = detect(model, input);
  const coldMs = performance.now() - t0;
  const warm: number[] = [];
  for (let k = 0; k < 5; k++) {
    input = copies();
    t0 = performance.now();
    detect(model, input);
    warm.push(performance.now() - t0);
  }
  warm.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      ms: warm[2],
      coldMs,
      points,
      anomalies: result.anomalies.length,
      peakRssMb: peakRssMb(),
    }),
  );
} else {
  console.error(`unknown bench kind ${kind}`);
  Deno.exit(1);
}
