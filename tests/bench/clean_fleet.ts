/**
 * False events on a fleet where nothing happens: for each step {1 h, 5 min} × history {9, 30, 60 days} × weekly
 * rhythm {on, off}, a seeded corpus of 60 series without a single labelled incident; a model trained on the
 * history scores the next 14 days, and every event there is false. The robustness matrix measures false events
 * on spans that hold incidents; this is the longer, quieter exposure a fleet mostly lives in (840 series-days a
 * condition).
 *
 *     deno run --allow-read tests/bench/clean_fleet.ts [SEED=99]
 *
 * @module
 */
import { generateCorpus } from "../../lib/synth/generate.ts";
import { train } from "../../lib/model/train.ts";
import { detect } from "../../lib/detect/detect.ts";

const DAY = 86_400_000;
const seed = Number(Deno.args[0] ?? 99);
const rows: string[] = [];
let total = 0, months = 0;
for (const weekly of [true, false]) {
  for (const step of [3_600_000, 300_000]) {
    for (const history of [9, 30, 60]) {
      const corpus = generateCorpus({
        seed,
        shards: 10,
        days: history + 14,
        step,
        weekly,
        anomalyRate: 0,
        recent: false,
      });
      const from = corpus.options.end - 14 * DAY;
      const model = train(
        corpus.series.map((s) => ({
          ...s,
          values: s.values.slice(0, Math.round((from - s.start) / s.step)),
        })),
      );
      const { anomalies } = detect(model, corpus.series, { from });
      const seriesMonths = (corpus.series.length * 14) / 30.4375;
      const drivers: Record<string, number> = {};
      for (const a of anomalies) {
        const d = a.reasons[0]?.detector ?? "?";
        drivers[d] = (drivers[d] ?? 0) + 1;
      }
      total += anomalies.length;
      months += seriesMonths;
      rows.push(
        `| ${step / 60_000 >= 60 ? "1 h" : `${step / 60_000} min`} | ${history} d | ${
          weekly ? "on" : "off"
        } | ${anomalies.length} | ${(anomalies.length / seriesMonths).toFixed(2)} | ${
          Object.entries(drivers).map(([k, v]) => `${k} ${v}`).join(", ") || "–"
        } |`,
      );
    }
  }
}
console.log(`seed ${seed}: 60 series a condition, 14 days scored after the history, no incidents`);
console.log("| step | history | weekly | false events | per series-month | by detector |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(r);
console.log(`all conditions: ${total} false events, ${(total / months).toFixed(2)} per series-month`);
