/**
 * A fleet with idle shards: 72 series, 60 days, every tenth of them at exactly 0 from 00:00 to 08:00 UTC every
 * night (value and expectation both 0: an aggregator with nothing to do), the rest with their labelled
 * incidents (the idle ones keep theirs). Trained on all of it, as a user trains; then prints the false events on
 * the idle series (their nights are their normal life) and the quality on the others (the idle nights must not raise the fleet's
 * threshold either). With no idle series at all for comparison.
 *
 *     deno run --allow-read tests/bench/idle_fleet.ts [STEP_MINUTES=60] [SEED=77]
 *
 * @module
 */
import { generateCorpus } from "../../lib/synth/generate.ts";
import { train } from "../../lib/model/train.ts";
import { detect } from "../../lib/detect/detect.ts";
import { eventMetrics } from "../../lib/eval/event_metrics.ts";

const step = Number(Deno.args[0] ?? 60) * 60_000;
const seed = Number(Deno.args[1] ?? 77);
const DAYS = 60;

for (const idleEvery of [0, 10]) {
  const corpus = generateCorpus({ shards: 12, days: DAYS, step, seed, anomalyRate: 2 });
  const idle = new Set(
    idleEvery ? corpus.series.filter((_, i) => i % idleEvery === 0).map((s) => s.key) : [],
  );
  const series = corpus.series.map((s) => {
    if (!idle.has(s.key)) return s;
    const values = s.values.slice();
    for (let i = 0; i < values.length; i++) {
      if (new Date(s.start + i * s.step).getUTCHours() < 8) values[i] = 0;
    }
    return { ...s, values };
  });
  const model = train(series);
  const active = series.filter((s) => !idle.has(s.key));
  const found = detect(model, active).anomalies;
  const m = eventMetrics(found, corpus.labels.filter((l) => !idle.has(l.series)), {
    seriesMonths: (active.length * DAYS) / 30,
  });
  const recall = Object.entries(m.perKind).filter(([, k]) => k.labels > 0)
    .map(([kind, k]) => `${kind} ${k.recall!.toFixed(2)}`).join(", ");
  console.log(
    `${idle.size} idle of ${series.length}: active series F1 ${m.f1.toFixed(3)}, ${m.fp} false events ` +
      `(${m.falseEventsPerSeriesMonth.toFixed(2)} per series-month); recall ${recall}`,
  );
  if (idle.size) {
    // The idle series keep their own labelled incidents: an event matching one is found, the rest are false.
    const own = corpus.labels.filter((l) => idle.has(l.series));
    const quiet = detect(model, series.filter((s) => idle.has(s.key))).anomalies;
    const q = eventMetrics(quiet, own, { seriesMonths: (idle.size * DAYS) / 30 });
    const falseOnes = quiet.filter((a) =>
      !own.some((l) =>
        l.series === a.series && l.end + 6 * 3_600_000 >= a.start && l.start - 3_600_000 <= a.end
      )
    );
    const by = new Map<string, number>();
    for (const a of falseOnes) {
      const d = a.reasons[0]?.detector ?? "?";
      by.set(d, (by.get(d) ?? 0) + 1);
    }
    console.log(
      `  idle series: ${q.fp} false events in ${idle.size * DAYS} series-days (${
        q.falseEventsPerSeriesMonth.toFixed(2)
      } per series-month), by driver ${JSON.stringify(Object.fromEntries(by))}; of their own ${own.length} ` +
        `incidents ${Math.round(q.recall * own.length)} found (missed: ${
          Object.entries(q.perKind).filter(([, k]) => k.labels > 0 && k.recall! < 1)
            .map(([kind, k]) => `${kind} ${k.labels - Math.round(k.recall! * k.labels)} of ${k.labels}`).join(
              ", ",
            ) || "none"
        })`,
    );
  }
}
