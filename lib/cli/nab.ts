import { join } from "node:path";
import { type Command, parseFlags } from "./_command.ts";
import { parseNumber, writeJsonAtomic } from "./_io.ts";
import { formatTable } from "./_format.ts";
import { readNabCorpus } from "../eval/nab_corpus.ts";
import { runNab } from "../eval/run_nab.ts";
import { nabWindowRows } from "../eval/nab_window_rows.ts";
import { nabRowLabels } from "../eval/nab_row_labels.ts";
import { writeNabResults } from "../eval/nab_write_results.ts";
import { scoreNab } from "../eval/nab_score.ts";

const help = `Usage: deno task nab --data DIR --labels FILE --out DIR [--detectors LIST] [--threshold X]

Runs the product over NAB-layout data (<category>/<file>.csv with timestamp,value) by NAB's rules — for each
file, train on its probationary period and detect with the default ensemble, causal, restarted for every file,
one configuration for all — writes <out>/<category>/<file>.csv (timestamp,value,anomaly_score,label,is_anomaly, one row per input row) and
prints the NAB scores (standard, reward_low_FP_rate, reward_low_FN_rate) at the optimised threshold and at our
own threshold (is_anomaly). Also writes <out>/nab_scores.json.

Options:
  --data DIR         NAB data directory (e.g. ../shared/nab/data)
  --labels FILE      NAB windows JSON (e.g. ../shared/nab/labels/combined_windows.json)
  --out DIR          where to write the result files
  --detectors LIST   comma-separated detectors (default: the product's default ensemble)
  --threshold X      our own decision threshold on the 0..1 score (default 0.5: each file's strict threshold)
  --expiry F         alert expiry as a fraction of each file's rows (default 0.05)`;

/** `nab`: score the detector on a NAB corpus. */
export const command: Command = {
  help,
  async run(args) {
    const { values } = parseFlags(args, {
      data: { type: "string" },
      labels: { type: "string" },
      out: { type: "string" },
      detectors: { type: "string" },
      threshold: { type: "string", default: "0.5" },
      expiry: { type: "string", default: "0.05" },
    });
    if (!values.data || !values.labels || !values.out) {
      throw new TypeError(
        "Cannot run NAB: --data DIR, --labels FILE and --out DIR are required (see --help)",
      );
    }
    const threshold = parseNumber("--threshold", values.threshold!, { min: 0, max: 1 });
    const expiry = parseNumber("--expiry", values.expiry!, { min: 0, max: 1 });
    const files = await readNabCorpus(values.data, values.labels);
    const t0 = performance.now();
    const runs = runNab(files, {
      detectors: values.detectors?.split(",").map((d) => d.trim()).filter(Boolean),
      threshold,
      expiry,
    });
    const seconds = (performance.now() - t0) / 1000;
    for (const [i, run] of runs.entries()) {
      const f = files[i];
      await writeNabResults(values.out, f.name, {
        timestamps: f.timestamps,
        values: f.values,
        scores: run.scores,
        labels: nabRowLabels(f),
        isAnomaly: run.isAnomaly,
      });
    }
    const windows = files.map((f) => nabWindowRows(f));
    const optimized = scoreNab(runs.map((r, i) => ({ name: r.name, scores: r.scores, windows: windows[i] })));
    // Our own decisions: is_anomaly as the score, detected at threshold 1.
    const ours = scoreNab(
      runs.map((r, i) => ({ name: r.name, scores: Float64Array.from(r.isAnomaly), windows: windows[i] })),
      { threshold: 1 },
    );
    const profiles = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
    console.log(formatTable(
      ["profile", "optimised", "threshold", "TP", "FN", "FP", "ours (is_anomaly)", "TP ", "FN ", "FP "],
      profiles.map((p) => {
        const o = optimized[p].optimized, a = ours[p].atThreshold!;
        return [
          p,
          o.normalized.toFixed(1),
          o.threshold.toFixed(3),
          o.tp,
          o.fn,
          o.fp,
          a.normalized.toFixed(1),
          a.tp,
          a.fn,
          a.fp,
        ];
      }),
    ));
    console.log(
      `${files.length} files, ${files.reduce((a, f) => a + f.timestamps.length, 0)} rows in ${
        seconds.toFixed(2)
      } s; results in ${values.out}`,
    );
    await writeJsonAtomic(join(values.out, "nab_scores.json"), {
      files: files.length,
      detectors: values.detectors ?? "default",
      expiry,
      ownThreshold: threshold,
      optimized: Object.fromEntries(
        profiles.map((
          p,
        ) => [p, { score: optimized[p].optimized.normalized, threshold: optimized[p].optimized.threshold }]),
      ),
      ours: Object.fromEntries(profiles.map((p) => [p, ours[p].atThreshold!.normalized])),
    });
    return 0;
  },
};
