/**
 * Trained at one step, detecting at another: a model trained on the hourly `data/` and one trained on the first
 * two thirds of a 1-minute corpus, both scoring the corpus's last third at 1 minute (strict and permissive), with
 * the false events of the hourly model by the detector that drove them.
 *
 *     deno run --allow-read tests/bench/step_transfer.ts [DAYS=30] [SEED=11] [SHARDS=24]
 *
 * @module
 */
import { generateCorpus } from "../../lib/synth/generate.ts";
import { loadCsv } from "../../lib/series/load_csv.ts";
import { train } from "../../lib/model/train.ts";
import { detect } from "../../lib/detect/detect.ts";
import { eventMetrics } from "../../lib/eval/event_metrics.ts";

const DAY = 86_400_000, HOUR = 3_600_000;
const [days, seed, shards] = [30, 11, 24].map((d, i) => Number(Deno.args[i] ?? d));
const corpus = generateCorpus({ seed, shards, days, step: 60_000 });
const end = corpus.options.end, from = end - Math.round(days / 3) * DAY;
const labels = corpus.labels.filter((l) => l.start >= from);
const spans = corpus.series.map((s) => ({ key: s.key, start: from, end }));
const dataDir = new URL("../../data", import.meta.url).pathname;
const hourly = train((await loadCsv([dataDir])).series);
const own = train(
  corpus.series.map((s) => ({ ...s, values: s.values.slice(0, Math.round((from - s.start) / s.step)) })),
);
console.log(
  `${corpus.series.length} series at 1 minute, last ${
    Math.round(days / 3)
  } days scored, ${labels.length} labels`,
);
for (
  const [name, model] of [["trained on hourly data/", hourly], [
    "trained on the first 2/3 (1 min)",
    own,
  ]] as const
) {
  for (const profile of ["strict", "permissive"] as const) {
    const { anomalies } = detect(model, corpus.series, { from, profile });
    const m = eventMetrics(anomalies, labels, { series: spans, slack: 6 * HOUR, leadSlack: HOUR });
    console.log(
      name.padEnd(34),
      profile.padEnd(10),
      `P ${m.precision.toFixed(3)} R ${m.recall.toFixed(3)} F1 ${m.f1.toFixed(3)}`,
      `false/series-month ${m.falseEventsPerSeriesMonth.toFixed(2)}`,
    );
  }
}
const { anomalies } = detect(hourly, corpus.series, { from, profile: "strict" });
const byDriver: Record<string, number> = {};
for (const a of anomalies) {
  const hit = labels.some((l) =>
    l.series === a.series && a.start <= l.end + 6 * HOUR && a.end >= l.start - HOUR
  );
  const d = a.reasons[0]?.detector ?? "?";
  if (!hit) byDriver[d] = (byDriver[d] ?? 0) + 1;
}
console.log("false events of the hourly model (strict) by driver:", JSON.stringify(byDriver));
